/**
 * Structure-aware chunking: ExtractedDocument → Chunk[]. A chunk never crosses a heading,
 * keeps paragraphs, list items and table rows whole where it can, ends at a sentence boundary
 * where one exists, and carries exact page offsets so a citation can point at the source text.
 */
import type { ExtractedDocument } from '../ingest/types';
import { QuarryError } from '../util/errors';
import { layoutDocument, type Atom, type Layout, type Section } from './layout';
import { SectionPacker, type ChunkRange, type PackLimits } from './pack';
import { TOKEN_UNITS, unitsToTokens } from './tokens';
import type { Chunk, ChunkOptions } from './types';

/** The defaults: ~300-token chunks (250–350 in practice), never over 400, 15% overlap. */
export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({ targetTokens: 300, maxTokens: 400, overlap: 0.15 });

/**
 * Fills in and checks chunk options. When only the target is given, the maximum follows it
 * (a third above, as in the defaults).
 * @throws QuarryError INVALID_INPUT for a non-positive target, a maximum below the target, or
 *   an overlap outside [0, 0.5].
 */
export function resolveChunkOptions(opts: Partial<ChunkOptions> = {}): ChunkOptions {
  const targetTokens = opts.targetTokens ?? DEFAULT_CHUNK_OPTIONS.targetTokens;
  const maxTokens =
    opts.maxTokens ?? (opts.targetTokens === undefined ? DEFAULT_CHUNK_OPTIONS.maxTokens : Math.ceil((targetTokens * 4) / 3));
  const overlap = opts.overlap ?? DEFAULT_CHUNK_OPTIONS.overlap;
  if (!(targetTokens >= 1) || !(maxTokens >= targetTokens) || !(overlap >= 0 && overlap <= 0.5)) {
    throw new QuarryError(
      'INVALID_INPUT',
      `Invalid chunk options: target ${targetTokens}, max ${maxTokens}, overlap ${overlap}.`,
      { hint: 'Use a target of at least 1 token, a maximum no smaller than the target, and an overlap between 0 and 0.5.' },
    );
  }
  return { targetTokens, maxTokens, overlap };
}

function packLimits(o: ChunkOptions): PackLimits {
  const target = o.targetTokens * TOKEN_UNITS;
  const max = o.maxTokens * TOKEN_UNITS;
  const slack = (max - target) / 2;
  return {
    target,
    max,
    min: target - slack,
    softMax: target + slack,
    small: target / 2,
    tiny: target / 4,
    overlap: Math.round(o.overlap * target),
  };
}

/**
 * Splits an extracted document into retrievable chunks.
 *
 * - A new chunk starts at every heading; a section is the span from one heading to the next
 *   (`sectionId` = `${docId}:s${n}`, numbered in reading order, so it is stable across runs).
 *   A heading directly followed by another heading opens the next section's first chunk rather
 *   than becoming a chunk of its own. The heading text stays where it is in the source text;
 *   the heading path is stored in `headingPath`, nothing is prefixed.
 * - Whole blocks (paragraphs, list items, table rows) are packed up to the target; a block too
 *   large is cut between sentences, a sentence too large between words.
 * - Each chunk repeats the last sentence(s) of the previous chunk of its section (about
 *   `overlap` × target tokens); a tiny last piece of a section joins the chunk before it.
 * - Pages that need OCR or failed to read are skipped; a chunk never spans them. A chunk may
 *   run over adjacent pages: then `charStart` is an offset in page `pageStart`, `charEnd` one in
 *   page `pageEnd`, and `text` is the parts joined by "\n" — from `charStart` to the end of the
 *   first page's text (trimmed), each middle page's trimmed text, and from the start of the
 *   last page's trimmed text to `charEnd` (see chunkSourceParts).
 * - A single-page chunk's text is exactly `page.text.slice(charStart, charEnd)`.
 *
 * Deterministic; linear in the document's length.
 *
 * @example
 * const chunks = chunkDocument('doc-1', extracted);
 * chunks[0]; // { id: 'doc-1:0', ordinal: 0, text: 'Introduction\n\nThe study…', pageStart: 1, … }
 */
