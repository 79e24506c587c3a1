export { chunkDocument, chunkSourceParts, resolveChunkOptions, DEFAULT_CHUNK_OPTIONS, type ChunkSourcePart } from './chunker';
export { countTokens, splitSentences, type Span } from './tokens';
export type { Chunk, ChunkOptions } from './types';
