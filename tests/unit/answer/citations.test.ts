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
  it('places a quote exactly on a single page, with pageEnd the same page', () => {
    const s = source(1, 'Aspirin thins the blood. It can cause bleeding.', { page: 5, pageEnd: 5, start: 40 });
    expect(locate(s, 'It can cause bleeding.', 1)).toMatchObject({ page: 5, pageEnd: 5, start: 65, end: 87 });
  });

  it('falls back to the chunk range, with its page range, when the chunk text does not show where pages break', () => {
    const s = source(1, 'First page text. Second page text.', { page: 3, pageEnd: 4, start: 900, end: 17 });
    expect(locate(s, 'Second page text.', 1)).toMatchObject({ page: 3, pageEnd: 4, start: 900, end: 17 });
  });

  // A chunk over two pages, as the chunker builds it: page 13's text from `start`, "\n", page
  // 14's text up to `end`. Both pages have line breaks of their own.
  const PAGE_13 =
    'Column masks\n\nA mask replaces a value for users who may not see it.\n' +
    'The TAX_ID column is masked for every user outside the ACCOUNTING group.\nOnly the auditor role may see the full value';
  const PAGE_14 = 'when a case is open.\nMasks apply to\nexports as well. The rest of page 14 is about row permissions.';
  const START = PAGE_13.indexOf('A mask');
  const END = PAGE_14.indexOf(' The rest');
  const chunkText = PAGE_13.slice(START) + '\n' + PAGE_14.slice(0, END);
  const twoPages = () => source(1, chunkText, { page: 13, pageEnd: 14, start: START, end: END });
  /** The text a citation covers, page by page. */
  const covered = (c: { page: number; pageEnd?: number; start: number; end: number }): string[] => {
    const pages: Record<number, string> = { 13: PAGE_13, 14: PAGE_14 };
    const out: string[] = [];
    for (let p = c.page; p <= (c.pageEnd ?? c.page); p++) out.push(pages[p]!.slice(p === c.page ? c.start : 0, p === c.pageEnd ? c.end : undefined));
    return out;
  };

  it('places a quote on the first page of a chunk over two pages on that page', () => {
    const quote = 'The TAX_ID column is masked for every user outside the ACCOUNTING group.';
    const c = locate(twoPages(), quote, 1);
    expect(c).toMatchObject({ page: 13, pageEnd: 13, start: PAGE_13.indexOf(quote), end: PAGE_13.indexOf(quote) + quote.length });
    expect(covered(c)).toEqual([quote]);
  });

  it('places a quote on the last page of a chunk over two pages on that page', () => {
    const quote = 'Masks apply to\nexports as well.';
    const c = locate(twoPages(), quote, 1);
    expect(c).toMatchObject({ page: 14, pageEnd: 14, start: PAGE_14.indexOf(quote), end: END });
    expect(covered(c)).toEqual([quote]);
  });

  it('gives a quote across the page break its start on the first page and its end on the last', () => {
    const quote = 'Only the auditor role may see the full value\nwhen a case is open.';
    const c = locate(twoPages(), quote, 1);
    // Not start 886 on page 13 with end 178 "on page 13": start on page 13, end on page 14.
    expect(c).toMatchObject({ page: 13, pageEnd: 14, start: PAGE_13.indexOf('Only'), end: 'when a case is open.'.length });
    expect(covered(c)).toEqual(['Only the auditor role may see the full value', 'when a case is open.']);
  });

  it('gives a quote taken from outside the chunk the chunk range with both pages', () => {
    const c = locate(twoPages(), 'A sentence from the expanded section.', 1);
    expect(c).toMatchObject({ page: 13, pageEnd: 14, start: START, end: END });
  });

  it('places what it can of a chunk over three pages, and falls back to the chunk ends for the rest', () => {
    const first = 'Intro sentence one.\nSecond line of page 7.';
    const middle = 'Page 8 holds\na table.';
    const last = 'Page 9 ends it.\nHere.';
    const s = source(1, `${first.slice(6)}\n${middle}\n${last}`, { page: 7, pageEnd: 9, start: 6, end: last.length });
    // Before the first line break: page 7.
    expect(locate(s, 'sentence one.', 1)).toMatchObject({ page: 7, pageEnd: 7, start: 6, end: 19 });
    // In the last page's part: page 9.
    expect(locate(s, 'Page 9 ends it.', 1)).toMatchObject({ page: 9, pageEnd: 9, start: 0, end: 15 });
    // On the middle page, whose place in the text is not known: the chunk's own range.
    expect(locate(s, 'Page 8 holds', 1)).toMatchObject({ page: 7, pageEnd: 9, start: 6, end: last.length });
  });

  it('checkCitations cites a quote over a page break with its page range', async () => {
    const r = await checkCitations('The full TAX_ID value is visible only to the auditor role when a case is open [1].', [twoPages()]);
    expect(r.citations).toHaveLength(1);
    const c = r.citations[0]!;
    expect(c).toMatchObject({ page: 13, pageEnd: 14 });
    // What the citation covers on pages 13 and 14 is exactly its quote.
    expect(covered(c).join('\n')).toBe(c.quote);
    expect(c.quote).toContain('Only the auditor role may see the full value\nwhen a case is open.');
  });
});
