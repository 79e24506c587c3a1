import type { FusionConfig, Retriever } from '../../contract';

export interface Ranked {
  id: string;
  /** Raw retriever score: BM25 (higher is better) or similarity (higher is better). */
  score: number;
}

export interface Fused {
  id: string;
  score: number;
  retrievers: Retriever[];
}

/**
 * Weighted reciprocal-rank fusion: each list contributes weight / (k + rank).
 * Insensitive to score scales, but throws away how much better the first hit was.
 */
export function rrf(lists: { retriever: Retriever; weight: number; items: Ranked[] }[], k = 60): Fused[] {
  const acc = new Map<string, Fused>();
  for (const { retriever, weight, items } of lists) {
    items.forEach((it, rank) => {
      const f = acc.get(it.id) ?? { id: it.id, score: 0, retrievers: [] };
      f.score += weight / (k + rank + 1);
      f.retrievers.push(retriever);
      acc.set(it.id, f);
    });
  }
  return [...acc.values()].sort((a, b) => b.score - a.score);
}

/** Scores scaled to [0, 1] within the list (all 1 when they are equal). */
export function minMaxScale(xs: number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  const span = hi - lo;
  return xs.map((x) => (span > 0 ? (x - lo) / span : 1));
}

/**
 * Weighted min-max score fusion: each list's scores are scaled to [0,1] within the list and
 * summed with weights. Keeps score gaps, so a confident BM25 hit is not dragged down by a
 * weak embedder's noise — which is why it beats RRF with the Universal Sentence Encoder.
 */
export function minmax(lists: { retriever: Retriever; weight: number; items: Ranked[] }[]): Fused[] {
  const acc = new Map<string, Fused>();
  for (const { retriever, weight, items } of lists) {
    if (items.length === 0) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const it of items) {
      lo = Math.min(lo, it.score);
      hi = Math.max(hi, it.score);
    }
    const span = hi - lo;
    for (const it of items) {
      const norm = span > 0 ? (it.score - lo) / span : 1;
      const f = acc.get(it.id) ?? { id: it.id, score: 0, retrievers: [] };
      f.score += weight * norm;
      f.retrievers.push(retriever);
      acc.set(it.id, f);
    }
  }
  return [...acc.values()].sort((a, b) => b.score - a.score);
}

export function fuse(config: FusionConfig, text: Ranked[], vector: Ranked[]): Fused[] {
  const lists = [
    { retriever: 'text' as const, weight: 1 - config.denseWeight, items: text },
    { retriever: 'vector' as const, weight: config.denseWeight, items: vector },
  ].filter((l) => l.weight > 0 || l.items.length > 0);
  return config.method === 'rrf' ? rrf(lists, config.rrfK) : minmax(lists);
}

/**
 * Default fusion per embedder, tuned on SciFact's train split (see bench/README and the
 * commit that set them). A weak general-purpose embedder gets little weight: the default must
 * never score below text-only search.
 */
export function defaultFusion(embedderId: string): FusionConfig {
  if (embedderId.startsWith('use-')) return { method: 'minmax', denseWeight: 0.2, rrfK: 60, source: 'default for use-512 (SciFact train)' };
  if (embedderId.startsWith('hash-')) return { method: 'minmax', denseWeight: 0, rrfK: 60, source: 'default for hash embedder (lexical only)' };
  return { method: 'minmax', denseWeight: 0.5, rrfK: 60, source: 'default for retrieval-trained embedders' };
}
