import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EmbedderInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import { loadManifest, type ModelEntry, type ModelManifest } from './manifest';
import { requireInstalled } from './models';
import type { Embedder, EmbedOptions } from './types';
import { validateVectors } from './validate';

type Dtype = NonNullable<ModelEntry['dtype']>;

/** Options of {@link TransformersEmbedder.create}. */
export interface TransformersEmbedderOptions {
  /** A manifest id (files under `<modelsDir>/<id>/`) or a local model folder. */
  model: string;
  /** `<dataDir>/models`, where manifest models are installed. */
  modelsDir: string;
  manifest?: ModelManifest;
  /** For a local folder (a manifest entry brings its own): defaults mean, true, '', '', fp32. */
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  queryPrefix?: string;
  passagePrefix?: string;
  dtype?: Dtype;
  /** Texts per ONNX call. */
  batchSize?: number;
}

interface Settings {
  folder: string;
  info: EmbedderInfo;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  queryPrefix: string;
  passagePrefix: string;
  dtype: Dtype;
}

// The pipeline's overloaded typings are too heavy for what is used here: one call and dispose.
interface Extractor {
  (texts: string[], opts: { pooling: 'mean' | 'cls'; normalize: boolean }): Promise<{ data: ArrayLike<number>; dims: number[] }>;
  dispose(): Promise<void>;
}

/** The ONNX file transformers.js loads for each dtype (also used by the reranker). */
export const ONNX_FILE: Record<Dtype, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  q4: 'onnx/model_q4.onnx',
};

/**
 * A sentence-embedding model run by `@huggingface/transformers` (ONNX) from local files only:
 * downloads go through `pullModel`, with resume and checksums, never through transformers.js.
 * Pooling, normalisation and the query/passage prefixes come from the manifest (bge adds an
 * instruction to queries, e5 prefixes both). The ONNX session loads on first use.
 *
 * @example
 * const e = await TransformersEmbedder.create({ model: 'bge-small-en-v1.5', modelsDir });
 * const [q] = await e.embed(['what is hybrid search?'], { kind: 'query' });
 */
export class TransformersEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private extractor?: Promise<Extractor>;

  private constructor(
    private readonly settings: Settings,
    private readonly batchSize: number,
  ) {
    this.info = settings.info;
  }

  /**
   * Resolves the model and checks its files are present (the session itself loads lazily).
   *
   * @throws QuarryError('MODEL_MISSING') whose hint says to pull the model or where to put files.
   */
  static async create(opts: TransformersEmbedderOptions): Promise<TransformersEmbedder> {
    return new TransformersEmbedder(resolveSettings(opts), Math.max(1, opts.batchSize ?? 16));
  }

  /** Vectors in input order; queries and passages get their model's prefixes. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { settings } = this;
    const prefix = opts.kind === 'query' ? settings.queryPrefix : settings.passagePrefix;
    const extractor = await this.load();
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'Embedding was cancelled.');
      const batch = texts.slice(i, i + this.batchSize).map((t) => prefix + t);
      const result = await extractor(batch, { pooling: settings.pooling, normalize: settings.normalize });
      const dim = result.dims[result.dims.length - 1];
      const data = Float32Array.from(result.data);
      for (let row = 0; row < batch.length; row++) out.push(data.slice(row * dim, (row + 1) * dim));
    }
    validateVectors(out, this.info.dimension, texts.length);
    return out;
  }

  async close(): Promise<void> {
    const extractor = this.extractor;
    this.extractor = undefined;
    if (extractor) await (await extractor.catch(() => undefined))?.dispose();
  }

  private load(): Promise<Extractor> {
    this.extractor ??= (async () => {
      // Loaded lazily: onnxruntime-node is a large native addon that USE-only users never need.
      const { env, pipeline } = await import('@huggingface/transformers');
      // Never let transformers.js reach the hub itself. The folder is passed as an absolute
      // path (not an id under env.localModelPath), so no process-wide path setting is touched.
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      const load = pipeline as unknown as (task: string, model: string, opts: object) => Promise<Extractor>;
      return load('feature-extraction', this.settings.folder, { dtype: this.settings.dtype, local_files_only: true });
    })().catch((e: unknown) => {
      this.extractor = undefined;
      throw new QuarryError('EMBEDDER_UNAVAILABLE', `The embedding model in ${this.settings.folder} could not be loaded: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'Pull the model again, or choose another embedding model in Settings.',
        cause: e,
      });
    });
    return this.extractor;
  }
}

function resolveSettings(opts: TransformersEmbedderOptions): Settings {
  const manifest = opts.manifest ?? loadManifest();
  const entry = manifest.models.find((m) => m.id === opts.model);
  if (entry) {
    if (entry.kind !== 'embedding' || entry.runtime !== 'transformers' || !entry.dimension) {
      throw new QuarryError('INVALID_INPUT', `"${entry.id}" is a ${entry.kind} model, not a transformers.js embedding model.`, {
        hint: `Embedding models: ${manifest.models.filter((m) => m.kind === 'embedding').map((m) => m.id).join(', ')}.`,
      });
    }
    return {
      folder: requireInstalled(opts.modelsDir, entry),
      info: { id: entry.id, dimension: entry.dimension, kind: 'transformers' },
      pooling: entry.pooling ?? 'mean',
      normalize: entry.normalize ?? true,
      queryPrefix: entry.queryPrefix ?? '',
      passagePrefix: entry.passagePrefix ?? '',
      dtype: entry.dtype ?? 'fp32',
    };
  }
  if (!looksLikePath(opts.model)) {
    throw new QuarryError('MODEL_MISSING', `No embedding model called "${opts.model}" is known, and it is not a folder.`, {
      hint: `Use one of ${manifest.models.filter((m) => m.kind === 'embedding').map((m) => m.id).join(', ')} (then run \`quarry models pull <id>\`), or give the path of a model folder.`,
    });
  }
  const folder = path.resolve(opts.model);
  const dtype = opts.dtype ?? 'fp32';
  const required = ['config.json', 'tokenizer.json', ONNX_FILE[dtype]];
  const missing = required.filter((f) => !existsSync(path.join(folder, f)));
  if (missing.length > 0) {
    throw new QuarryError('MODEL_MISSING', `The model folder ${folder} is missing ${missing.join(', ')}.`, {
      hint: `Put the files in ${folder} (config.json, tokenizer.json and ${ONNX_FILE[dtype]}).`,
    });
  }
  const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as { hidden_size?: number; dim?: number; d_model?: number };
  const dimension = config.hidden_size ?? config.dim ?? config.d_model;
  if (!dimension) throw new QuarryError('INVALID_INPUT', `${folder}/config.json does not give the model's hidden size.`);
  // The id feeds the embedding cache: a folder name alone could collide, so add its path's hash.
  const tag = createHash('sha256').update(folder).digest('hex').slice(0, 8);
  return {
    folder,
    info: { id: `${path.basename(folder)}@${tag}`, dimension, kind: 'transformers' },
    pooling: opts.pooling ?? 'mean',
    normalize: opts.normalize ?? true,
    queryPrefix: opts.queryPrefix ?? '',
    passagePrefix: opts.passagePrefix ?? '',
    dtype,
  };
}

/** Whether a model setting names a folder rather than a manifest id. */
export function looksLikePath(model: string): boolean {
  if (path.isAbsolute(model) || model.startsWith('.') || model.includes('/') || model.includes('\\')) return true;
  try {
    return statSync(model).isDirectory();
  } catch {
    return false;
  }
}
