import { describe, expect, it } from 'vitest';
import { applyTuning, tuningFor, VECTOR_INDEX_MIN_ROWS, vectorIndexPlan } from '../../../main/store/vector-index';

describe('vectorIndexPlan', () => {
  it('builds no index below the threshold: an exact scan is fast and always right', () => {
    expect(vectorIndexPlan(VECTOR_INDEX_MIN_ROWS - 1, 512)).toBeUndefined();
    expect(vectorIndexPlan(10, 512, 100)).toBeUndefined();
  });

  it('plans an index at and past the threshold, with query settings for it', () => {
    const plan = vectorIndexPlan(VECTOR_INDEX_MIN_ROWS, 512);
    expect(plan).toBeDefined();
    expect(plan!.label).toMatch(/partitions|p=/);
    expect(Object.keys(plan!.tuning).length).toBeGreaterThan(0);
    expect(vectorIndexPlan(600, 64, 500)).toBeDefined();
  });

  it('scales the partition count with the table', () => {
    const small = vectorIndexPlan(100_000, 512)!.label;
    const large = vectorIndexPlan(1_000_000, 512)!.label;
    expect(small).not.toBe(large);
  });
});

describe('tuningFor / applyTuning', () => {
  it('gives settings for the index types LanceDB reports, and a fallback for unknown ones', () => {
    expect(tuningFor('IVF_PQ')).toEqual(tuningFor('IvfPq'));
    expect(tuningFor('IvfHnswSq').ef).toBeGreaterThanOrEqual(50); // ef must cover the searcher's 50 candidates
    expect(Object.keys(tuningFor('SOMETHING_NEW')).length).toBeGreaterThan(0);
    expect(Object.keys(tuningFor(undefined)).length).toBeGreaterThan(0);
  });

  it('searches HNSW graphs deeper as the index spans more of them (one per 250k rows)', () => {
    expect(tuningFor('IvfHnswSq', 0).ef).toBe(200);
    expect(tuningFor('IvfHnswSq', 100_000).ef).toBe(200);
    expect(tuningFor('IvfHnswSq', 1_000_000).ef).toBe(800);
    expect(tuningFor('IvfHnswSq', 4_000_000).ef).toBe(1600);
    expect(tuningFor('IvfHnswSq', 20_000_000).ef).toBe(1600);
    // Indexes without a graph keep their settings whatever their size.
    expect(tuningFor('IvfPq', 1_000_000)).toEqual(tuningFor('IvfPq'));
  });

  it('applies only the settings given', () => {
    const calls: string[] = [];
    const q = {
      nprobes: (n: number) => (calls.push(`nprobes ${n}`), q),
      ef: (n: number) => (calls.push(`ef ${n}`), q),
      refineFactor: (n: number) => (calls.push(`rf ${n}`), q),
    };
    // A recording stand-in: the real VectorQuery needs a table (the integration test uses one).
    applyTuning(q as unknown as Parameters<typeof applyTuning>[0], { nprobes: 30, refineFactor: 5 }, 10);
    expect(calls).toEqual(['nprobes 30', 'rf 5']);
  });

  it('raises ef to the rows HNSW must return (LanceDB refuses ef < limit x refine factor)', () => {
    const efs: number[] = [];
    const q = { nprobes: () => q, refineFactor: () => q, ef: (n: number) => (efs.push(n), q) };
    const apply = (t: Parameters<typeof applyTuning>[1], limit: number) => applyTuning(q as unknown as Parameters<typeof applyTuning>[0], t, limit);
    apply({ ef: 200 }, 50);
    apply({ ef: 200 }, 1000); // k = 200 asks the searcher for 1,000 candidates
    apply({ ef: 100, refineFactor: 4 }, 50);
    expect(efs).toEqual([200, 1000, 200]);
  });
});
