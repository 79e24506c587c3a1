import { describe, expect, it } from 'vitest';
import { Baseline, baselineFromRun, checkGate, configChanges } from '../../../main/eval/gate';
import { q, run } from '../../helpers/eval-runs';

/** A run whose nDCG@10 is exactly `ndcg` (one query per 0.1, all equal). */
function runAt(ndcg: number, over: Parameters<typeof run>[2] = {}) {
  const r = run('r', [q('1', ndcg), q('2', ndcg)], over);
  return { ...r, aggregates: { ...r.aggregates, 'ndcg@10': ndcg } };
}

describe('the nDCG@10 gate', () => {
  const baseline = baselineFromRun(runAt(0.7), { note: 'test' });

  it('builds a valid baseline from a run, with the default tolerance', () => {
    expect(Baseline.parse(JSON.parse(JSON.stringify(baseline)))).toEqual(baseline);
    expect(baseline).toMatchObject({ dataset: 'tiny', split: 'test', corpusKey: 'abc123', 'ndcg@10': 0.7, tolerance: 0.01, note: 'test', commit: '0123456789abcdef' });
  });

  it('passes at and above baseline − 0.01 and fails below it', () => {
    expect(checkGate(baseline, runAt(0.71)).pass).toBe(true);
    expect(checkGate(baseline, runAt(0.7)).pass).toBe(true);
    const edge = checkGate(baseline, runAt(0.69));
    expect(edge.pass).toBe(true); // 0.7 − 0.01 is 0.69 on the 4-decimal grid, not 0.68999…
    expect(edge.threshold).toBe(0.69);
    const fail = checkGate(baseline, runAt(0.6899));
    expect(fail.pass).toBe(false);
    expect(fail.delta).toBe(-0.0101);
    expect(fail.message).toMatch(/FAIL: nDCG@10 0\.6899 is below baseline 0\.7000/);
    expect(checkGate(baseline, runAt(0.72)).message).toMatch(/PASS: nDCG@10 0\.7200 vs baseline 0\.7000 \(\+0\.0200/);
  });

  it('honours the baseline\'s own tolerance', () => {
    const strict = { ...baseline, tolerance: 0.001 };
    expect(checkGate(strict, runAt(0.698)).pass).toBe(false);
    expect(checkGate(strict, runAt(0.699)).pass).toBe(true);
  });

  it('reports configuration changes since the baseline', () => {
    const r = runAt(0.7);
    const changed = { ...r, config: { ...r.config, fusion: { method: 'rrf' as const, denseWeight: 0.3, rrfK: 60, source: 'calibrated' }, search: { candidates: 200, softBoost: 0.2 } } };
    expect(checkGate(baseline, changed).configChanges).toEqual(['fusion.denseWeight: 0.2 → 0.3', 'fusion.method: "minmax" → "rrf"', 'search.softBoost: (unset) → 0.2']);
    expect(configChanges(baseline.config, baseline.config)).toEqual([]);
    expect(configChanges(baseline.config, { ...baseline.config, query: { diversity: { lambda: 0.7, pageCap: 2 } } })).toEqual(['query.diversity: (unset) → {"lambda":0.7,"pageCap":2}']);
  });

  it('refuses to judge a run on another dataset, split or corpus', () => {
    expect(() => checkGate(baseline, runAt(0.9, { split: 'train' }))).toThrow(/baseline on tiny\/test/);
    expect(() => checkGate(baseline, runAt(0.9, { corpusKey: 'other' }))).toThrow(/corpus other/);
  });
});
