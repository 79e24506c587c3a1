import { QuarryError } from '../util/errors';
import type { Aggregates, EvalConfig, QueryDiagnostics, RunFile } from './run-file';
import { randomisationTestP, signTestP } from './stats';

/** Differences below this count as ties (nDCG is a ratio of float sums). */
export const TIE_EPSILON = 1e-9;

/** One query seen by the base run and another run. */
export interface QueryDelta {
  qid: string;
  query: string;
  base: number;
  other: number;
  /** other − base, in nDCG@10. */
  delta: number;
  baseRank: number | null;
  otherRank: number | null;
}

/** Another run measured against the first (base) run, query by query, in nDCG@10. */
export interface PairComparison {
  base: string;
  other: string;
  queries: number;
  meanDelta: number;
  wins: number;
  losses: number;
  ties: number;
  /** Two-sided exact sign test over wins vs losses. */
  signP: number;
  /** Two-sided paired randomisation test of the mean difference (10,000 sign flips, fixed seed). */
  randomisationP: number;
  /** Every common query, by delta from the largest gain to the largest loss. */
  deltas: QueryDelta[];
  /** The largest gains and losses (at most `top` each; ties excluded). */
  gains: QueryDelta[];
  drops: QueryDelta[];
}

/** What a report shows: each run's aggregates, and every run after the first against the first. */
export interface Comparison {
  runs: { name: string; label: string; dataset: string; split: string; commit: string | null; createdAt: string; config: EvalConfig; aggregates: Aggregates }[];
  pairs: PairComparison[];
  /** Things a reader must know (different datasets or splits, queries missing from a run). */
  warnings: string[];
}

/**
 * Compares runs: aggregates side by side and, for each run after the first, per-query wins,
 * losses and ties in nDCG@10 against the first with paired significance figures, and the
 * queries that gained or lost most.
 *
 * @example
 * const c = compareRuns([await loadRun(dir, 'text'), await loadRun(dir, 'hybrid')]);
 * c.pairs[0].wins; // queries where hybrid beat text
 */
export function compareRuns(runs: readonly RunFile[], opts: { top?: number } = {}): Comparison {
  if (runs.length < 2) throw new QuarryError('INVALID_INPUT', `A comparison needs at least two runs (got ${runs.length}).`, { hint: 'Name two or more saved runs: quarry eval compare <run> <run> [...]' });
  const top = opts.top ?? 10;
  const warnings: string[] = [];
  const [base, ...others] = runs;
  for (const r of others) {
    if (r.dataset !== base.dataset || r.corpusKey !== base.corpusKey) warnings.push(`${r.name} is on ${r.dataset} (corpus ${r.corpusKey}), ${base.name} on ${base.dataset} (corpus ${base.corpusKey}): per-query figures compare different collections.`);
    if (r.split !== base.split) warnings.push(`${r.name} is on the ${r.split} split, ${base.name} on ${base.split}: only their common queries are compared.`);
  }
  const names = runs.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) warnings.push(`The run "${dup}" appears more than once.`);
  const pairs = others.map((r) => comparePair(base, r, top, warnings));
  return {
    runs: runs.map((r) => ({ name: r.name, label: r.config.label, dataset: r.dataset, split: r.split, commit: r.commit, createdAt: r.createdAt, config: r.config, aggregates: r.aggregates })),
    pairs,
    warnings,
  };
}

function comparePair(base: RunFile, other: RunFile, top: number, warnings: string[]): PairComparison {
  const theirs = new Map<string, QueryDiagnostics>(other.perQuery.map((q) => [q.qid, q]));
  const deltas: QueryDelta[] = [];
  for (const b of base.perQuery) {
    const o = theirs.get(b.qid);
    if (!o) continue;
    deltas.push({ qid: b.qid, query: b.query, base: b.ndcg10, other: o.ndcg10, delta: o.ndcg10 - b.ndcg10, baseRank: b.firstRelevantRank, otherRank: o.firstRelevantRank });
  }
  const missing = base.perQuery.length - deltas.length;
  if (missing > 0) warnings.push(`${missing} of ${base.name}'s queries are missing from ${other.name}; they are left out of its comparison.`);
  const extra = other.perQuery.length - deltas.length;
  if (extra > 0) warnings.push(`${extra} of ${other.name}'s queries are not in ${base.name}; they are left out of its comparison.`);
  deltas.sort((a, b) => b.delta - a.delta || a.qid.localeCompare(b.qid));
  const wins = deltas.filter((d) => d.delta > TIE_EPSILON).length;
  const losses = deltas.filter((d) => d.delta < -TIE_EPSILON).length;
  const n = deltas.length;
  return {
    base: base.name,
    other: other.name,
    queries: n,
    meanDelta: n ? deltas.reduce((a, d) => a + d.delta, 0) / n : 0,
    wins,
    losses,
    ties: n - wins - losses,
    signP: signTestP(wins, losses),
    randomisationP: randomisationTestP(deltas.map((d) => d.delta)),
    deltas,
    gains: deltas.filter((d) => d.delta > TIE_EPSILON).slice(0, top),
    drops: deltas.filter((d) => d.delta < -TIE_EPSILON).reverse().slice(0, top),
  };
}
