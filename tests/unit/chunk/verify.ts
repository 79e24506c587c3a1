/**
 * The chunker's invariants, checked independently of its implementation: used on generated
 * documents and on real extracted text alike.
 */
import { expect } from 'vitest';
import { countTokens } from '../../../main/chunk/tokens';
import type { Chunk, ChunkOptions } from '../../../main/chunk/types';
import type { ExtractedDocument, ExtractedPage } from '../../../main/ingest/types';

const PAGE = 1e9;

/** Has text to chunk: not a scan, not a failed page, not blank. */
export function readable(p: ExtractedPage): boolean {
  return !p.needsOcr && !p.error && p.text.trim() !== '';
}

function leading(s: string): number {
  return s.length - s.trimStart().length;
}

/** A heading block's trimmed start and end, with its place in reading order. */
interface HeadingAt {
  pageIdx: number;
  start: number;
  end: number;
  path: string[];
}

function headingsOf(doc: ExtractedDocument): HeadingAt[] {
  const out: HeadingAt[] = [];
  doc.pages.forEach((p, pageIdx) => {
    if (!readable(p)) return;
    for (const b of [...p.blocks].sort((x, y) => x.start - y.start)) {
      if (b.kind !== 'heading') continue;
      const raw = p.text.slice(b.start, b.end);
      if (raw.trim() === '') continue;
      const start = b.start + leading(raw);
      out.push({ pageIdx, start, end: b.start + raw.trimEnd().length, path: b.headingPath.length ? b.headingPath : [raw.trim().replace(/\s+/g, ' ')] });
    }
  });
  return out;
}

/** Whether only white space (and pages without text) lies between two reading positions. */
function onlySpaceBetween(doc: ExtractedDocument, fromIdx: number, from: number, toIdx: number, to: number): boolean {
  if (fromIdx === toIdx) return doc.pages[fromIdx].text.slice(from, to).trim() === '';
  if (doc.pages[fromIdx].text.slice(from).trim() !== '') return false;
  for (let i = fromIdx + 1; i < toIdx; i++) if (readable(doc.pages[i])) return false;
  return doc.pages[toIdx].text.slice(0, to).trim() === '';
}

/**
 * Checks every invariant of chunkDocument's output for `doc`:
 * ids and ordinals; exact source text (single- and multi-page); no chunk over a skipped page;
 * token counts (and the maximum); coverage of every non-blank character, in order; headings
 * opening chunks; heading paths and section ids.
 */
