import type { EmbedderInfo } from '../../contract';
import type { OpenAIEmbedderOptions } from './openai';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Retrieval models (e5, bge) embed queries and passages differently. */
  kind?: 'query' | 'passage';
}

/**
 * Turns text into vectors. Implementations validate their output (no NaN/Inf, no all-zero
 * vectors, the declared dimension) and throw QuarryError('EMBEDDING_INVALID') otherwise.
 */
export interface Embedder {
  readonly info: EmbedderInfo;
  /**
   * How callers that stream texts (the ingest batcher) should feed this embedder: `size` texts
   * per call, `concurrent` calls at once. A pool of N single-threaded workers taking batches of
   * B wants calls of B, N at a time: a call then occupies exactly one worker.
   */
  readonly batching?: { size: number; concurrent: number };
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * Which embedder to build (see createEmbedder in main/embed/index.ts). Default: `{ kind: 'use' }`,
 * the Universal Sentence Encoder shipped inside npm — no download.
 */
export type EmbedderConfig =
  | { kind: 'use'; /** Worker threads; 0 = in-process. Default: available cores, at most 4. */ workers?: number; batchSize?: number }
  | {
      kind: 'transformers';
      /** A manifest id (installed under `<dataDir>/models/<id>/`) or a local model folder. */
      model: string;
      /** For a local folder only; a manifest model brings its own. */
      pooling?: 'mean' | 'cls';
      normalize?: boolean;
      queryPrefix?: string;
      passagePrefix?: string;
      dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
      batchSize?: number;
    }
  | ({ kind: 'openai' } & Omit<OpenAIEmbedderOptions, 'fetch'>)
  | { kind: 'hash'; dimension?: number };
