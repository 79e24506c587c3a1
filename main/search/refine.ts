import type { RerankInfo, SearchQueryParsed, SearchResults } from '../../contract';
import type { ScoredRow, Store } from '../store/store';
import type { Fused } from './fusion';
import { diversify, type MmrCandidate } from './mmr';
import { rerankCandidates, type RerankerSetup } from './rerank';

/** Options of {@link refineRanking}. */
export interface RefineOptions {
  /** The configured reranker (undefined: none). */
  setup?: RerankerSetup;
  budgetMs?: number;
  topN?: number;
  weight?: number;
  /** Strict lookups keep exact-match results ahead of the rest through reranking. */
  strict: boolean;
  signal?: AbortSignal;
}

/** The refined order, the cross-encoder's scores and what was done. */
export interface Refined {
  ranked: Fused[];
  rerankScores: Map<string, number>;
  rerank?: RerankInfo;
  diversity?: SearchResults['diversity'];
}

/** Candidates that MMR considers: three per requested result, at least 30, at most 100. */
export function diversityPool(k: number): number {
  return Math.min(100, Math.max(30, 3 * k));
}

/**
 * What happens after fusion and exact-match promotion: cross-encoder reranking of the top
 * candidates (when asked for or configured), then MMR diversification (when asked for).
 */
export async function refineRanking(q: SearchQueryParsed, fused: Fused[], rows: Map<string, ScoredRow>, store: Store, opts: RefineOptions): Promise<Refined> {
  // Only candidates with a row can become results: rerank and diversify those.
  let ranked = fused.filter((f) => rows.has(f.id));
  const rerankScores = new Map<string, number>();
  let rerank: RerankInfo | undefined;
  // Relevance for MMR: the blended score within the reranked head, the fused score below it.
  let relevance = ranked.map((f) => f.score);

  const wantRerank = q.rerank ?? opts.setup !== undefined;
  if (wantRerank && !opts.setup) {
    rerank = { applied: false, reason: 'model-missing', candidates: 0, tookMs: 0, message: 'No reranker model is set: choose one in Settings (or `quarry search --reranker <id|folder>`).' };
  } else if (wantRerank && opts.setup) {
    const setup = opts.setup;
    const candidates = ranked.map((f) => ({ id: f.id, score: f.score, text: (rows.get(f.id) as ScoredRow).text, group: opts.strict && f.retrievers.includes('exact') ? 1 : 0 }));
    const out = await rerankCandidates(q.query, candidates, () => setup.get(), {
      budgetMs: opts.budgetMs ?? setup.budgetMs,
      topN: opts.topN ?? setup.topN,
      weight: opts.weight,
      signal: opts.signal,
      model: setup.model,
    });
    rerank = out.info;
    if (out.info.applied) {
      for (const [i, s] of out.modelScores) rerankScores.set(ranked[i].id, s);
      const blendedFloor = Math.min(...out.blended.values());
      relevance = out.order.map((i) => out.blended.get(i) ?? Math.min(blendedFloor, ranked[i].score));
      ranked = out.order.map((i) => ranked[i]);
    }
  }

  let diversity: Refined['diversity'];
  if (q.diversity && ranked.length > 1) {
    const pool = Math.min(ranked.length, diversityPool(q.k));
    const head = ranked.slice(0, pool);
    const vectors = await store.chunkVectors(head.map((f) => f.id)).catch(() => new Map<string, Float32Array>());
    const candidates: MmrCandidate[] = head.map((f, i) => {
      const row = rows.get(f.id) as ScoredRow;
      return { relevance: relevance[i], vector: vectors.get(f.id), text: row.text, page: `${row.doc_id}#${row.page_start}` };
    });
    const { order, similarity } = diversify(candidates, { lambda: q.diversity.lambda, pageCap: q.diversity.pageCap, k: Math.min(q.k, pool) });
    const changed = order.slice(0, q.k).filter((idx, pos) => idx !== pos).length;
    ranked = [...order.map((i) => head[i]), ...ranked.slice(pool)];
    diversity = { lambda: q.diversity.lambda, pageCap: q.diversity.pageCap, similarity, changed };
  }
  return { ranked, rerankScores, rerank, diversity };
}