export function chunkDocument(docId: string, doc: ExtractedDocument, opts?: Partial<ChunkOptions>): Chunk[] {
  const options = resolveChunkOptions(opts);
  const limits = packLimits(options);
  // An over-long sentence is cut into windows about the size of the overlap, so that packing
  // fills chunks evenly and the next chunk can still repeat the end of the previous one.
  const window = Math.min(limits.target, Math.max(limits.overlap, limits.target / 8));
  const layout = layoutDocument(doc, limits.max, window);
  const packer = new SectionPacker(layout.atoms, limits);
  const chunks: Chunk[] = [];
  const emit = (section: Section, range: ChunkRange): void => {
    chunks.push(makeChunk(docId, chunks.length, layout, section, range, packer.units(range.first, range.last)));
  };
  // Heading-only sections waiting to open the next section's first chunk.
  let pending: Section[] = [];
  const flushPending = (): void => {
    for (const s of pending) for (const range of packer.pack(s.blocks)) emit(s, range);
    pending = [];
  };
  for (const section of layout.sections) {
    if (section.blocks.length === 0) continue;
    const firstAtom = layout.atoms[section.blocks[0].first];
    if (firstAtom.gapBefore) flushPending();
    if (!section.hasBody) {
      pending.push(section);
      continue;
    }
    const blocks = pending.flatMap((s) => s.blocks).concat(section.blocks);
    pending = [];
    for (const range of packer.pack(blocks)) emit(section, range);
  }
  flushPending();
  return chunks;
}

function makeChunk(docId: string, ordinal: number, layout: Layout, section: Section, range: ChunkRange, units: number): Chunk {
  const { atoms, pages } = layout;
  const first: Atom = atoms[range.first];
  const last: Atom = atoms[range.last];
  let text: string;
  if (first.page === last.page) {
    text = pages[first.page].text.slice(first.start, last.end);
  } else {
    // One part per page: from the first atom on it to the last atom on it.
    const parts: string[] = [];
    let partStart = first.start;
    for (let a = range.first; a <= range.last; a++) {
      const atom = atoms[a];
      if (a === range.last || atoms[a + 1].page !== atom.page) {
        parts.push(pages[atom.page].text.slice(partStart, atom.end));
        if (a < range.last) partStart = atoms[a + 1].start;
      }
    }
    text = parts.join('\n');
  }
  return {
    id: `${docId}:${ordinal}`,
    docId,
    ordinal,
    text,
    pageStart: pages[first.page].page,
    pageEnd: pages[last.page].page,
    charStart: first.start,
    charEnd: last.end,
    headingPath: [...section.headingPath],
    sectionId: `${docId}:s${section.index}`,
    tokenCount: unitsToTokens(units),
  };
}

/** One page's share of a chunk: `text.slice(start, end)` of the page numbered `page`. */
export interface ChunkSourcePart {
  page: number;
  start: number;
  end: number;
}

/**
 * The source ranges a chunk's text comes from, one per page, in order (for highlighting a
 * citation across a page break). Joining their slices with "\n" gives `chunk.text`. Pages are
 * looked up by number among the document's readable pages.
 */
export function chunkSourceParts(doc: ExtractedDocument, chunk: Chunk): ChunkSourcePart[] {
  if (chunk.pageStart === chunk.pageEnd) return [{ page: chunk.pageStart, start: chunk.charStart, end: chunk.charEnd }];
  const parts: ChunkSourcePart[] = [];
  for (const page of doc.pages) {
    if (page.page < chunk.pageStart || page.page > chunk.pageEnd || page.needsOcr || page.error) continue;
    const text = page.text;
    const trimmedEnd = text.trimEnd().length;
    const trimmedStart = text.length - text.trimStart().length;
    if (trimmedStart >= trimmedEnd) continue;
    parts.push({
      page: page.page,
      start: page.page === chunk.pageStart ? chunk.charStart : trimmedStart,
      end: page.page === chunk.pageEnd ? chunk.charEnd : trimmedEnd,
    });
  }
  return parts;
}
