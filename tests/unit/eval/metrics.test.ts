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

describe('per-query diagnostics', () => {
  it('ranks every relevant document, finds the first, keeps the top with scores and retrievers', async () => {
    const { diagnoseQuery } = await import('../../../main/eval/metrics');
    const ranked = ['x', 'd2', 'y', 'd1'].map((id, i) => ({ id, score: 1 - i / 10, retrievers: i % 2 ? ['text', 'vector'] : ['vector'] }));
    const rel = new Map([['d1', 1], ['d2', 2], ['d3', 1], ['z', 0]]);
    const d = diagnoseQuery({ id: 'q', text: 'the query' }, ranked, rel, 2);
    expect(d).toMatchObject({ qid: 'q', query: 'the query', firstRelevantRank: 2, returned: 4, recall100: 2 / 3 });
    expect(d.relevant).toEqual([
      { id: 'd2', grade: 2, rank: 2 },
      { id: 'd1', grade: 1, rank: 4 },
      { id: 'd3', grade: 1, rank: null },
    ]);
    expect(d.top).toEqual([
      { id: 'x', score: 1, retrievers: ['vector'] },
      { id: 'd2', score: 0.9, retrievers: ['text', 'vector'] },
    ]);
    expect(d.ndcg10).toBeCloseTo(ndcgAt(['x', 'd2', 'y', 'd1'], rel, 10), 12);
    expect(d.mrr10).toBeCloseTo(0.5, 12);
    expect(diagnoseQuery({ id: 'q', text: '' }, [], rel).firstRelevantRank).toBeNull();
  });
});
