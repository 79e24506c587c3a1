import path from 'node:path';
import { QuarryError } from '../util/errors';
import { CachedEmbedder } from './cache';
import { HashEmbedder } from './hash';
import type { ModelManifest } from './manifest';
import { OpenAIEmbedder } from './openai';
import { TransformersEmbedder } from './transformers';
import type { Embedder, EmbedderConfig } from './types';
import { UseEmbedder } from './use';

export type { Embedder, EmbedderConfig, EmbedOptions } from './types';
export { CachedEmbedder, EmbeddingCache, cacheKey, type CacheStats } from './cache';
export { HashEmbedder, hashVector } from './hash';
export { findModel, loadManifest, modelDir, parseManifest, type ModelEntry, type ModelFile, type ModelManifest } from './manifest';
export { listModels, pullModel, requireInstalled, type ModelStatus, type PullOptions, type PullProgress } from './models';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai';
export { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers';
export { UseEmbedder, type UseEmbedderOptions } from './use';
export { l2normalize, validateVectors } from './validate';

/** The zero-download default: the Universal Sentence Encoder from npm. */
export const DEFAULT_EMBEDDER_CONFIG: EmbedderConfig = { kind: 'use' };

/** Options of {@link createEmbedder}. */
export interface CreateEmbedderOptions {
  /** The data folder; manifest models live in `<dataDir>/models/<id>/`. */
  dataDir: string;
  /** When given, embeddings are cached there (one file per model), e.g. `<dataDir>/embed-cache`. */
  cacheDir?: string;
  /** Overrides the bundled models/manifest.json (tests, administrators). */
  manifest?: ModelManifest;
  /** For the OpenAI-compatible backend (tests). */
  fetch?: typeof fetch;
}

/**
 * Builds the embedder a configuration names. Heavy work (workers, ONNX sessions) starts on
 * first use; missing model files and bad settings fail here, with a typed error and a hint.
 *
 * @throws QuarryError MODEL_MISSING, INVALID_INPUT, and for `openai` without a dimension the
 * errors of its probe request (UNAUTHORIZED, NETWORK, TIMEOUT, PROVIDER_FAILED).
 * @example
 * const embedder = await createEmbedder({ kind: 'use' }, { dataDir, cacheDir: path.join(dataDir, 'embed-cache') });
 * const vectors = await embedder.embed(['a passage']);
 * await embedder.close();
 */
export async function createEmbedder(config: EmbedderConfig = DEFAULT_EMBEDDER_CONFIG, opts: CreateEmbedderOptions): Promise<Embedder> {
  const inner = await createBackend(config, opts);
  return opts.cacheDir ? new CachedEmbedder(inner, opts.cacheDir) : inner;
}

async function createBackend(config: EmbedderConfig, opts: CreateEmbedderOptions): Promise<Embedder> {
  switch (config.kind) {
    case 'use':
      return new UseEmbedder({ workers: config.workers, batchSize: config.batchSize });
    case 'transformers':
      return TransformersEmbedder.create({
        model: config.model,
        modelsDir: path.join(opts.dataDir, 'models'),
        manifest: opts.manifest,
        pooling: config.pooling,
        normalize: config.normalize,
        queryPrefix: config.queryPrefix,
        passagePrefix: config.passagePrefix,
        dtype: config.dtype,
        batchSize: config.batchSize,
      });
    case 'openai':
      return OpenAIEmbedder.create({ ...config, fetch: opts.fetch });
    case 'hash':
      return new HashEmbedder(config.dimension);
    default: {
      const unknown: never = config;
      throw new QuarryError('INVALID_INPUT', `Unknown embedder kind: ${(unknown as { kind: string }).kind}`);
    }
  }
}
