/**
 * The pure half of fusion calibration: given each pseudo-query's text and vector candidate
 * lists (retrieved once) and the document it was built from, score every fusion setting of a
 * grid in memory and choose one. No I/O here, so the selection logic is unit-tested with
 * synthetic ranked lists.
 */
import type { FusionConfig } from '../../contract';
import { fuse, type Fused, type Ranked } from './fusion';

/** One fusion setting of the grid. */
export interface GridPoint {
  method: FusionConfig['method'];
  denseWeight: number;
}

/** One pseudo-query's candidates, retrieved once and re-fused for every grid point. */
export interface CandidateSet {
  text: Ranked[];
  vector: Ranked[];
  /** Chunk id → document id, for every candidate (ranking is by document, as in evaluation). */
  docOf: ReadonlyMap<string, string>;
  /** The document the query was built from: the one it should find. */
  target: string;
}

/** A grid point's mean scores over all pseudo-queries, and the per-query nDCG@10 behind them. */
export interface GridScore extends GridPoint {
  ndcg10: number;
  mrr10: number;
  /** nDCG@10 per pseudo-query, in the order of the candidate sets (for paired comparisons). */
  perQuery: number[];
}

/** What {@link selectConfig} chose, and how sure it is. */
export interface Selection {
  chosen: GridScore;
  /** The grid point with the highest mean nDCG@10. */
  best: GridScore;
  /** Dense weight 0: lexical search alone. */
  lexical: GridScore;
  /** Standard error of the paired per-query difference between `best` and `lexical`: how sure the dense side's gain is. */
  noise: number;
  /** Highest minus lowest mean nDCG@10 over the grid: how much the choice matters on this library. */
  spread: number;
  queries: number;
}

/** Dense weights tried for each method. Dense 0 (lexical only) ranks the same under both methods, so it is tried once. */
export const DENSE_WEIGHTS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/** The default grid: min-max and RRF at every weight in {@link DENSE_WEIGHTS}, lexical only once. */
export function defaultGrid(weights: readonly number[] = DENSE_WEIGHTS): GridPoint[] {
  const grid: GridPoint[] = [];
  for (const method of ['minmax', 'rrf'] as const) {
    for (const w of weights) if (w > 0 || method === 'minmax') grid.push({ method, denseWeight: w });
  }
  return grid;
}

/** Documents in order of their best chunk (chunks of one document count once, as BEIR evaluation does). */
export function rankDocuments(fused: readonly Fused[], docOf: ReadonlyMap<string, string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of fused) {
    const d = docOf.get(f.id);
    if (d === undefined || seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}

/** nDCG@10 and MRR@10 of a ranking with exactly one relevant document. */
export function scoreSingleTarget(ranked: readonly string[], target: string): { ndcg10: number; mrr10: number } {
  const i = ranked.indexOf(target);
  if (i < 0 || i >= 10) return { ndcg10: 0, mrr10: 0 };
  return { ndcg10: 1 / Math.log2(i + 2), mrr10: 1 / (i + 1) };
}

/** Reorders a fused list after fusion (the search path's exact-unit promotion), per query. */
export type PostFusion = (fused: Fused[], set: CandidateSet, index: number) => Fused[];

/** Scores every grid point on every candidate set by re-fusing in memory. */
export function scoreGrid(sets: readonly CandidateSet[], grid: readonly GridPoint[], opts: { rrfK?: number; post?: PostFusion } = {}): GridScore[] {
  return grid.map((g) => {
    const config: FusionConfig = { method: g.method, denseWeight: g.denseWeight, rrfK: opts.rrfK ?? 60 };
    const perQuery: number[] = [];
    let mrr = 0;
    sets.forEach((s, i) => {
      let fused = fuse(config, s.text, g.denseWeight > 0 ? s.vector : []);
      if (opts.post) fused = opts.post(fused, s, i);
      const r = scoreSingleTarget(rankDocuments(fused, s.docOf), s.target);
      perQuery.push(r.ndcg10);
      mrr += r.mrr10;
    });
    const n = sets.length || 1;
    return { ...g, ndcg10: perQuery.reduce((a, b) => a + b, 0) / n, mrr10: mrr / n, perQuery };
  });
}

/** Standard error of the mean of the per-query differences a − b (paired: same queries). */
export function pairedStandardError(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  const d = Array.from({ length: n }, (_, i) => a[i] - b[i]);
  const mean = d.reduce((x, y) => x + y, 0) / n;
  const variance = d.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

/** How lexical a grid point is: lower sorts first. Min-max before RRF at the same weight (it keeps BM25's score gaps). */
function lexicalOrder(a: GridPoint, b: GridPoint): number {
  return a.denseWeight - b.denseWeight || (a.method === b.method ? 0 : a.method === 'minmax' ? -1 : 1);
}

/**
 * Picks the fusion setting. The best mean nDCG@10 wins unless a more lexical setting is within
 * noise of it: then the most lexical such setting wins. "Within noise" means the paired mean
 * difference is at most `z` standard errors (default 2), or at most `epsilon` when the lists
 * barely differ. Two, not one: the best of ~27 noisy means is optimistic, and at one standard
 * error chance alone picked dense weight 0.05 for 2-d hash vectors (pure noise) on 60 queries.
 * Leaning lexical is deliberate: BM25 alone is the setting that cannot be hurt by a weak
 * embedder, so dense weight must earn its place with a difference the sample can show.
 */
export function selectConfig(scores: readonly GridScore[], opts: { z?: number; epsilon?: number } = {}): Selection {
  if (scores.length === 0) throw new Error('selectConfig needs at least one grid point');
  const z = opts.z ?? 2;
  const epsilon = opts.epsilon ?? 0.002;
  const best = scores.reduce((a, b) => (b.ndcg10 > a.ndcg10 || (b.ndcg10 === a.ndcg10 && lexicalOrder(b, a) < 0) ? b : a));
  const lexical = [...scores].sort(lexicalOrder)[0];
  let chosen = best;
  for (const s of [...scores].sort(lexicalOrder)) {
    if (lexicalOrder(s, best) >= 0) break;
    const se = pairedStandardError(best.perQuery, s.perQuery);
    const gap = best.ndcg10 - s.ndcg10;
    if (gap <= Math.max(z * se, epsilon)) {
      chosen = s;
      break;
    }
  }
  const means = scores.map((s) => s.ndcg10);
  const noise = pairedStandardError(best.perQuery, lexical.perQuery);
  return { chosen, best, lexical, noise, spread: Math.max(...means) - Math.min(...means), queries: best.perQuery.length };
}
