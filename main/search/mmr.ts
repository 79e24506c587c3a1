/**
 * Maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998) over the top candidates, plus a
 * cheap cap on results per page: a long document whose one page matches well otherwise fills the
 * first screen with five overlapping passages of that page.
 */

import { minMaxScale } from './fusion';

/** A ranked candidate as MMR sees it. */
export interface MmrCandidate {
  /** Any score where higher means more relevant; only its order and gaps matter. */
  relevance: number;
  /** The passage's vector (from the index), for cosine similarity. */
  vector?: Float32Array;
  /** The passage's text: token Jaccard similarity when some vector is missing. */
  text: string;
  /** Identifies the page (document and page number) for the per-page cap. */
  page: string;
}

/** Options of {@link diversify}. */
export interface MmrOptions {
  /** 1: relevance only (the order is kept); 0: novelty only. */
  lambda: number;
  /** How many results to choose by MMR; the rest follow in their original order. */
  k: number;
  /** At most this many picks per page while other pages still have candidates (0: no cap). */
  pageCap: number;
}

/** The new order (every index once) and the similarity that was used. */
export interface MmrResult {
  order: number[];
  similarity: 'vectors' | 'tokens';
}

/**
 * Greedy MMR: each step picks the candidate maximising
 * `lambda · rel(i) − (1 − lambda) · max_{j picked} sim(i, j)`, where `rel` is the relevance
 * min-max scaled to [0, 1] and made non-increasing along the given order (a ranking that is not
 * sorted by its scores — exact-match tiers — keeps its order as the relevance signal), and sim is
 * cosine similarity of the vectors (or token Jaccard). Ties keep the original order, so lambda = 1
 * without a page cap returns the order unchanged.
 */
export function diversify(candidates: MmrCandidate[], opts: MmrOptions): MmrResult {
  const n = candidates.length;
  const useVectors = n > 0 && candidates.every((c) => c.vector && c.vector.length > 0 && norm(c.vector) > 0);
  const similarity = useVectors ? 'vectors' : 'tokens';
  const k = Math.min(n, Math.max(0, opts.k));
  if (k === 0) return { order: candidates.map((_, i) => i), similarity };

  const rel = monotoneRelevance(candidates.map((c) => c.relevance));
  const lambda = Math.min(1, Math.max(0, opts.lambda));
  const unit = useVectors ? candidates.map((c) => scale(c.vector as Float32Array)) : [];
  const tokens = useVectors ? [] : candidates.map((c) => tokenSet(c.text));
  const sim = (a: number, b: number): number => (useVectors ? dot(unit[a], unit[b]) : jaccard(tokens[a], tokens[b]));

  const maxSim = new Float64Array(n); // max similarity to anything picked so far
  const picked = new Uint8Array(n);
  const perPage = new Map<string, number>();
  const order: number[] = [];
  while (order.length < k) {
    let best = -1;
    let bestScore = -Infinity;
    let bestCapped = -1;
    let bestCappedScore = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const score = lambda * rel[i] - (1 - lambda) * (order.length ? maxSim[i] : 0);
      const capped = opts.pageCap > 0 && (perPage.get(candidates[i].page) ?? 0) >= opts.pageCap;
      if (capped) {
        if (score > bestCappedScore) [bestCapped, bestCappedScore] = [i, score];
      } else if (score > bestScore) [best, bestScore] = [i, score];
    }
    // Only when every page left is at its cap does the cap give way.
    const choice = best >= 0 ? best : bestCapped;
    picked[choice] = 1;
    order.push(choice);
    perPage.set(candidates[choice].page, (perPage.get(candidates[choice].page) ?? 0) + 1);
    if (lambda < 1) for (let i = 0; i < n; i++) if (!picked[i]) maxSim[i] = Math.max(maxSim[i], sim(i, choice));
  }
  for (let i = 0; i < n; i++) if (!picked[i]) order.push(i);
  return { order, similarity };
}

/** Min-max scaled relevance, clamped so that it never rises along the given order. */
export function monotoneRelevance(scores: number[]): number[] {
  let prev = 1;
  return minMaxScale(scores).map((s) => (prev = Math.min(prev, s)));
}

/** Jaccard similarity of two token sets (0 when both are empty). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (large.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Lower-cased word tokens of two or more letters or digits. */
export function tokenSet(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []));
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function scale(v: Float32Array): Float32Array {
  const n = norm(v);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
