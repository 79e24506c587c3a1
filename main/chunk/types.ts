/** A retrievable passage. Everything needed to cite it travels with it. */
export interface Chunk {
  /** Stable: `${docId}:${ordinal}`. */
  id: string;
  docId: string;
  ordinal: number;
  text: string;
  pageStart: number;
  pageEnd: number;
  /** Offset of the chunk's first character within page `pageStart`'s text. */
  charStart: number;
  /** Offset just past the chunk's last character within page `pageEnd`'s text. */
  charEnd: number;
  headingPath: string[];
  /** Id of the enclosing section (for context expansion): `${docId}:s${n}`. */
  sectionId: string;
  tokenCount: number;
}

export interface ChunkOptions {
  /** Target tokens per chunk (default 300). */
  targetTokens: number;
  /** Hard maximum (default 400). */
  maxTokens: number;
  /** Overlap as a fraction of the target (default 0.15). */
  overlap: number;
}
