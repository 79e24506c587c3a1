import type { EmbedderInfo } from '../../contract';

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
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}
