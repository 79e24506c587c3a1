import type { Embedder } from '../embed/types';
import { contentTokens, cosine } from './text';

/**
 * Weights for a query's terms from their document frequency in a small pool of texts (the
 * retrieved passages or their sentences). Work is O(pool), never O(library): answering must
 * stay fast however large the library is.
 */
export function termWeights(queryTokens: string[], pool: Set<string>[]): Map<string, number> {
  const n = pool.length;
  const weights = new Map<string, number>();
  for (const t of new Set(queryTokens)) {
    let df = 0;
    for (const set of pool) if (set.has(t)) df++;
    // Smoothed IDF: a term in every passage still counts a little; absent terms count most,
    // so a question whose key word appears nowhere scores low coverage.
    weights.set(t, 1 + Math.log((n + 1) / (df + 1)));
  }
  return weights;
}

/** Weighted fraction of the query terms present in `tokens` (0..1). */
export function coverage(weights: Map<string, number>, tokens: Set<string>): number {
  let total = 0;
  let hit = 0;
  for (const [t, w] of weights) {
    total += w;
    if (tokens.has(t)) hit += w;
  }
  return total === 0 ? 0 : hit / total;
}

/** Maps a sentence-embedding cosine to 0..1; unrelated text sits near 0.1, paraphrases above 0.6. */
export function embeddingScore(cos: number): number {
  return Math.max(0, Math.min(1, (cos - 0.15) / 0.55));
}

/**
 * How relevant each passage is to the question, 0..1: the weighted share of the question's
 * content words that the passage contains, blended with embedding similarity when an embedder
 * is available. Used to decide "not found" instead of guessing.
 */
export async function passageRelevance(
  question: string,
  passages: string[],
  embedder?: Embedder,
  signal?: AbortSignal,
): Promise<number[]> {
  const q = contentTokens(question);
  const sets = passages.map((p) => new Set(contentTokens(p)));
  const weights = termWeights(q, sets);
  const lexical = sets.map((s) => coverage(weights, s));
  if (!embedder || passages.length === 0) return lexical;
  try {
    const [qv] = await embedder.embed([question], { signal, kind: 'query' });
    const pv = await embedder.embed(passages, { signal, kind: 'passage' });
    return lexical.map((l, i) => 0.6 * l + 0.4 * embeddingScore(cosine(qv, pv[i])));
  } catch (e) {
    if (signal?.aborted) throw e;
    // Embedding is an improvement, not a requirement: fall back to lexical relevance.
    return lexical;
  }
}
