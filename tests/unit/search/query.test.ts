import { describe, expect, it } from 'vitest';
import { analyzeQuery, codeForms, exactPattern, isCodeLike, trimToken } from '../../../main/search/query';
import { promoteExact } from '../../../main/search/searcher';
import type { ScoredRow } from '../../../main/store/store';

describe('analyzeQuery', () => {
  it('finds codes, IDs and numbers as exact units and treats short queries as strict lookups', () => {
    expect(analyzeQuery('error E-4012 in pump')).toMatchObject({ exact: ['E-4012'], strict: true });
    expect(analyzeQuery('What does Item 7A say?')).toMatchObject({ exact: ['7A'], strict: true });
    expect(analyzeQuery('ISO-27001 controls for SKU123').exact).toEqual(['ISO-27001', 'SKU123']);
    expect(analyzeQuery('revenue 2023').units).toEqual([{ text: '2023', kind: 'number' }]);
  });

  it('keeps quoted phrases as units, strict whatever the length, and strips the quotes from the text', () => {
    const a = analyzeQuery('"net revenue" growth in the northern region compared with the southern region in 2023');
    expect(a.exact).toEqual(['net revenue', '2023']);
    expect(a.strict).toBe(true);
    expect(a.text).toBe('net revenue growth in the northern region compared with the southern region in 2023');
    // A full stop typed inside the quotes is the sentence's, not the phrase's; C++ keeps its pluses.
    expect(analyzeQuery('Mouse models use "artificial spermatids."').units[0]).toEqual({ text: 'artificial spermatids', kind: 'quoted' });
    expect(analyzeQuery('"C++" templates').units[0]).toEqual({ text: 'C++', kind: 'quoted' });
  });

  it('reads a long natural-language question as non-strict', () => {
    const a = analyzeQuery('50% of patients exposed to radiation have activated markers of mesenchymal stem cells');
    expect(a.strict).toBe(false);
    expect(a.units).toEqual([{ text: '50', kind: 'number' }]);
  });

  it('does not treat ordinary words, single digits or a shouted query as codes', () => {
    expect(analyzeQuery('protein folding in cells').exact).toEqual([]);
    expect(analyzeQuery('WHAT IS THE REVENUE').exact).toEqual([]);
    expect(analyzeQuery('1 in 5 million').exact).toEqual([]);
    expect(isCodeLike('non-infertile')).toBe(false);
    expect(isCodeLike('GDPR')).toBe(true);
    expect(isCodeLike('PD-1')).toBe(true);
  });
});

describe('codes as people type them', () => {
  it('keeps the closing brackets a code opens, and drops the punctuation around it', () => {
    expect(analyzeQuery('§ 586(b)').exact).toEqual(['586(b)']);
    expect(analyzeQuery('rule 58.6(a)(3), please').exact).toEqual(['58.6(a)(3)']);
    expect(trimToken('(E-4012)')).toBe('E-4012');
    expect(trimToken('[7A],')).toBe('7A');
    expect(trimToken('x)')).toBe('x');
  });

  it('reads one word in capitals as an acronym, and a whole query in capitals as shouting', () => {
    expect(analyzeQuery('QSL')).toMatchObject({ exact: ['QSL'], strict: true });
    expect(analyzeQuery('WHAT IS QSL').exact).toEqual([]);
  });

  it('matches a code with or without a dash where letters meet digits, and nothing looser', () => {
    expect(exactPattern('PX77').test('see PX-77 here')).toBe(true);
    expect(exactPattern('PX-77').test('see PX77 here')).toBe(true);
    expect(exactPattern('E-4012').test('code E–4012')).toBe(true);
    expect(exactPattern('PX77').test('see PX 77 here')).toBe(false);
    expect(exactPattern('PX77').test('PX777')).toBe(false);
    expect(exactPattern('7A').test('Item 7 a')).toBe(false);
    // A dash between words is not optional: "non-infertile" is not "noninfertile".
    expect(exactPattern('"non-infertile"'.slice(1, -1)).test('noninfertile')).toBe(false);
    expect(codeForms('PX77')).toEqual(['PX77', 'PX 77']);
    expect(codeForms('PX-77')).toEqual(['PX-77', 'PX77', 'PX 77']);
    expect(codeForms('net revenue')).toEqual(['net revenue']);
  });
});

