import { describe, expect, it } from 'vitest';
import { checkCitations, locate } from '../../../main/answer/citations';
import { cleanCitations, findMarkers, parseMarker } from '../../../main/answer/markers';
import type { Source } from '../../../main/answer/types';

function source(n: number, text: string, over: Partial<Source['result']> = {}): Source {
  return {
    n,
    text,
    relevance: 0.8,
    result: {
      chunkId: `c${n}`, docId: `d${n}`, docName: `doc${n}.pdf`, path: `/d${n}.pdf`, page: 2, pageEnd: 2, start: 50,
      end: 50 + text.length, headingPath: [], sectionId: `d${n}:s0`, score: 1, text, snippet: '', highlights: [], retrievers: ['text'],
      ...over,
    },
  };
}

const SOURCES = [
  source(1, 'Aspirin reduces the risk of heart attack by thinning the blood. It can cause stomach bleeding in some patients.'),
  source(2, 'The trial enrolled 4,000 adults over five years. Mortality fell by 14% in the treatment group.'),
];

describe('markers', () => {
  it('parses lists, ranges and "Source n" forms', () => {
    expect(parseMarker('1, 3')).toEqual([1, 3]);
    expect(parseMarker('2-4')).toEqual([2, 3, 4]);
    expect(parseMarker('Source 2')).toEqual([2]);
    expect(findMarkers('a [1] b [Source 2] c [3; 4]').map((m) => m.numbers)).toEqual([[1], [2], [3, 4]]);
  });

  it('removes numbers of sources that were not given, with the marker space', () => {
    const r = cleanCitations('It works [1, 9]. It is safe [9]. Done [2].', (n) => n <= 2);
    expect(r.text).toBe('It works [1]. It is safe. Done [2].');
    expect(r.removed).toEqual([9]);
  });
});

describe('checkCitations', () => {
  it('scores a supported answer as supported and quotes the best source sentence', async () => {
    const r = await checkCitations('Aspirin lowers the risk of heart attack by thinning the blood [1].', SOURCES);
    expect(r.claims).toHaveLength(1);
    expect(r.claims[0].status).toBe('supported');
    expect(r.claims[0].support).toBeGreaterThan(0.7);
    expect(r.citations).toEqual([
      expect.objectContaining({ n: 1, chunkId: 'c1', quote: 'Aspirin reduces the risk of heart attack by thinning the blood.', page: 2, start: 50 }),
    ]);
    expect(r.citations[0].end - r.citations[0].start).toBe(r.citations[0].quote.length);
  });

  it('flags a claim its source does not support, including a wrong number', async () => {
    const r = await checkCitations('Aspirin cures migraine headaches in children [1]. Mortality fell by 40% [2].', SOURCES);
    expect(r.claims.map((c) => c.status)).toEqual(['unsupported', 'unsupported']);
    expect(r.claims[1].support).toBeLessThan(0.5);
    // The same sentence with the right number is supported.
    const ok = await checkCitations('Mortality fell by 14% [2].', SOURCES);
    expect(ok.claims[0].status).toBe('supported');
  });

  it('removes a fabricated citation [9] and reports it', async () => {
    const r = await checkCitations('Aspirin thins the blood [1][9]. It prevents cancer [9].', SOURCES);
    expect(r.removedCitations).toEqual([9]);
    expect(r.answer).toBe('Aspirin thins the blood [1]. It prevents cancer.');
    expect(r.citations.map((c) => c.n)).toEqual([1]);
    expect(r.claims[1]).toMatchObject({ citations: [], status: 'uncited' });
  });

  it('handles an answer without citations: no sources listed, factual sentences flagged uncited', async () => {
    const r = await checkCitations('Here is what I found. Aspirin thins the blood and can cause stomach bleeding.', SOURCES);
    expect(r.citations).toEqual([]);
    expect(r.claims).toHaveLength(1);
    expect(r.claims[0].status).toBe('uncited');
  });

  it('keeps a citation written after the period with its sentence', async () => {
    const r = await checkCitations('The trial enrolled 4,000 adults. [2] Aspirin thins the blood. [1]', SOURCES);
    expect(r.claims.map((c) => c.citations)).toEqual([[2], [1]]);
    expect(r.claims.every((c) => c.status === 'supported')).toBe(true);
  });

  it('uses the embedder when given, and survives its failure', async () => {
    const calls: string[][] = [];
    const embedder = {
      info: { id: 'fake', dimension: 2, kind: 'hash' as const },
      async embed(texts: string[]) {
        calls.push(texts);
        return texts.map(() => new Float32Array([1, 0]));
      },
      async close() {},
    };
    const r = await checkCitations('Aspirin cures migraine headaches in children [1].', SOURCES, { embedder });
    expect(calls.length).toBe(2);
    // Identical vectors give full embedding agreement, lifting the lexical score.
    const lexical = await checkCitations('Aspirin cures migraine headaches in children [1].', SOURCES);
    expect(r.claims[0].support).toBeGreaterThan(lexical.claims[0].support);
    const broken = { ...embedder, embed: async () => Promise.reject(new Error('model gone')) };
    const r2 = await checkCitations('Aspirin thins the blood [1].', SOURCES, { embedder: broken });
    expect(r2.claims[0].status).toBe('supported');
  });
});

describe('locate', () => {
  it('falls back to the chunk range when the chunk spans pages', () => {
    const s = source(1, 'First page text. Second page text.', { page: 3, pageEnd: 4, start: 900, end: 17 });
    expect(locate(s, 'Second page text.', 1)).toMatchObject({ page: 3, start: 900, end: 17 });
  });
});
