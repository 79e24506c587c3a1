import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RerankSettings } from '../config';
import { loadManifest, type ModelEntry, type ModelManifest } from '../embed/manifest';
import { requireInstalled } from '../embed/models';
import { looksLikePath, ONNX_FILE } from '../embed/transformers';
import { QuarryError } from '../util/errors';
import type { Reranker, RerankerSetup, RerankScoreOptions } from './rerank';

type Dtype = NonNullable<ModelEntry['dtype']>;

/** Options of {@link TransformersReranker.create}. */
export interface TransformersRerankerOptions {
  /** A reranker id from the manifest (installed under `<modelsDir>/<id>/`) or a model folder. */
  model: string;
  /** `<dataDir>/models`, where `quarry models pull` installs manifest models. */
  modelsDir: string;
  manifest?: ModelManifest;
  /** For a local folder (a manifest entry brings its own); default fp32. */
  dtype?: Dtype;
  /** Pairs per ONNX call; the event loop gets a turn between calls (default 8). */
  batchSize?: number;
  /** Token limit per (query, passage) pair, capped by the model's own (default 512). */
  maxLength?: number;
  /** Unload the session after this long without a call (ms, default 5 minutes). */
  idleMs?: number;
}

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
interface Loaded {
  tokenizer: Tokenizer;
  model: Classifier;
  maxLength: number;
}

/** Passages are cut to this many characters per allowed token before tokenising: a chunk never needs more. */
const CHARS_PER_TOKEN = 8;
/** The query keeps at most this share of the pair's tokens; the passage gets the rest. */
const QUERY_SHARE = 0.25;

/**
 * A cross-encoder run by `@huggingface/transformers` (ONNX): AutoTokenizer +
 * AutoModelForSequenceClassification over (query, passage) pairs, from local files only —
 * manifest models arrive through `quarry models pull` (resume, checksums), never through
 * transformers.js. Loads once on first use and unloads after `idleMs` without calls.
 *
 * Runs in-process: the ONNX forward pass runs on onnxruntime's own threads and does not block
 * the event loop; tokenising does, so pairs go in small batches with a turn for other events
 * between them (bench/rerank.ts measures the longest event-loop stall). Calls are serialised:
 * a query waiting behind another spends its own budget, which is what a budget is for.
 *
 * @example
 * const r = await TransformersReranker.create({ model: 'ms-marco-minilm-l-6-v2', modelsDir });
 * const scores = await r.score('what causes scurvy?', passages);
 */
export class TransformersReranker implements Reranker {
  readonly id: string;
  private session?: Promise<Loaded>;
  private ready = false;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private idleTimer?: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxLength: number;
  private readonly idleMs: number;

  private constructor(
    private readonly folder: string,
    private readonly dtype: Dtype,
    id: string,
    opts: TransformersRerankerOptions,
  ) {
    this.id = id;
    this.batchSize = Math.max(1, opts.batchSize ?? 8);
    this.maxLength = Math.max(16, opts.maxLength ?? 512);
    this.idleMs = Math.max(1000, opts.idleMs ?? 300_000);
  }

  /**
   * Resolves the model and checks that its files are present; the session loads on first use.
   *
   * @throws QuarryError MODEL_MISSING (with a hint saying what to pull or where to put files) or
   * INVALID_INPUT (a manifest id that is not a transformers.js reranker).
   */
  static async create(opts: TransformersRerankerOptions): Promise<TransformersReranker> {
    const manifest = opts.manifest ?? loadManifest();
    const entry = manifest.models.find((m) => m.id === opts.model);
    if (entry) {
      if (entry.kind !== 'reranker' || entry.runtime !== 'transformers') {
        throw new QuarryError('INVALID_INPUT', `"${entry.id}" is a ${entry.kind} model, not a reranker.`, { hint: `Rerankers: ${rerankerIds(manifest)}.` });
      }
      return new TransformersReranker(requireInstalled(opts.modelsDir, entry), entry.dtype ?? 'fp32', entry.id, { ...opts, maxLength: Math.min(opts.maxLength ?? 512, entry.maxTokens ?? 512) });
    }
    if (!looksLikePath(opts.model)) {
      throw new QuarryError('MODEL_MISSING', `No reranker model called "${opts.model}" is known, and it is not a folder.`, {
        hint: `Use ${rerankerIds(manifest)} (then run \`quarry models pull <id>\`), or give the path of a model folder.`,
      });
    }
    const folder = path.resolve(opts.model);
    const dtype = opts.dtype ?? 'fp32';
    const missing = ['config.json', 'tokenizer.json', ONNX_FILE[dtype]].filter((f) => !existsSync(path.join(folder, f)));
    if (missing.length > 0) {
      throw new QuarryError('MODEL_MISSING', `The reranker folder ${folder} is missing ${missing.join(', ')}.`, {
        hint: `Put the files in ${folder} (config.json, tokenizer.json and ${ONNX_FILE[dtype]}), or choose another reranker in Settings.`,
      });
    }
    return new TransformersReranker(folder, dtype, path.basename(folder), opts);
  }

