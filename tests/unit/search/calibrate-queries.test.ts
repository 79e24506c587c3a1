import { describe, expect, it } from 'vitest';
import { buildQuery, samplePseudoQueries, seededRandom, shuffle, TermStats, words } from '../../../main/search/calibrate-queries';
import type { ChunkRow, DocumentRecord } from '../../../main/store/store';

const PASSAGE =
  'Mechanical seals fail early when the pump runs dry for more than thirty seconds. ' +
  'Operators should prime the casing and check the suction valve before every restart of the unit. ' +
  'Table 3.';

function doc(docId: string, chunks: number): DocumentRecord {
  return {
    docId, name: `${docId}.txt`, path: `/x/${docId}.txt`, format: 'text', collection: 'default', tags: [], pages: 1, pagesNeedingOcr: 0,
    chunks, bytes: 1, mtimeMs: 0, contentHash: 'h', addedAt: '2026-01-01', status: 'ready', warnings: [],
  };
}

function chunk(docId: string, i: number): ChunkRow {
  return {
    id: `${docId}:c${i}`, doc_id: docId, collection: 'default', ordinal: i, heading: '', section_id: `${docId}:s0`, page_start: 1, page_end: 1,
    char_start: 0, char_end: 10, tokens: 30,
    text: `Document ${docId} passage ${i} explains how the ${docId} turbine number ${i} loses efficiency under heavy load. A second sentence adds detail about maintenance intervals for part ${i}.`,
  };
}

describe('pseudo-query builders', () => {
  const stats = new TermStats();
  stats.add(PASSAGE);
  stats.add('The pump and the valve and the casing are parts of the unit.');

  it('sentence: a whole sentence of the passage with enough words (not a fragment like "Table 3.")', () => {
    for (let seed = 1; seed < 20; seed++) {
      const q = buildQuery(PASSAGE, 'sentence', stats, seededRandom(seed))!;
      expect(PASSAGE.includes(q)).toBe(true);
      expect(words(q).length).toBeGreaterThanOrEqual(6);
    }
  });

  it('keyterms: distinctive words of the passage, never stop words', () => {
    const q = buildQuery(PASSAGE, 'keyterms', stats, seededRandom(1))!;
    const terms = q.split(' ');
    expect(terms.length).toBe(6);
    for (const t of terms) expect(words(PASSAGE)).toContain(t);
    expect(terms).not.toContain('the');
    // Words that also occur in the other passage (pump, valve, casing, unit) rank below words unique to this one.
    expect(terms).not.toContain('pump');
  });

  it('masked: a sentence with its rarest content words removed', () => {
    const q = buildQuery(PASSAGE, 'masked', stats, seededRandom(3))!;
    const sentence = PASSAGE.split('. ').find((s) => words(s).every((w) => words(PASSAGE).includes(w)) && words(q).every((w) => words(s).includes(w)));
    expect(sentence).toBeDefined();
    expect(words(q).length).toBeLessThan(words(sentence!).length);
  });

  it('gives up on passages without a usable sentence', () => {
    expect(buildQuery('Table 3. Pump 1 118 3.2', 'sentence', stats, seededRandom(1))).toBeUndefined();
  });
});

describe('samplePseudoQueries', () => {
  const docs = [doc('a', 6), doc('b', 1), doc('c', 2), { ...doc('d', 3), status: 'failed' as const }];
  const loadChunks = async (id: string): Promise<ChunkRow[]> => Array.from({ length: docs.find((d) => d.docId === id)!.chunks }, (_, i) => chunk(id, i));

  it('is deterministic for a seed and differs between seeds', async () => {
    const run = (seed: number) => samplePseudoQueries({ docs, n: 5, seed, builder: 'sentence', loadChunks });
    expect(await run(7)).toEqual(await run(7));
    expect((await run(7)).map((q) => q.chunkId)).not.toEqual((await run(8)).map((q) => q.chunkId));
  });

  it('visits every ready document before any gets a second passage, and never a failed one', async () => {
    const qs = await samplePseudoQueries({ docs, n: 3, seed: 1, builder: 'sentence', loadChunks });
    expect(new Set(qs.map((q) => q.docId))).toEqual(new Set(['a', 'b', 'c']));
    const all = await samplePseudoQueries({ docs, n: 100, seed: 1, builder: 'sentence', loadChunks });
    expect(all.length).toBe(9); // every chunk of a, b and c once; d is not ready
    expect(new Set(all.map((q) => q.chunkId)).size).toBe(9);
  });

  it('mixed cycles through the builders', async () => {
    const qs = await samplePseudoQueries({ docs, n: 6, seed: 2, builder: 'mixed', loadChunks });
    expect(qs.map((q) => q.builder).slice(0, 3)).toEqual(['sentence', 'keyterms', 'masked']);
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(samplePseudoQueries({ docs, n: 3, seed: 1, builder: 'sentence', loadChunks, signal: abort.signal })).rejects.toThrow();
  });

  it('shuffle keeps every item', () => {
    expect(shuffle([1, 2, 3, 4, 5], seededRandom(1)).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
