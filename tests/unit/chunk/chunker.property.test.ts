import { describe, expect, it } from 'vitest';
import { chunkDocument, resolveChunkOptions } from '../../../main/chunk/chunker';
import { countTokens } from '../../../main/chunk/tokens';
import type { Chunk, ChunkOptions } from '../../../main/chunk/types';
import type { ExtractedDocument } from '../../../main/ingest/types';
import { generateDocument, type Truth } from './docgen';
import { chunkEndPos, chunkStartPos, verifyChunks } from './verify';

const OPTION_SETS: Partial<ChunkOptions>[] = [
  {},
  { targetTokens: 120, maxTokens: 160 },
  { targetTokens: 60, maxTokens: 90, overlap: 0.3 },
  { overlap: 0 },
];
const SEEDS = Array.from({ length: 25 }, (_, i) => 1000 + i * 7919);

function inOversized(truth: Truth, pageIdx: number, offset: number, atStart: boolean): boolean {
  return truth.oversized.some((o) => o.page === pageIdx && (atStart ? o.start <= offset && offset < o.end : o.start < offset && offset <= o.end));
}

/** Ground-truth checks the generator makes possible: sentence boundaries and overlap. */
function checkAgainstTruth(doc: ExtractedDocument, truth: Truth, chunks: Chunk[], opts: ChunkOptions): { pairs: number; overlapping: number } {
  let pairs = 0;
  let overlapping = 0;
  chunks.forEach((c, i) => {
    const ps = doc.pages.findIndex((p) => p.page === c.pageStart);
    const pe = doc.pages.findIndex((p) => p.page === c.pageEnd);
    // Chunks start and end on sentence boundaries unless a sentence alone exceeds the maximum.
    const endsWell = truth.sentenceEnds[pe].has(c.charEnd) || inOversized(truth, pe, c.charEnd, false);
    expect(endsWell, `chunk ${c.id} ends mid-sentence: …${JSON.stringify(c.text.slice(-40))}`).toBe(true);
    const startsWell = truth.sentenceStarts[ps].has(c.charStart) || inOversized(truth, ps, c.charStart, true);
    expect(startsWell, `chunk ${c.id} starts mid-sentence: ${JSON.stringify(c.text.slice(0, 40))}…`).toBe(true);
    const prev = chunks[i - 1];
    if (prev && prev.sectionId === c.sectionId) {
      const gap = doc.pages.slice(doc.pages.findIndex((p) => p.page === prev.pageEnd), pe + 1).some((p) => p.needsOcr || p.error);
      if (!gap) {
        pairs++;
        const overlapChars = chunkEndPos(doc, prev) - chunkStartPos(doc, c);
        if (overlapChars > 0) {
          overlapping++;
          // The repeated part is whole sentences of the previous chunk, ~overlap × target.
          const repeated = c.text.slice(0, c.text.length - (chunkEndPos(doc, c) - chunkEndPos(doc, prev)));
          expect(prev.text.endsWith(repeated), `overlap of ${c.id} is the end of ${prev.id}`).toBe(true);
          expect(countTokens(repeated)).toBeLessThanOrEqual(Math.ceil(opts.overlap * opts.targetTokens * 2));
        }
      }
    }
  });
  return { pairs, overlapping };
}

describe('chunkDocument on generated documents', () => {
  for (const optSet of OPTION_SETS) {
    it(`keeps every invariant with options ${JSON.stringify(optSet)}`, () => {
      const opts = resolveChunkOptions(optSet);
      let pairs = 0;
      let overlapping = 0;
      let chunkCount = 0;
      const sizes: number[] = [];
      for (const seed of SEEDS) {
        const { doc, truth } = generateDocument(seed, { maxTokens: opts.maxTokens });
        const chunks = chunkDocument(`d${seed}`, doc, optSet);
        verifyChunks(`d${seed}`, doc, chunks, opts);
        const r = checkAgainstTruth(doc, truth, chunks, opts);
        pairs += r.pairs;
        overlapping += r.overlapping;
        chunkCount += chunks.length;
        sizes.push(...chunks.map((c) => c.tokenCount));
        // Deterministic: the same input gives the same output.
        expect(chunkDocument(`d${seed}`, doc, optSet)).toEqual(chunks);
      }
      expect(chunkCount).toBeGreaterThan(SEEDS.length * 3);
      if (opts.overlap > 0) {
        // Overlap is skipped only where the last sentence alone is far over budget.
        expect(overlapping / pairs).toBeGreaterThan(0.7);
      } else {
        expect(overlapping).toBe(0);
      }
      // Chunks that fill up land near the target; none exceeds the maximum except a giant word.
      sizes.sort((a, b) => a - b);
      expect(sizes[sizes.length - 1]).toBeGreaterThan(opts.targetTokens * 0.8);
    });
  }

  it('places a page-crossing paragraph in one chunk with the parts joined by a newline', () => {
    let spanning = 0;
    for (const seed of SEEDS) {
      const { doc } = generateDocument(seed, { pContinue: 1, pSkip: 0 });
      for (const c of chunkDocument('x', doc)) {
        if (c.pageStart === c.pageEnd) continue;
        spanning++;
        expect(c.pageEnd).toBe(c.pageStart + 1);
        const first = doc.pages[c.pageStart - 1].text;
        const last = doc.pages[c.pageEnd - 1].text;
        expect(c.text).toBe(`${first.slice(c.charStart).trimEnd()}\n${last.slice(0, c.charEnd).trimStart()}`);
        expect(c.charStart).toBeLessThan(first.length);
        expect(c.charEnd).toBeLessThanOrEqual(last.length);
      }
    }
    expect(spanning).toBeGreaterThan(10);
  });

  it('never lets a chunk span a page without text', () => {
    for (const seed of SEEDS) {
      const { doc } = generateDocument(seed, { pSkip: 0.5, pContinue: 0 });
      for (const c of chunkDocument('x', doc)) {
        for (let p = c.pageStart; p <= c.pageEnd; p++) {
          const page = doc.pages.find((q) => q.page === p);
          expect(page?.needsOcr || page?.error).toBeFalsy();
        }
      }
    }
  });
});
