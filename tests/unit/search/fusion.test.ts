import { describe, expect, it } from 'vitest';
import { defaultFusion, fuse, minmax, rrf } from '../../../main/search/fusion';

const text = [{ id: 'a', score: 10 }, { id: 'b', score: 5 }, { id: 'c', score: 1 }];
const vector = [{ id: 'c', score: 0.9 }, { id: 'd', score: 0.8 }, { id: 'a', score: 0.1 }];

describe('fusion', () => {
  it('rrf sums weighted reciprocal ranks and records the retrievers', () => {
    const out = rrf([{ retriever: 'text', weight: 1, items: text }, { retriever: 'vector', weight: 1, items: vector }], 60);
    const a = out.find((f) => f.id === 'a')!;
    expect(a.score).toBeCloseTo(1 / 61 + 1 / 63, 10);
    expect(a.retrievers).toEqual(['text', 'vector']);
    expect(out.find((f) => f.id === 'd')!.retrievers).toEqual(['vector']);
  });

  it('min-max keeps score gaps: a dominant BM25 hit stays first at low dense weight', () => {
    const out = minmax([{ retriever: 'text', weight: 0.8, items: text }, { retriever: 'vector', weight: 0.2, items: vector }]);
    expect(out[0].id).toBe('a');
    expect(out[0].score).toBeCloseTo(0.8 * 1 + 0.2 * 0, 10);
  });

  it('dense weight 0 reproduces the lexical order', () => {
    const out = fuse({ method: 'minmax', denseWeight: 0, rrfK: 60 }, text, vector);
    expect(out.filter((f) => f.retrievers.includes('text')).map((f) => f.id)).toEqual(['a', 'b', 'c']);
  });

  it('gives the weak default embedder little weight and the hash embedder none', () => {
    expect(defaultFusion('use-512').denseWeight).toBeLessThanOrEqual(0.3);
    expect(defaultFusion('hash-256').denseWeight).toBe(0);
  });
});
