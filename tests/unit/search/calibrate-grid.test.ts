import { describe, expect, it } from 'vitest';
import {
  defaultGrid,
  pairedStandardError,
  rankDocuments,
  scoreGrid,
  scoreSingleTarget,
  selectConfig,
  type CandidateSet,
  type GridScore,
} from '../../../main/search/calibrate-grid';

/** A candidate set whose chunk ids are `<doc>#<n>`. */
function set(target: string, text: [string, number][], vector: [string, number][]): CandidateSet {
  const docOf = new Map<string, string>();
  for (const [id] of [...text, ...vector]) docOf.set(id, id.split('#')[0]);
  return { target, docOf, text: text.map(([id, score]) => ({ id, score })), vector: vector.map(([id, score]) => ({ id, score })) };
}

const point = (method: 'minmax' | 'rrf', denseWeight: number, perQuery: number[]): GridScore => ({
  method,
  denseWeight,
  perQuery,
  ndcg10: perQuery.reduce((a, b) => a + b, 0) / perQuery.length,
  mrr10: 0,
});

describe('calibration grid', () => {
  it('tries lexical-only once and both methods at every positive weight', () => {
    const grid = defaultGrid([0, 0.5, 1]);
    expect(grid).toEqual([
      { method: 'minmax', denseWeight: 0 },
      { method: 'minmax', denseWeight: 0.5 },
      { method: 'minmax', denseWeight: 1 },
      { method: 'rrf', denseWeight: 0.5 },
      { method: 'rrf', denseWeight: 1 },
    ]);
  });

  it('ranks documents by their best chunk and scores a single target', () => {
    const ranked = rankDocuments([{ id: 'a#1', score: 3, retrievers: [] }, { id: 'b#1', score: 2, retrievers: [] }, { id: 'a#2', score: 1, retrievers: [] }], new Map([['a#1', 'a'], ['a#2', 'a'], ['b#1', 'b']]));
    expect(ranked).toEqual(['a', 'b']);
    expect(scoreSingleTarget(ranked, 'a')).toEqual({ ndcg10: 1, mrr10: 1 });
    expect(scoreSingleTarget(ranked, 'b').ndcg10).toBeCloseTo(1 / Math.log2(3), 12);
    expect(scoreSingleTarget(ranked, 'c')).toEqual({ ndcg10: 0, mrr10: 0 });
    const eleven = Array.from({ length: 11 }, (_, i) => `d${i}`);
    expect(scoreSingleTarget(eleven, 'd10')).toEqual({ ndcg10: 0, mrr10: 0 }); // past the cut-off
  });

  it('scores each grid point by re-fusing the same candidates: dense weight rescues a lexical miss', () => {
    // BM25 puts the target second; the vector list is sure of it.
    const s = set('t', [['x#1', 10], ['t#1', 9], ['y#1', 1]], [['t#1', 0.9], ['y#1', 0.2], ['x#1', 0.1]]);
    const [lexical, dense] = scoreGrid([s], [{ method: 'minmax', denseWeight: 0 }, { method: 'minmax', denseWeight: 0.5 }]);
    expect(lexical.perQuery).toEqual([1 / Math.log2(3)]);
    expect(lexical.mrr10).toBe(0.5);
    expect(dense.perQuery).toEqual([1]);
  });

  it('dense weight 0 ignores the vector list entirely (a target only the vector side found stays missing)', () => {
    const s = set('t', [['x#1', 10]], [['t#1', 0.9]]);
    expect(scoreGrid([s], [{ method: 'minmax', denseWeight: 0 }])[0].ndcg10).toBe(0);
    expect(scoreGrid([s], [{ method: 'rrf', denseWeight: 0.3 }])[0].ndcg10).toBeGreaterThan(0);
  });

  it('applies the post-fusion step to every grid point', () => {
    const s = set('t', [['x#1', 10], ['t#1', 9]], []);
    const promoteTarget = (fused: { id: string; score: number; retrievers: ('text' | 'vector' | 'exact')[] }[]) => [...fused].sort((a) => (a.id === 't#1' ? -1 : 1));
    expect(scoreGrid([s], [{ method: 'minmax', denseWeight: 0 }], { post: promoteTarget })[0].ndcg10).toBe(1);
  });

  it('paired standard error: zero for identical lists, sd/sqrt(n) of the differences otherwise', () => {
    expect(pairedStandardError([1, 0, 1], [1, 0, 1])).toBe(0);
    // differences 1, 0, 0, 1: mean 0.5, sample variance 1/3
    expect(pairedStandardError([1, 1, 0, 1], [0, 1, 0, 0])).toBeCloseTo(Math.sqrt(1 / 3 / 4), 12);
  });
});

describe('selectConfig', () => {
  it('takes the best setting when its gain over more lexical ones is clear', () => {
    const n = 100;
    const lexical = point('minmax', 0, Array.from({ length: n }, (_, i) => (i < 50 ? 1 : 0)));
    const better = point('minmax', 0.2, Array.from({ length: n }, (_, i) => (i < 80 ? 1 : 0)));
    const worse = point('minmax', 0.6, Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 0)));
    const sel = selectConfig([lexical, better, worse]);
    expect(sel.chosen).toBe(better);
    expect(sel.best).toBe(better);
    expect(sel.lexical).toBe(lexical);
    expect(sel.spread).toBeCloseTo(0.6, 12);
    expect(sel.queries).toBe(n);
    expect(sel.noise).toBeGreaterThan(0);
  });

  it('leans lexical when the best is within noise of a more lexical setting', () => {
    // The 0.3 setting wins one query and loses none of 100: a 0.01 gain, smaller than the noise floor.
    const base = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : 0));
    const lexical = point('minmax', 0, base);
    const slight = point('minmax', 0.3, base.map((v, i) => (i === 0 ? 1 : v)));
    expect(selectConfig([slight, lexical], { epsilon: 0.02 }).chosen).toBe(lexical);
    expect(selectConfig([slight, lexical], { epsilon: 0, z: 0 }).chosen).toBe(slight);
  });

  it('picks the most lexical of several settings within noise, min-max before RRF at equal weight', () => {
    const q = [1, 0, 1, 0];
    const rrf = point('rrf', 0.1, q);
    const minmax = point('minmax', 0.1, q);
    const heavy = point('minmax', 0.5, q);
    expect(selectConfig([heavy, rrf, minmax]).chosen).toBe(minmax);
  });

  it('returns a dense-heavy best when everything lexical is clearly worse (no lexical tie-break to hide behind)', () => {
    const n = 60;
    const lexical = point('minmax', 0, Array(n).fill(0));
    const mid = point('rrf', 0.5, Array(n).fill(0.5));
    const dense = point('minmax', 1, Array(n).fill(1));
    expect(selectConfig([lexical, mid, dense]).chosen).toBe(dense);
  });

  it('rejects an empty grid', () => {
    expect(() => selectConfig([])).toThrow();
  });
});
