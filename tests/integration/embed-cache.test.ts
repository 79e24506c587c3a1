import { readdirSync, statSync } from 'node:fs';
import { appendFile, open, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CachedEmbedder, cacheKey, EmbeddingCache } from '../../main/embed/cache';
import { HashEmbedder } from '../../main/embed/hash';
import type { Embedder, EmbedOptions } from '../../main/embed/types';
import { tempDir } from '../helpers/shared';

/** A real embedder that records what it was asked to embed. */
class Counting implements Embedder {
  readonly inner = new HashEmbedder(64);
  readonly info = this.inner.info;
  readonly calls: string[][] = [];
  closed = false;
  async embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    this.calls.push(texts);
    const out = await this.inner.embed(texts, opts);
    // Queries differ from passages here, as they do for e5 and bge.
    return opts?.kind === 'query' ? out.map((v) => v.map((x) => -x)) : out;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const DIM = 64;
const RECORD = 32 + DIM * 4 + 4;
const cacheFile = () => path.join(dir, readdirSync(dir).find((f) => f.endsWith('.qec')) as string);

describe('CachedEmbedder', () => {
  it('embeds each new text once and serves repeats from the cache, across restarts', async () => {
    const inner = new Counting();
    const e = new CachedEmbedder(inner, dir);
    const first = await e.embed(['a', 'b', 'a']);
    expect(inner.calls).toEqual([['a', 'b']]); // repeated text embedded once
    expect(e.stats()).toEqual({ hits: 0, misses: 3, entries: 2 });
    const again = await e.embed(['b', 'c', 'a']);
    expect(inner.calls[1]).toEqual(['c']);
    expect(Array.from(again[2])).toEqual(Array.from(first[0]));
    expect(e.stats()).toMatchObject({ hits: 2, misses: 4, entries: 3 });
    await e.close();
    expect(inner.closed).toBe(true);

    const inner2 = new Counting();
    const reopened = new CachedEmbedder(inner2, dir);
    const v = await reopened.embed(['a', 'b', 'c']);
    expect(inner2.calls).toEqual([]);
    expect(Array.from(v[0])).toEqual(Array.from(first[0]));
    expect(reopened.stats()).toEqual({ hits: 3, misses: 0, entries: 3 });
    await reopened.close();
  });

  it('keeps query and passage embeddings of the same text apart', async () => {
    const inner = new Counting();
    const e = new CachedEmbedder(inner, dir);
    const [p] = await e.embed(['same text']);
    const [q] = await e.embed(['same text'], { kind: 'query' });
    expect(inner.calls).toHaveLength(2);
    expect(q[0]).toBeCloseTo(-p[0], 6);
    expect(cacheKey('same text', 'query').equals(cacheKey('same text'))).toBe(false);
    await e.close();
  });

  it('ignores a torn last record left by a crash mid-write', async () => {
    const e = new CachedEmbedder(new Counting(), dir);
    await e.embed(['one', 'two']);
    await e.close();
    const file = cacheFile();
    const good = statSync(file).size;
    await appendFile(file, Buffer.alloc(RECORD - 10, 7)); // half a record

    const inner = new Counting();
    const reopened = new CachedEmbedder(inner, dir);
    await reopened.embed(['one', 'two', 'three']);
    expect(inner.calls).toEqual([['three']]);
    await reopened.close();
    // The torn tail was cut, so the new record starts on a boundary.
    expect(statSync(file).size).toBe(good + RECORD);
    const check = new CachedEmbedder(new Counting(), dir);
    await check.embed(['three']);
    expect(check.stats().hits).toBe(1);
    await check.close();
  });

  it('drops everything from a corrupt record on, and re-embeds it', async () => {
    const e = new CachedEmbedder(new Counting(), dir);
    await e.embed(['r1', 'r2', 'r3']);
    await e.close();
    const file = cacheFile();
    const fh = await open(file, 'r+');
    await fh.write(Buffer.from([0xde, 0xad]), 0, 2, 32 + RECORD + 40); // inside record 2's vector
    await fh.close();

    const inner = new Counting();
    const reopened = new CachedEmbedder(inner, dir);
    await reopened.embed(['r1', 'r2', 'r3']);
    expect(inner.calls).toEqual([['r2', 'r3']]);
    await reopened.close();
  });

  it('treats a file of another dimension or format as empty', async () => {
    const a = await EmbeddingCache.open(dir, 'model', 8);
    await a.putMany([[cacheKey('x'), new Float32Array(8).fill(1)]]);
    expect(a.size).toBe(1);
    await a.close();
    await truncate(a.file, 5); // not even a header
    const b = await EmbeddingCache.open(dir, 'model', 8);
    expect(b.size).toBe(0);
    expect(await b.getMany([cacheKey('x')])).toEqual([undefined]);
    await b.close();
  });

  it('returns a miss, not a wrong vector, when a record changes under it', async () => {
    const c = await EmbeddingCache.open(dir, 'model', 4);
    await c.putMany([[cacheKey('x'), new Float32Array([1, 2, 3, 4])]]);
    const fh = await open(c.file, 'r+');
    await fh.write(Buffer.from([1]), 0, 1, 32 + 33);
    await fh.close();
    expect(await c.getMany([cacheKey('x')])).toEqual([undefined]);
    await c.close();
  });
});
