import type { QueryDiagnostics, RunFile } from '../../main/eval/run-file';

/** A per-query record with the given nDCG@10 and first relevant rank (other fields derived). */
export function q(qid: string, ndcg10: number, firstRelevantRank: number | null = ndcg10 > 0 ? 1 : null, query = `query ${qid}`): QueryDiagnostics {
  return {
    qid,
    query,
    ndcg10,
    recall100: ndcg10 > 0 ? 1 : 0,
    mrr10: firstRelevantRank ? 1 / firstRelevantRank : 0,
    firstRelevantRank,
    relevant: [{ id: `d${qid}`, grade: 1, rank: firstRelevantRank }],
    returned: 100,
    top: [{ id: `d${qid}`, score: 0.9, retrievers: ['text'] }],
  };
}

/** A synthetic saved run over `perQuery`, with aggregates computed from it. */
export function run(name: string, perQuery: QueryDiagnostics[], over: Partial<RunFile> = {}): RunFile {
  const n = perQuery.length || 1;
  const mean = (f: (d: QueryDiagnostics) => number): number => perQuery.reduce((a, d) => a + f(d), 0) / n;
  return {
    version: 1,
    name,
    dataset: 'tiny',
    corpusKey: 'abc123',
    documents: 50,
    split: 'test',
    createdAt: '2026-11-22T08:00:00.000Z',
    commit: '0123456789abcdef',
    config: { label: name, mode: 'hybrid', embedder: 'use-512', fusion: { method: 'minmax', denseWeight: 0.2, rrfK: 60 }, depth: 200, search: { candidates: 200 }, query: {} },
    aggregates: { 'ndcg@10': mean((d) => d.ndcg10), 'recall@100': mean((d) => d.recall100), 'mrr@10': mean((d) => d.mrr10), queries: perQuery.length },
    tookMs: 10,
    perQuery,
    ...over,
  };
}
