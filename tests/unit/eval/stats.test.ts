import { describe, expect, it } from 'vitest';
import { randomisationTestP, signTestP } from '../../../main/eval/stats';

describe('paired significance tests', () => {
  it('sign test: exact two-sided binomial tails', () => {
    // P(X ≤ 2 | n=10, p=½) = (1 + 10 + 45) / 1024; two-sided doubles it.
    expect(signTestP(8, 2)).toBeCloseTo((2 * 56) / 1024, 12);
    expect(signTestP(2, 8)).toBeCloseTo(signTestP(8, 2), 12);
    expect(signTestP(10, 0)).toBeCloseTo(2 / 1024, 12);
    expect(signTestP(5, 5)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
  });

  it('sign test stays finite and tiny for hundreds of queries', () => {
    const p = signTestP(250, 50);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-20);
  });

  it('randomisation test: consistent gains are significant, symmetric noise is not', () => {
    const gains = Array.from({ length: 30 }, (_, i) => 0.05 + (i % 5) * 0.01);
    expect(randomisationTestP(gains)).toBeLessThan(0.001);
    const noise = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 0.1 : -0.1));
    expect(randomisationTestP(noise)).toBe(1);
    expect(randomisationTestP([])).toBe(1);
  });

  it('randomisation test is reproducible (fixed seed) and matches the exact answer on a small case', () => {
    const d = [0.3, 0.2, 0.1, -0.05];
    expect(randomisationTestP(d)).toBe(randomisationTestP(d));
    // Exact: of the 16 sign patterns, |sum| ≥ 0.55 for ±(0.3+0.2+0.1−0.05) and ±(0.3+0.2+0.1+0.05): 4/16.
    expect(randomisationTestP(d, 20_000)).toBeCloseTo(0.25, 1);
  });
});
