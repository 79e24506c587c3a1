import { readFileSync } from 'node:fs';
import path from 'node:path';

// transformers.js' typings are far broader than what is used here: a tokenizer call and a forward pass.
interface TensorLike {
  data: ArrayLike<number | bigint> & { [i: number]: number | bigint };
  dims: number[];
}
type Encoded = Record<string, TensorLike>;
interface Tokenizer {
  (text: string[], opts: { text_pair: string[]; padding: boolean; truncation: boolean; max_length: number }): Encoded;
  sep_token_id?: number;
  model_max_length?: number;
}
interface Classifier {
  (inputs: Encoded): Promise<{ logits: TensorLike }>;
  dispose(): Promise<unknown>;
  config?: { max_position_embeddings?: number };
}

/** A loaded cross-encoder: scores batches of (query, passage) pairs. Runs inside the reranker's worker. */
export interface RerankSession {
  /** The token limit per pair in force: the smallest of the setting and the model's limits. */
  maxLength: number;
  score(query: string, passages: string[]): Promise<number[]>;
  dispose(): Promise<void>;
}

/** Passages are cut to this many characters per allowed token before tokenising: a chunk never needs more. */
const CHARS_PER_TOKEN = 8;
/** The query keeps at most this share of the pair's characters budget; the passage gets the rest. */
const QUERY_SHARE = 0.25;

/**
 * Loads the tokenizer and the ONNX sequence-classification model from a local folder (never
 * the hub). onnxruntime-node runs a forward pass synchronously on the calling thread, which is
 * why this runs in a worker (rerank-worker.ts), not on the engine's event loop.
 */
export async function openRerankSession(folder: string, dtype: string, maxLength: number): Promise<RerankSession> {
  const { env, AutoTokenizer, AutoModelForSequenceClassification } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const [tokenizer, model] = await Promise.all([
    AutoTokenizer.from_pretrained(folder, { local_files_only: true }) as unknown as Promise<Tokenizer>,
    AutoModelForSequenceClassification.from_pretrained(folder, { dtype: dtype as 'fp32', local_files_only: true }) as unknown as Promise<Classifier>,
  ]);
  const positions = model.config?.max_position_embeddings ?? readPositions(folder);
  const limit = Math.min(maxLength, tokenizer.model_max_length ?? Infinity, positions ?? Infinity);
  return {
    maxLength: limit,
    async score(query, passages) {
      const q = query.slice(0, Math.floor(limit * QUERY_SHARE * CHARS_PER_TOKEN));
      const batch = passages.map((p) => p.slice(0, limit * CHARS_PER_TOKEN));
      const encoded = tokenizer(new Array<string>(batch.length).fill(q), { text_pair: batch, padding: true, truncation: true, max_length: limit });
      if (tokenizer.sep_token_id !== undefined) endWithSeparator(encoded, tokenizer.sep_token_id);
      const { logits } = await model(encoded);
      return relevance(logits, batch.length);
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/**
 * transformers.js truncates a pair by cutting the end of the row, which drops the closing
 * [SEP] the model was trained with; put it back on every row that was cut.
 */
export function endWithSeparator(encoded: Encoded, sepId: number): void {
  const ids = encoded.input_ids;
  const mask = encoded.attention_mask;
  if (!ids || !mask || ids.dims.length !== 2) return;
  const [rows, cols] = ids.dims;
  const big = typeof ids.data[0] === 'bigint';
  for (let r = 0; r < rows; r++) {
    let last = -1;
    for (let c = cols - 1; c >= 0; c--) {
      if (Number(mask.data[r * cols + c]) !== 0) {
        last = c;
        break;
      }
    }
    if (last < 0 || Number(ids.data[r * cols + last]) === sepId) continue;
    ids.data[r * cols + last] = big ? BigInt(sepId) : sepId;
  }
}

/**
 * One relevance score per row: the single logit of a regression head (MS MARCO cross-encoders,
 * bge-reranker), or for a two-class head the margin of "relevant" over "not relevant".
 */
export function relevance(logits: TensorLike, rows: number): number[] {
  const labels = logits.dims[logits.dims.length - 1] ?? 1;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = r * labels;
    out.push(labels === 1 ? Number(logits.data[row]) : Number(logits.data[row + labels - 1]) - Number(logits.data[row]));
  }
  return out;
}

function readPositions(folder: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as { max_position_embeddings?: number }).max_position_embeddings;
  } catch {
    return undefined;
  }
}
