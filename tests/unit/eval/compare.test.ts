import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../main/eval/compare';
import { q, run } from '../../helpers/eval-runs';

describe('compareRuns', () => {
  const base = run('base', [q('1', 0.5, 2), q('2', 1, 1), q('3', 0, null), q('4', 0.3, 4), q('5', 0.7, 1)]);
  const other = run('other', [q('1', 1, 1), q('2', 0.2, 6), q('3', 0, null), q('4', 0.6, 2), q('5', 0.7, 1)]);

  it('counts wins, losses and ties per query against the first run', () => {
    const c = compareRuns([base, other]);
    expect(c.pairs).toHaveLength(1);
    const p = c.pairs[0];
    expect([p.wins, p.losses, p.ties]).toEqual([2, 1, 2]);
    expect(p.queries).toBe(5);
    expect(p.meanDelta).toBeCloseTo((0.5 - 0.8 + 0.3) / 5, 12);
    expect(p.signP).toBeCloseTo(1, 12); // 2 vs 1 is no evidence at all
    expect(p.randomisationP).toBeGreaterThan(0.5);
    expect(c.warnings).toEqual([]);
  });

  it('lists the largest gains and losses with both first-relevant ranks', () => {
    const p = compareRuns([base, other]).pairs[0];
    expect(p.gains.map((d) => d.qid)).toEqual(['1', '4']);
    expect(p.gains[0]).toMatchObject({ base: 0.5, other: 1, baseRank: 2, otherRank: 1, query: 'query 1' });
    expect(p.drops.map((d) => d.qid)).toEqual(['2']);
    expect(p.drops[0]).toMatchObject({ baseRank: 1, otherRank: 6 });
    expect(p.deltas.map((d) => d.qid)).toEqual(['1', '4', '3', '5', '2']);
    expect(compareRuns([base, other], { top: 1 }).pairs[0].gains).toHaveLength(1);
  });

  it('compares every further run with the first and keeps aggregates per run', () => {
    const third = run('third', base.perQuery);
    const c = compareRuns([base, other, third]);
    expect(c.runs.map((r) => r.name)).toEqual(['base', 'other', 'third']);
    expect(c.pairs.map((p) => `${p.other} vs ${p.base}`)).toEqual(['other vs base', 'third vs base']);
    expect(c.pairs[1].ties).toBe(5);
    expect(c.runs[1].aggregates['ndcg@10']).toBeCloseTo(2.5 / 5, 12);
  });

  it('warns about different splits, corpora and missing queries, and compares the common ones', () => {
    const partial = run('partial', [q('1', 1, 1), q('2', 1, 1), q('9', 1, 1)], { split: 'train', corpusKey: 'zzz' });
    const c = compareRuns([base, partial]);
    expect(c.pairs[0].queries).toBe(2);
    expect(c.warnings.join('\n')).toMatch(/train split/);
    expect(c.warnings.join('\n')).toMatch(/corpus zzz/);
    expect(c.warnings.join('\n')).toMatch(/3 of base's queries are missing from partial/);
    expect(c.warnings.join('\n')).toMatch(/1 of partial's queries are not in base/);
  });

  it('needs two runs', () => {
    expect(() => compareRuns([base])).toThrow(/at least two runs/);
  });
});
