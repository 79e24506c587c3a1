import type { RerankInfo, RerankReason } from '../../contract';
import { QuarryError } from '../util/errors';
import { minMaxScale } from './fusion';

/** Options of one {@link Reranker.score} call. */
export interface RerankScoreOptions {
  signal?: AbortSignal;
  /** `performance.now()` past which the reranker stops between batches (it throws TIMEOUT). */
  deadline?: number;
  /** Called after each batch with the scores so far: a prefix of the passages, in order. */
  onProgress?: (scores: number[]) => void;
}

/**
 * A cross-encoder: reads a query and a passage together and scores how well the passage
 * answers it. Far more accurate than first-stage retrieval, far slower — so it only re-scores
 * the top few candidates. The transformers.js implementation is in rerank-model.ts.
 */
export interface Reranker {
  /** The model (a manifest id, or a folder's name). */
  readonly id: string;
  /** Whether the model is in memory now (it loads on first use and unloads when idle). */
  readonly loaded: boolean;
  /** Loads the model without scoring anything (a one-shot CLI search waits for this first). */
  load(): Promise<void>;
  /** One score per passage, in input order; higher is more relevant. */
  score(query: string, passages: string[], opts?: RerankScoreOptions): Promise<number[]>;
  close(): Promise<void>;
}

/** The configured reranker and its limits, as the searcher receives them. */
export interface RerankerSetup {
  /** The model as configured (for messages, before it is resolved). */
  model: string;
  budgetMs: number;
  topN: number;
  /** Resolves the model (MODEL_MISSING when its files are absent); the session loads lazily. */
  get(): Promise<Reranker>;
}

/**
 * Weight of the cross-encoder in the blend with the fused score (min-max scaled within the
 * reranked candidates). Not 1: cross-encoders trained on MS MARCO are strong on prose questions
 * and weak on codes, numbers and domains they never saw, and interpolating with the first-stage
 * score has been reported to help there (Birch: Yang et al. 2019, "Simple Applications of BERT for
 * Ad Hoc Document Retrieval"; Wang et al. 2021, "BERT-based dense retrievers require
 * interpolation with BM25"). 0.8 leaves the cross-encoder in charge while a first-stage hit far
 * ahead of the rest is not dropped by one misreading. Untuned: no real reranker could be
 * downloaded where this was written — tune on SciFact train once one is installed.
 */
export const RERANK_WEIGHT = 0.8;

/** A first-stage candidate: its id, fused score and text. */
export interface RerankCandidate {
  id: string;
  score: number;
  text: string;
  /**
   * Candidates of a higher group stay ahead of lower ones whatever the model says: the exact-match
   * tiers of a lookup ("E-4012") must survive a model that reads codes poorly.
   */
  group?: number;
}

/** Options of {@link rerankCandidates}. */
export interface RerankOptions {
  budgetMs: number;
  /** How many leading candidates are scored; the rest keep their places below them. */
  topN: number;
  weight?: number;
  signal?: AbortSignal;
  /** The model's name for messages when it cannot even be resolved. */
  model?: string;
}

/** What {@link rerankCandidates} returns: the order, the blended and model scores, and the report. */
export interface RerankOutcome {
  /** Candidate indices in their new order (every index once). */
  order: number[];
  /** The cross-encoder's score per reranked candidate index. */
  modelScores: Map<number, number>;
  /** The blended score per reranked candidate index, in [0, 1]. */
  blended: Map<number, number>;
  info: RerankInfo;
}

type Stage = 'resolve' | 'load' | 'score';

/**
 * Re-scores the top `topN` candidates with the cross-encoder within `budgetMs` (waiting for the
 * model to load counts: an interactive search must not stall on it). When the budget runs out
 * mid-way, the best-ranked candidates already scored are reordered among themselves
 * (reason 'partial'). On a missing model, a load error, an overrun before two candidates were
 * scored, a failure or non-finite scores the fused order stands and `info.reason` says why; the
 * model keeps loading in the background for the next query. An aborted signal rejects with
 * CANCELLED.
 */
