import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbedBatcher } from '../../../main/embed/batcher';
import { CachedEmbedder } from '../../../main/embed/cache';
import { HashEmbedder, hashVector } from '../../../main/embed/hash';
import type { Embedder, EmbedOptions } from '../../../main/embed/types';
import { QuarryError } from '../../../main/util/errors';
import { tempDir } from '../../helpers/shared';

const DIM = 16;

/**
 * The real hash embedder behind a gate the test opens call by call, so that the order of
 * arrivals, the queue's bound and cancellations can be observed at fixed points.
 */
class Gated implements Embedder {
  readonly inner = new HashEmbedder(DIM);
  readonly info = this.inner.info;
  readonly calls: string[][] = [];
  private waiting: { texts: string[]; resolve(v: Float32Array[]): void; reject(e: unknown): void }[] = [];
  open = false;
  /** Calls whose texts include this string fail. */
  poison?: string;

  async embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    this.calls.push(texts);
    if (this.poison && texts.some((t) => t.includes(this.poison!))) throw new QuarryError('EMBEDDING_INVALID', 'poisoned text');
    if (this.open) return this.inner.embed(texts, opts);
    return new Promise((resolve, reject) => this.waiting.push({ texts, resolve, reject }));
  }

  /** Completes the oldest waiting call. */
  async releaseOne(): Promise<void> {
    const w = this.waiting.shift();
    if (!w) throw new Error('no call is waiting');
    w.resolve(await this.inner.embed(w.texts));
    await settle();
  }

  async releaseAll(): Promise<void> {
    this.open = true;
    while (this.waiting.length) await this.releaseOne();
  }

  get pending(): number {
    return this.waiting.length;
  }

  async close(): Promise<void> {}
}