  get loaded(): boolean {
    return this.ready;
  }

  async load(): Promise<void> {
    await this.open();
  }

  async score(query: string, passages: string[], opts: RerankScoreOptions = {}): Promise<number[]> {
    if (passages.length === 0) return [];
    this.inFlight++;
    clearTimeout(this.idleTimer);
    const run = this.chain.then(() => this.run(query, passages, opts));
    this.chain = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      if (--this.inFlight === 0) this.armIdle();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.chain;
    await this.unload();
  }

  private async run(query: string, passages: string[], opts: RerankScoreOptions): Promise<number[]> {
    const { tokenizer, model, maxLength } = await this.open();
    const q = query.slice(0, Math.floor(maxLength * QUERY_SHARE * CHARS_PER_TOKEN));
    const cap = maxLength * CHARS_PER_TOKEN;
    const texts = passages.map((p) => p.slice(0, cap));
    // Similar lengths batched together pad less: the model's cost grows with the longest row.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const out = new Array<number>(texts.length);
    for (let i = 0; i < order.length; i += this.batchSize) {
      if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'Reranking was cancelled.');
      if (opts.deadline !== undefined && performance.now() > opts.deadline) {
        throw new QuarryError('TIMEOUT', `Reranking ran past its time budget after ${i} of ${passages.length} passages.`);
      }
      const ids = order.slice(i, i + this.batchSize);
      const batch = ids.map((j) => texts[j]);
      const encoded = tokenizer(new Array<string>(batch.length).fill(q), { text_pair: batch, padding: true, truncation: true, max_length: maxLength });
      if (tokenizer.sep_token_id !== undefined) endWithSeparator(encoded, tokenizer.sep_token_id);
      const { logits } = await model(encoded);
      relevance(logits, batch.length).forEach((s, r) => (out[ids[r]] = s));
      // Tokenising is synchronous: let queued events (other requests, UI messages) run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }

  private open(): Promise<Loaded> {
    this.session ??= (async (): Promise<Loaded> => {
      // Loaded lazily: onnxruntime-node is a large native addon that most searches never need.
      const { env, AutoTokenizer, AutoModelForSequenceClassification } = await import('@huggingface/transformers');
      // Never let transformers.js reach the hub: files come from a local folder (absolute path).
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      const [tokenizer, model] = await Promise.all([
        AutoTokenizer.from_pretrained(this.folder, { local_files_only: true }) as unknown as Promise<Tokenizer>,
        AutoModelForSequenceClassification.from_pretrained(this.folder, { dtype: this.dtype, local_files_only: true }) as unknown as Promise<Classifier>,
      ]);
      const positions = model.config?.max_position_embeddings ?? readPositions(this.folder);
      const maxLength = Math.min(this.maxLength, tokenizer.model_max_length ?? Infinity, positions ?? Infinity);
      this.ready = true;
      return { tokenizer, model, maxLength };
    })().catch((e: unknown) => {
      this.session = undefined;
      throw new QuarryError('EMBEDDER_UNAVAILABLE', `The reranker in ${this.folder} could not be loaded: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'Pull the model again, or choose another reranker in Settings.',
        cause: e,
      });
    });
    return this.session;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.inFlight === 0) void this.unload();
    }, this.idleMs);
    // An idle model must not keep the process alive.
    this.idleTimer.unref();
  }

  private async unload(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.ready = false;
    const loaded = await session?.catch(() => undefined);
    await loaded?.model.dispose();
  }
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

function rerankerIds(manifest: ModelManifest): string {
  return manifest.models.filter((m) => m.kind === 'reranker').map((m) => m.id).join(', ') || '(none in the manifest)';
}

/**
 * The searcher's view of a configured reranker: the model is resolved on first use and again
 * after a failure (so a model pulled later starts working without a restart).
 */
export function rerankerSetup(settings: RerankSettings & { model: string }, opts: { modelsDir: string; manifest?: ModelManifest }): RerankerSetup & { close(): Promise<void> } {
  let created: Promise<TransformersReranker> | undefined;
  return {
    model: settings.model,
    budgetMs: settings.budgetMs,
    topN: settings.topN,
    get() {
      created ??= TransformersReranker.create({ model: settings.model, modelsDir: opts.modelsDir, manifest: opts.manifest, maxLength: settings.maxLength, idleMs: settings.idleMs });
      created.catch(() => (created = undefined));
      return created;
    },
    async close() {
      const r = await created?.catch(() => undefined);
      await r?.close();
    },
  };
}
