import { describe, expect, it } from 'vitest';
import { HashEmbedder, hashVector } from '../../../main/embed/hash';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

describe('HashEmbedder', () => {
  it('is deterministic, unit length and of the configured dimension', async () => {
    const e = new HashEmbedder(128);
    const [a, b] = await e.embed(['Hybrid search in LanceDB', 'Hybrid search in LanceDB']);
    expect(e.info).toEqual({ id: 'hash-128', dimension: 128, kind: 'hash' });
    expect(a).toHaveLength(128);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(dot(a, a)).toBeCloseTo(1, 5);
  });

  it('defaults to 256 dimensions with id hash-256', () => {
    expect(new HashEmbedder().info.id).toBe('hash-256');
  });

  it('places texts sharing words closer than unrelated ones', () => {
    const q = hashVector('protein folding in cells', 256);
    const near = hashVector('cells and protein folding', 256);
    const far = hashVector('the stock market closed higher', 256);
    expect(dot(q, near)).toBeGreaterThan(dot(q, far) + 0.3);
  });

  it('gives empty and symbol-only text a valid (non-zero) vector', async () => {
    const [a, b] = await new HashEmbedder().embed(['', '?!…']);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(b, b)).toBeCloseTo(1, 5);
  });

  it('rejects a nonsensical dimension', () => {
    expect(() => new HashEmbedder(1)).toThrow(/at least 2/);
  });

  it('honours an aborted signal', async () => {
    await expect(new HashEmbedder().embed(['x'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