export function verifyChunks(docId: string, doc: ExtractedDocument, chunks: Chunk[], opts: ChunkOptions): void {
  const idxOf = new Map(doc.pages.map((p, i) => [p.page, i]));
  const covered = doc.pages.map((p) => new Uint8Array(p.text.length));
  let prevStart = -1;
  let prevEnd = -1;
  const spans = chunks.map((c, ordinal) => {
    expect(c.id).toBe(`${docId}:${ordinal}`);
    expect(c.ordinal).toBe(ordinal);
    expect(c.docId).toBe(docId);
    const ps = idxOf.get(c.pageStart);
    const pe = idxOf.get(c.pageEnd);
    if (ps === undefined || pe === undefined) throw new Error(`chunk ${c.id} names a page that does not exist`);
    expect(pe).toBeGreaterThanOrEqual(ps);
    // Exact source text.
    if (ps === pe) {
      expect(c.text).toBe(doc.pages[ps].text.slice(c.charStart, c.charEnd));
      covered[ps].fill(1, c.charStart, c.charEnd);
    } else {
      const parts: string[] = [];
      for (let i = ps; i <= pe; i++) {
        const t = doc.pages[i].text;
        expect(readable(doc.pages[i]), `chunk ${c.id} spans unreadable page ${doc.pages[i].page}`).toBe(true);
        const s = i === ps ? c.charStart : leading(t);
        const e = i === pe ? c.charEnd : t.trimEnd().length;
        parts.push(t.slice(s, e));
        covered[i].fill(1, s, e);
      }
      expect(c.text).toBe(parts.join('\n'));
    }
    expect(c.text).toBe(c.text.trim());
    expect(c.text.length).toBeGreaterThan(0);
    // Sizes.
    expect(c.tokenCount).toBe(countTokens(c.text));
    if (c.tokenCount > opts.maxTokens) {
      // Only a single word too large for any chunk may exceed the maximum.
      expect(c.text, `chunk ${c.id} has ${c.tokenCount} tokens`).not.toMatch(/\s/);
    }
    // Reading order.
    const start = ps * PAGE + c.charStart;
    const end = pe * PAGE + c.charEnd;
    expect(start).toBeGreaterThan(prevStart);
    expect(end).toBeGreaterThan(prevEnd);
    prevStart = start;
    prevEnd = end;
    return { c, ps, pe, start, end };
  });
  // Coverage: every non-blank character of every readable page is in some chunk.
  doc.pages.forEach((p, i) => {
    if (!readable(p)) return;
    for (let k = 0; k < p.text.length; k++) {
      if (!covered[i][k] && /\S/.test(p.text[k])) throw new Error(`page ${p.page} offset ${k} (${JSON.stringify(p.text.slice(k, k + 20))}) is in no chunk`);
    }
  });
  // Headings: each is in exactly one chunk, which starts with it or with headings stacked right above it.
  const headings = headingsOf(doc);
  const firstBlockPos = firstContentPos(doc);
  const preamble = headings.length === 0 ? firstBlockPos !== undefined : firstBlockPos !== undefined && firstBlockPos < headings[0].pageIdx * PAGE + headings[0].start;
  headings.forEach((h, hi) => {
    const pos = h.pageIdx * PAGE + h.start;
    const holders = spans.filter((s) => s.start <= pos && pos < s.end);
    expect(holders.length, `heading ${JSON.stringify(h.path)} is in ${holders.length} chunks`).toBe(1);
    let j = hi;
    while (headings[j].pageIdx * PAGE + headings[j].start !== holders[0].start) {
      expect(j, `the chunk holding heading ${JSON.stringify(h.path)} does not start with a heading`).toBeGreaterThan(0);
      const g = headings[j - 1];
      expect(onlySpaceBetween(doc, g.pageIdx, g.end, headings[j].pageIdx, headings[j].start), `text between heading and chunk start`).toBe(true);
      j--;
    }
  });
  // Heading path and section: those of the last heading at or before the chunk's end.
  for (const s of spans) {
    let k = -1;
    while (k + 1 < headings.length && headings[k + 1].pageIdx * PAGE + headings[k + 1].start < s.end) k++;
    expect(s.c.headingPath).toEqual(k < 0 ? (firstPath(doc) ?? []) : headings[k].path);
    expect(s.c.sectionId).toBe(`${docId}:s${k + (preamble ? 1 : 0)}`);
  }
}

function firstContentPos(doc: ExtractedDocument): number | undefined {
  for (let i = 0; i < doc.pages.length; i++) {
    const p = doc.pages[i];
    if (readable(p)) return i * PAGE + leading(p.text);
  }
  return undefined;
}

function firstPath(doc: ExtractedDocument): string[] | undefined {
  for (const p of doc.pages) if (readable(p) && p.blocks.length) return [...p.blocks].sort((x, y) => x.start - y.start)[0].headingPath;
  return undefined;
}

/** Reading position helpers for tests that need them. */
export function chunkStartPos(doc: ExtractedDocument, c: Chunk): number {
  return doc.pages.findIndex((p) => p.page === c.pageStart) * PAGE + c.charStart;
}

export function chunkEndPos(doc: ExtractedDocument, c: Chunk): number {
  return doc.pages.findIndex((p) => p.page === c.pageEnd) * PAGE + c.charEnd;
}

export { PAGE };