describe('exactPattern', () => {
  it('matches whole tokens case-insensitively, tolerating dash variants', () => {
    const p = exactPattern('E-4012');
    expect(p.test('fault e-4012 seen')).toBe(true);
    expect(p.test('fault E–4012 seen')).toBe(true);
    expect(p.test('fault E-40123 seen')).toBe(false);
    expect(p.test('fault XE-4012')).toBe(false);
  });

  it('matches phrases across whitespace runs', () => {
    expect(exactPattern('net revenue').test('the net\n revenue rose')).toBe(true);
    expect(exactPattern('7A').test('Item 7A.')).toBe(true);
    expect(exactPattern('7A').test('Item 17A.')).toBe(false);
  });

  it('finds every whole-token occurrence, as lookarounds would', () => {
    // A match refused at its edge is retried one character later, not after the match.
    expect(exactPattern('7A').spans('17A 7A 7a7A 7A')).toEqual([
      [4, 6],
      [12, 14],
    ]);
    // Overlapping candidates: "aa" in "aaa aa" is whole only at the end.
    expect(exactPattern('aa').spans('aaa aa')).toEqual([[4, 6]]);
    // Edges are whole code points: a letter outside the BMP blocks, an emoji does not.
    expect(exactPattern('E-4012').test('\u{1D400}E-4012')).toBe(false);
    expect(exactPattern('E-4012').test('\u{1F600}E-4012\u{1F600}')).toBe(true);
    expect(exactPattern('E-4012').test('E-4012\u{1D400}')).toBe(false);
    // No state leaks between calls on the shared (cached) pattern.
    const p = exactPattern('net revenue');
    expect(p).toBe(exactPattern(' net revenue '));
    expect(p.spans('net revenue, net  revenue')).toEqual([
      [0, 11],
      [13, 25],
    ]);
    expect(p.test('net revenue')).toBe(true);
    expect(p.test('gross')).toBe(false);
  });
});

describe('promoteExact', () => {
  const row = (id: string, text: string) => ({ id, text }) as ScoredRow;
  const rows = new Map([
    ['a', row('a', 'Pump overview and general maintenance of the pump.')],
    ['b', row('b', 'Fault E-4012: discharge pressure sensor out of range.')],
    ['c', row('c', 'In 2023, 50 patients received PD-1 blockade.')],
  ]);
  const fused = [
    { id: 'a', score: 1, retrievers: ['text' as const] },
    { id: 'c', score: 0.6, retrievers: ['text' as const] },
    { id: 'b', score: 0.2, retrievers: ['text' as const] },
  ];

  it('ranks chunks containing the units first in a strict lookup and marks the exact retriever', () => {
    const out = promoteExact(fused, [], rows, analyzeQuery('pump E-4012'), 0.3);
    expect(out.map((f) => f.id)).toEqual(['b', 'a', 'c']);
    expect(out[0].retrievers).toContain('exact');
  });

  it('adds chunks found only by the exact retriever in a strict lookup', () => {
    const out = promoteExact(fused.slice(0, 2), [row('b', rows.get('b')!.text)], rows, analyzeQuery('E-4012'), 0.3);
    expect(out[0].id).toBe('b');
  });

  it('in a long question boosts identifiers softly and ignores bare numbers', () => {
    const q = analyzeQuery('did the 50 patients in the trial respond well to PD-1 blockade therapy overall');
    expect(q.strict).toBe(false);
    const out = promoteExact(fused, [], rows, q, 0.3);
    // c holds "PD-1": +0.3 × top score; it overtakes a (1.0) only if the boost is big enough.
    expect(out.find((f) => f.id === 'c')!.score).toBeCloseTo(0.6 + 0.3, 10);
    expect(out.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(promoteExact(fused, [], rows, q, 0).map((f) => f.score)).toEqual([1, 0.6, 0.2]);
  });
});