export async function rerankCandidates(query: string, candidates: RerankCandidate[], source: () => Promise<Reranker>, opts: RerankOptions): Promise<RerankOutcome> {
  const t0 = performance.now();
  const n = Math.min(candidates.length, Math.max(0, opts.topN));
  const identity = candidates.map((_, i) => i);
  // Written inside the work closure: read through a function so the compiler does not narrow it.
  let stage: Stage = 'resolve';
  const stageNow = (): Stage => stage;
  let modelId = opts.model;
  const fallback = (reason: RerankReason, message?: string): RerankOutcome => ({
    order: identity,
    modelScores: new Map(),
    blended: new Map(),
    info: { applied: false, reason, model: modelId, candidates: 0, tookMs: elapsed(t0), ...(message ? { message } : {}) },
  });
  if (n < 2) return fallback('too-few');
  if (opts.signal?.aborted) throw cancelled();

  const deadline = t0 + opts.budgetMs;
  const texts = candidates.slice(0, n).map((c) => c.text);
  let partial: number[] = [];
  const work = (async () => {
    const reranker = await source();
    modelId = reranker.id;
    stage = 'load';
    await reranker.load();
    stage = 'score';
    return reranker.score(query, texts, { signal: opts.signal, deadline, onProgress: (s) => (partial = s) });
  })();
  const reordered = (scores: number[], reason: RerankReason, message?: string): RerankOutcome => {
    const m = scores.length;
    const { order, blended } = blend(candidates.slice(0, m), scores, opts.weight ?? RERANK_WEIGHT);
    return {
      order: [...order, ...identity.slice(m)],
      modelScores: new Map(scores.map((s, i) => [i, s])),
      blended,
      info: { applied: true, reason, model: modelId, candidates: m, tookMs: elapsed(t0), ...(message ? { message } : {}) },
    };
  };
  // Past the budget, the best-ranked candidates scored so far are still worth reordering.
  const overBudget = (message?: string): RerankOutcome =>
    partial.length >= 2 && partial.every(Number.isFinite)
      ? reordered(partial, 'partial', `Only the top ${partial.length} of ${n} candidates were reranked within the ${opts.budgetMs} ms budget.`)
      : fallback('budget', message ?? `Reranking took longer than its ${opts.budgetMs} ms budget; the fused order was kept.`);
  work.catch(() => undefined); // settles after a timeout too: never an unhandled rejection

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const overrun = new Promise<'overrun'>((resolve) => {
    timer = setTimeout(() => resolve('overrun'), Math.max(0, deadline - performance.now()));
  });
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let scores: number[];
  try {
    const first = await Promise.race([work, overrun, aborted]);
    if (first === 'aborted') throw cancelled();
    if (first === 'overrun') {
      return stageNow() === 'score'
        ? overBudget()
        : fallback('loading', `The reranker model was still loading after ${opts.budgetMs} ms; the fused order was kept.`);
    }
    scores = first;
  } catch (e) {
    if (opts.signal?.aborted || (e instanceof QuarryError && e.code === 'CANCELLED')) throw cancelled();
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof QuarryError && e.code === 'TIMEOUT') return overBudget(message);
    const failedAt = stageNow();
    if (failedAt === 'resolve') return fallback(e instanceof QuarryError && e.code === 'MODEL_MISSING' ? 'model-missing' : 'load-failed', message);
    return fallback(failedAt === 'load' ? 'load-failed' : 'failed', message);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  }

  if (scores.length !== n || scores.some((s) => !Number.isFinite(s))) {
    return fallback('invalid-scores', `The reranker gave ${scores.length} score(s) for ${n} passages, or scores that are not numbers; the fused order was kept.`);
  }
  return reordered(scores, 'applied');
}

/**
 * Orders candidates by `weight` × the model's score + (1 − weight) × the fused score, both
 * min-max scaled over these candidates (the two live on unrelated scales: logits and fused
 * scores). Higher groups stay first; ties keep the fused order.
 */
export function blend(candidates: RerankCandidate[], modelScores: number[], weight: number): { order: number[]; blended: Map<number, number> } {
  const m = minMaxScale(modelScores);
  const f = minMaxScale(candidates.map((c) => c.score));
  const w = Math.min(1, Math.max(0, weight));
  const blended = new Map(candidates.map((_, i) => [i, w * m[i] + (1 - w) * f[i]]));
  const order = candidates
    .map((c, i) => ({ i, g: c.group ?? 0, b: blended.get(i) as number }))
    .sort((x, y) => y.g - x.g || y.b - x.b || x.i - y.i)
    .map((x) => x.i);
  return { order, blended };
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

function cancelled(): QuarryError {
  return new QuarryError('CANCELLED', 'The search was cancelled.');
}