/** Lets promise callbacks and the batcher's pump run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const texts = (file: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${file} passage ${i} about pumps and seals`);
const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-6);

describe('EmbedBatcher', () => {
  it('fills calls with texts from several files and returns each file its vectors in order', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 8, maxInFlight: 1 });
    const files = ['a', 'b', 'c', 'd'].map((f, i) => ({ f, t: texts(f, 3 + i) }));
    const results = files.map(({ t }) => b.embed(t));
    await settle();
    // The first file found the embedder idle and went at once; the rest waited for a full call.
    expect(e.calls[0]).toEqual(files[0].t);
    await e.releaseAll();
    const out = await Promise.all(results);
    expect(e.calls.slice(1).some((c) => new Set(c.map((t) => t.split(' ')[0])).size > 1)).toBe(true);
    expect(e.calls.slice(1).every((c) => c.length <= 8)).toBe(true);
    out.forEach((r, i) => {
      expect(r.vectors).toHaveLength(files[i].t.length);
      r.vectors.forEach((v, j) => expect(same(v, hashVector(files[i].t[j], DIM))).toBe(true));
    });
    expect(b.stats()).toMatchObject({ texts: 3 + 4 + 5 + 6, cacheHits: 0, sent: 18 });
  });

  it('gives a free slot what is queued at once instead of waiting for a full call', async () => {
    const e = new Gated();
    e.open = true;
    const b = new EmbedBatcher(async () => e, { batchSize: 64, maxInFlight: 2 });
    const r = await b.embed(texts('x', 5));
    expect(r.vectors).toHaveLength(5);
    expect(e.calls).toEqual([texts('x', 5)]);
  });

  it("follows the embedder's batching preference: calls of its size, as many at once as it has workers", async () => {
    const e = Object.assign(new Gated(), { batching: { size: 3, concurrent: 2 } });
    const b = new EmbedBatcher(async () => e, { batchSize: 64, maxInFlight: 8 });
    const all = ['a', 'b', 'c'].map((f) => b.embed(texts(f, 4)));
    await settle();
    expect(e.pending).toBe(2);
    let most = 0;
    while (e.pending) {
      most = Math.max(most, e.pending);
      await e.releaseOne();
    }
    await Promise.all(all);
    expect(most).toBe(2);
    expect(e.calls.every((c) => c.length <= 3)).toBe(true);
    expect(e.calls.flat().sort()).toEqual(['a', 'b', 'c'].flatMap((f) => texts(f, 4)).sort());
  });

  it('groups texts of similar length into a call (models pad to the longest)', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 2, maxInFlight: 1 });
    const first = b.embed(['warm-up']);
    await settle();
    const mixed = b.embed(['short one', 'x'.repeat(500), 'short two', 'y'.repeat(480)]);
    await settle();
    await e.releaseAll();
    await Promise.all([first, mixed]);
    expect(e.calls.slice(1)).toEqual([
      ['short one', 'short two'],
      ['x'.repeat(500), 'y'.repeat(480)],
    ]);
  });

  it('never queues more than its bound: a big file is admitted as space frees up', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 4, maxInFlight: 1, maxQueued: 10 });
    const big = texts('big', 50);
    const done = b.embed(big);
    await settle();
    let maxQueued = 0;
    for (let i = 0; i < 100 && e.pending + b.queued > 0; i++) {
      await settle();
      maxQueued = Math.max(maxQueued, b.queued);
      expect(b.queued).toBeLessThanOrEqual(10);
      if (e.pending) await e.releaseOne();
    }
    const r = await done;
    expect(maxQueued).toBe(10);
    expect(r.vectors.every((v, j) => same(v, hashVector(big[j], DIM)))).toBe(true);
    expect(e.calls.every((c) => c.length <= 4)).toBe(true);
    expect(e.calls.flat()).toEqual(big);
  });

  it('fails only the file whose texts fail: a mixed batch is retried file by file', async () => {
    const e = new Gated();
    e.open = true;
    e.poison = 'POISON';
    const b = new EmbedBatcher(async () => e, { batchSize: 16, maxInFlight: 1 });
    // Hold the embedder busy so that the three files meet in one batch.
    e.open = false;
    const first = b.embed(texts('first', 2));
    await settle();
    const good1 = b.embed(texts('g1', 3));
    const bad = b.embed([...texts('bad', 2), 'a POISON text']);
    const good2 = b.embed(texts('g2', 3));
    const badFails = expect(bad).rejects.toMatchObject({ code: 'EMBEDDING_INVALID' });
    await e.releaseAll();
    await badFails;
    expect((await good1).vectors).toHaveLength(3);
    expect((await good2).vectors).toHaveLength(3);
    expect((await first).vectors).toHaveLength(2);
    // The mixed call failed once; then each file's texts went on their own.
    const mixed = e.calls.find((c) => c.includes('a POISON text') && c.some((t) => t.startsWith('g1')));
    expect(mixed).toBeDefined();
    expect(e.calls.filter((c) => c.includes('a POISON text')).at(-1)?.every((t) => t.startsWith('bad') || t === 'a POISON text')).toBe(true);
  });

  it('cancels one file: its queued texts are dropped, the others finish', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 4, maxInFlight: 1, maxQueued: 6 });
    const keep = b.embed(texts('keep', 3));
    await settle();
    const abort = new AbortController();
    const doomed = b.embed(texts('doomed', 20), { signal: abort.signal });
    await settle();
    expect(b.queued).toBe(6); // admitted up to the bound, the rest waiting for space
    const doomedFails = expect(doomed).rejects.toMatchObject({ code: 'CANCELLED' });
    abort.abort();
    await doomedFails;
    await expect(doomed).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(b.queued).toBe(0);
    const after = b.embed(texts('after', 2));
    await e.releaseAll();
    expect((await keep).vectors).toHaveLength(3);
    expect((await after).vectors).toHaveLength(2);
    expect(e.calls.flat().filter((t) => t.startsWith('doomed'))).toEqual([]);
    // An already-aborted signal fails at once.
    await expect(b.embed(['x'], { signal: abort.signal })).rejects.toBeInstanceOf(Error);
  });

  it('reports progress per file as its texts come back', async () => {
    const e = new Gated();
    e.open = true;
    const b = new EmbedBatcher(async () => e, { batchSize: 2, maxInFlight: 1 });
    const seen: number[] = [];
    await b.embed(texts('p', 5), { onProgress: (done, total) => (expect(total).toBe(5), seen.push(done)) });
    expect(seen).toEqual([2, 4, 5]);
  });
});

describe('EmbedBatcher position and throughput (per-file progress)', () => {
  it('tells a file how many other texts are ahead of it, and the count falls as calls come back', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 4, maxInFlight: 1 });
    const big = b.embed(texts('big', 12), { key: 'big' });
    await settle();
    const small = b.embed(texts('small', 1), { key: 'small' });
    await settle();
    // 4 of big's texts are in flight and 8 queued before small's one text.
    expect(b.position('small')).toEqual({ ahead: 12, remaining: 1 });
    expect(b.position('big')).toEqual({ ahead: 0, remaining: 12 });
    await e.releaseOne();
    const after = b.position('small')!.ahead;
    expect(after).toBeLessThan(12);
    await e.releaseAll();
    await Promise.all([big, small]);
    // Finished calls are forgotten.
    expect(b.position('small')).toBeUndefined();
    expect(b.position('nobody')).toBeUndefined();
  });

  it('counts, for a file still waiting for queue space, what goes before its last text', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 2, maxInFlight: 1, maxQueued: 4 });
    const big = b.embed(texts('big', 10), { key: 'big' });
    await settle();
    const small = b.embed(texts('small', 3), { key: 'small' });
    await settle();
    // 2 of big's in flight, 4 queued, 4 waiting for space; small's 3 wait too, and the two take
    // turns for the places that free up: about 3 more of big's go in before small's last.
    expect(b.position('small')).toEqual({ ahead: 2 + 4 + 3, remaining: 3 });
    // And small's 3 go in before big's last.
    expect(b.position('big')).toEqual({ ahead: 3, remaining: 10 });
    const seen = [b.position('small')!.ahead];
    while (b.position('small')?.ahead) {
      await e.releaseOne();
      seen.push(b.position('small')?.ahead ?? 0);
    }
    expect(seen.every((n, i) => i === 0 || n <= seen[i - 1]!)).toBe(true);
    await e.releaseAll();
    await Promise.all([big, small]);
  });

  it('lets waiting files take turns: a short file behind a long one is done long before it', async () => {
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 4, maxInFlight: 1, maxQueued: 8 });
    const order: string[] = [];
    const long = b.embed(texts('long', 200)).then(() => order.push('long'));
    await settle();
    const short = b.embed(texts('short', 3)).then(() => order.push('short'));
    await settle();
    // Release calls one at a time until the short file is done: a few calls, not the ~50 the
    // long file's texts ahead of it would take first come, first served.
    let calls = 0;
    while (!order.includes('short') && calls < 60) {
      await e.releaseOne();
      await settle();
      calls++;
    }
    expect(order).toEqual(['short']);
    expect(calls).toBeLessThanOrEqual(5);
    // Every call still carries a full batch, and the long file gets every vector right.
    expect(e.calls.every((c) => c.length === 4)).toBe(true);
    await e.releaseAll();
    await Promise.all([long, short]);
    expect(order).toEqual(['short', 'long']);
  });

  it('measures texts per second of busy time, and gives no rate before it has measured one', async () => {
    let t = 0;
    const e = new Gated();
    const b = new EmbedBatcher(async () => e, { batchSize: 4, maxInFlight: 1, clock: () => t });
    expect(b.rate()).toBeUndefined();
    const run = b.embed(texts('a', 8), { key: 'a' });
    await settle();
    expect(b.rate()).toBeUndefined();
    t += 2000; // the first call of 4 texts takes 2 s
    await e.releaseOne();
    expect(b.rate()).toBeCloseTo(2);
    t += 1000; // the second takes 1 s: 8 texts in 3 s of busy time
    await e.releaseOne();
    await run;
    expect(b.rate()).toBeCloseTo(8 / 3);
    // Idle time between ingests does not dilute it.
    t += 60_000;
    expect(b.rate()).toBeCloseTo(8 / 3);
  });
});

describe('EmbedBatcher with the embedding cache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('answers cached texts without the model and counts them per call', async () => {
    const inner = new Gated();
    inner.open = true;
    const cached = new CachedEmbedder(inner, dir);
    const b = new EmbedBatcher(async () => cached, { batchSize: 8 });
    const t = texts('doc', 10);
    const first = await b.embed(t);
    expect(first.cacheHits).toBe(0);
    const calls = inner.calls.length;
    // The same file read again (touched, re-indexed, or the library rebuilt from it).
    const again = await b.embed(t);
    expect(again.cacheHits).toBe(10);
    expect(inner.calls.length).toBe(calls);
    again.vectors.forEach((v, j) => expect(same(v, first.vectors[j])).toBe(true));
    // Half new text: only the new half reaches the model.
    const mixed = await b.embed([...t.slice(0, 5), ...texts('new', 5)]);
    expect(mixed.cacheHits).toBe(5);
    expect(inner.calls.slice(calls).flat()).toEqual(texts('new', 5));
    expect(b.stats()).toMatchObject({ texts: 30, cacheHits: 15 });
    expect(cached.stats()).toMatchObject({ hits: 15, misses: 15 });
    await cached.close();
  });
});
