/**
 * Paired significance tests for per-query metric differences between two runs on the same
 * queries. Both are two-sided; both are what IR evaluation commonly reports (Smucker, Allan and
 * Carterette, "A comparison of statistical significance tests for information retrieval
 * evaluation", CIKM 2007: the randomisation test is preferred, the sign test is the crudest).
 */

import { seededRandom } from '../util/random';

/** ln(n!) by summing logs; exact enough for n up to a few thousand queries. */
function logFactorials(n: number): Float64Array {
  const f = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) f[i] = f[i - 1] + Math.log(i);
  return f;
}

/**
 * Two-sided exact sign test: the probability, if wins and losses were equally likely, of a split
 * at least as lopsided as `wins` vs `losses` (ties are dropped, as the test prescribes).
 *
 * @example
 * signTestP(8, 2); // ≈ 0.109
 */
export function signTestP(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const k = Math.min(wins, losses);
  const lf = logFactorials(n);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(lf[n] - lf[i] - lf[n - i] - n * Math.LN2);
  return Math.min(1, 2 * tail);
}


/**
 * Two-sided paired randomisation (permutation) test of the mean difference: under the null
 * hypothesis each query's two scores are exchangeable, so each difference's sign is flipped at
 * random; p is the share of `trials` resamples whose |mean| reaches the observed one (with the
 * usual +1 correction, so p is never 0).
 *
 * @example
 * randomisationTestP([0.1, 0.2, 0.05, 0.3]); // small: every difference is positive
 */
export function randomisationTestP(deltas: readonly number[], trials = 10_000, seed = 42): number {
  const n = deltas.length;
  if (n === 0) return 1;
  const observed = Math.abs(deltas.reduce((a, d) => a + d, 0));
  if (observed === 0) return 1;
  const rand = seededRandom(seed);
  // Compare sums, not means (same n); a hair of slack keeps float noise from deciding ties.
  const bar = observed - 1e-12;
  let atLeast = 0;
  for (let t = 0; t < trials; t++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rand() < 0.5 ? -deltas[i] : deltas[i];
    if (Math.abs(s) >= bar) atLeast++;
  }
  return (atLeast + 1) / (trials + 1);
}
