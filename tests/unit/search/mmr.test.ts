import { describe, expect, it } from 'vitest';
import { diversify, jaccard, monotoneRelevance, tokenSet, type MmrCandidate } from '../../../main/search/mmr';

/** A unit vector pointing mostly along axis `axis`, nudged by `jitter` along the last axis. */
function vec(axis: number, jitter = 0): Float32Array {
  const v = new Float32Array(8);
  v[axis] = 1;
  v[7] = jitter;
  return v;
}

// Five near-duplicate passages of page 3 lead the ranking; other pages follow closely, and a
// weaker tail fills the pool as it does in a real top-30.
const crowded: MmrCandidate[] = [
  ...[0, 1, 2, 3, 4].map((i) => ({ relevance: 0.8 - i * 0.01, vector: vec(0, i * 0.01), text: `the same page text ${i}`, page: 'doc#3' })),
  { relevance: 0.75, vector: vec(1), text: 'another page about pumps', page: 'doc#7' },
  { relevance: 0.74, vector: vec(2), text: 'a second document', page: 'other#1' },
  { relevance: 0.73, vector: vec(3), text: 'a third page', page: 'doc#12' },
  ...[0, 1, 2, 3].map((i) => ({ relevance: 0.3 - i * 0.05, vector: vec(4 + (i % 3)), text: `weak tail ${i}`, page: `tail#${i}` })),
];
const ALL = crowded.map((_, i) => i);

describe('diversify (MMR)', () => {
  it('stops five passages of one page from crowding the top 5', () => {
    const { order, similarity } = diversify(crowded, { lambda: 0.7, k: 5, pageCap: 0 });
    expect(similarity).toBe('vectors');
    const top = order.slice(0, 5).map((i) => crowded[i].page);
    expect(top[0]).toBe('doc#3'); // the best passage still leads
    expect(new Set(top).size).toBeGreaterThanOrEqual(4);
    expect(top.filter((p) => p === 'doc#3').length).toBeLessThanOrEqual(2);
  });

  it('keeps the original order at lambda = 1 without a page cap', () => {
    const { order } = diversify(crowded, { lambda: 1, k: crowded.length, pageCap: 0 });
    expect(order).toEqual(ALL);
  });

  it('the page cap alone limits one page to pageCap results in the top k', () => {
    const { order } = diversify(crowded, { lambda: 1, k: 5, pageCap: 2 });
    expect(order.slice(0, 5)).toEqual([0, 1, 5, 6, 7]);
    expect(order.slice(5)).toEqual([2, 3, 4, 8, 9, 10, 11]); // the rest in original order
  });

  it('gives way on the cap when only capped pages are left', () => {
    const samePage = crowded.slice(0, 4);
    const { order } = diversify(samePage, { lambda: 1, k: 4, pageCap: 1 });
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('returns every index once, and only reorders the first k', () => {
    const { order } = diversify(crowded, { lambda: 0.3, k: 3, pageCap: 1 });
    expect([...order].sort((a, b) => a - b)).toEqual(ALL);
    const rest = order.slice(3);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
  });

  it('falls back to token Jaccard when vectors are missing', () => {
    const noVectors = crowded.map(({ vector: _v, ...c }, i) => ({ ...c, text: i < 5 ? 'pump pressure check weekly valve' : `topic${i} subject${i}` }));
    const { order, similarity } = diversify(noVectors, { lambda: 0.5, k: 3, pageCap: 0 });
    expect(similarity).toBe('tokens');
    expect(order[0]).toBe(0);
    expect(order.slice(1, 3)).toEqual([5, 6]);
  });

  it('keeps a ranking that is not sorted by score (exact-match tiers) as its relevance order', () => {
    expect(monotoneRelevance([0.2, 0.9, 0.5, 0.1])).toEqual([expect.closeTo(0.125), expect.closeTo(0.125), expect.closeTo(0.125), 0]);
    const tiers: MmrCandidate[] = [
      { relevance: 0.2, vector: vec(0), text: 'a', page: 'a#1' },
      { relevance: 0.9, vector: vec(1), text: 'b', page: 'b#1' },
    ];
    expect(diversify(tiers, { lambda: 1, k: 2, pageCap: 0 }).order).toEqual([0, 1]);
  });
});

describe('token similarity', () => {
  it('computes Jaccard over lower-cased word sets', () => {
    expect(jaccard(tokenSet('Pump pressure, pump!'), tokenSet('pressure valve'))).toBeCloseTo(1 / 3, 10);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });
});
