import { describe, expect, it } from 'vitest';
import { mrrAt, ndcgAt, recallAt, scoreRun } from '../../../main/eval/metrics';

describe('retrieval metrics', () => {
  const rel = new Map([['d1', 1], ['d2', 1]]);
  it('nDCG@10 is 1 for a perfect ranking and discounts later hits', () => {
    expect(ndcgAt(['d1', 'd2', 'x'], rel, 10)).toBeCloseTo(1, 10);
    const idcg = 1 + 1 / Math.log2(3);
    expect(ndcgAt(['x', 'd1', 'd2'], rel, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(4)) / idcg, 10);
    expect(ndcgAt(['x'], rel, 10)).toBe(0);
  });
  it('recall and MRR', () => {
    expect(recallAt(['d1', 'x'], rel, 100)).toBe(0.5);
    expect(mrrAt(['x', 'x2', 'd2'], rel, 10)).toBeCloseTo(1 / 3, 10);
  });
  it('averages over the queries in the qrels, scoring missing runs as 0', () => {
    const run = new Map([['q1', ['d1', 'd2']]]);
    const qrels = new Map([['q1', rel], ['q2', new Map([['d9', 1]])]]);
    expect(scoreRun(run, qrels).mean.ndcg10).toBeCloseTo(0.5, 10);
  });
});
