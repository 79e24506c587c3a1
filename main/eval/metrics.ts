/** Relevance judgements: query id → (doc id → grade). */
export type Qrels = Map<string, Map<string, number>>;

/** nDCG@k with graded gains (BEIR's definition: gain = grade, log2 discount). */
export function ndcgAt(ranked: string[], rel: Map<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((d, i) => {
    const g = rel.get(d) ?? 0;
    if (g > 0) dcg += g / Math.log2(i + 2);
  });
  const ideal = [...rel.values()].filter((g) => g > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((acc, g, i) => acc + g / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranked: string[], rel: Map<string, number>, k: number): number {
  const relevant = [...rel].filter(([, g]) => g > 0).map(([d]) => d);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((d) => top.has(d)).length / relevant.length;
}

export function mrrAt(ranked: string[], rel: Map<string, number>, k: number): number {
  const i = ranked.slice(0, k).findIndex((d) => (rel.get(d) ?? 0) > 0);
  return i === -1 ? 0 : 1 / (i + 1);
}

export interface QueryScore {
  qid: string;
  ndcg10: number;
  recall100: number;
  mrr10: number;
}

export function scoreRun(run: Map<string, string[]>, qrels: Qrels): { mean: { ndcg10: number; recall100: number; mrr10: number }; perQuery: QueryScore[] } {
  const perQuery: QueryScore[] = [];
  for (const [qid, rel] of qrels) {
    const ranked = run.get(qid) ?? [];
    perQuery.push({ qid, ndcg10: ndcgAt(ranked, rel, 10), recall100: recallAt(ranked, rel, 100), mrr10: mrrAt(ranked, rel, 10) });
  }
  const n = perQuery.length || 1;
  const mean = {
    ndcg10: perQuery.reduce((a, q) => a + q.ndcg10, 0) / n,
    recall100: perQuery.reduce((a, q) => a + q.recall100, 0) / n,
    mrr10: perQuery.reduce((a, q) => a + q.mrr10, 0) / n,
  };
  return { mean, perQuery };
}

/** A returned document as {@link diagnoseQuery} reads it. */
export interface RankedDoc {
  id: string;
  score: number;
  retrievers: string[];
}

/**
 * One query's diagnostics: its metrics, the rank of every judged-relevant document (1-based,
 * null when not returned), the first relevant rank, and the `top` first documents returned.
 */
export function diagnoseQuery(
  q: { id: string; text: string },
  ranked: readonly RankedDoc[],
  rel: Map<string, number>,
  top = 10,
): {
  qid: string;
  query: string;
  ndcg10: number;
  recall100: number;
  mrr10: number;
  firstRelevantRank: number | null;
  relevant: { id: string; grade: number; rank: number | null }[];
  returned: number;
  top: RankedDoc[];
} {
  const ids = ranked.map((r) => r.id);
  const rankOf = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!rankOf.has(id)) rankOf.set(id, i + 1);
  });
  const relevant = [...rel]
    .filter(([, g]) => g > 0)
    .map(([id, grade]) => ({ id, grade, rank: rankOf.get(id) ?? null }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.id.localeCompare(b.id));
  const first = ids.findIndex((d) => (rel.get(d) ?? 0) > 0);
  return {
    qid: q.id,
    query: q.text,
    ndcg10: ndcgAt(ids, rel, 10),
    recall100: recallAt(ids, rel, 100),
    mrr10: mrrAt(ids, rel, 10),
    firstRelevantRank: first === -1 ? null : first + 1,
    relevant,
    returned: ids.length,
    top: ranked.slice(0, top).map((r) => ({ id: r.id, score: r.score, retrievers: [...r.retrievers] })),
  };
}
