import { QuarryError } from '../util/errors';
import { CachedEmbedder } from './cache';
import type { Embedder } from './types';

/** Options of {@link EmbedBatcher}. */
export interface EmbedBatcherOptions {
  /** Texts per call, for embedders that state no preference (see Embedder.batching). */
  batchSize: number;
  /** Calls outstanding at once, for embedders that state no preference. */
  maxInFlight?: number;
  /**
   * Texts admitted but not yet sent to the embedder. Past this, `embed()` waits (backpressure):
   * files that have been parsed ahead hold their text until the embedder catches up, instead of
   * piling up without bound. Default: 8 calls' worth.
   */
  maxQueued?: number;
  /** Milliseconds clock for the throughput measurement (tests). Default: performance.now. */
  clock?: () => number;
}

/** Where one file's texts stand in the shared queue (see {@link EmbedBatcher.position}). */
export interface EmbedPosition {
  /**
   * Texts of other files expected to go to the model before this file's last one: queued ahead
   * of it or in flight, and, while some of its texts still wait to be admitted, the texts of
   * files that began waiting for queue space before it (they are admitted first).
   */
  ahead: number;
  /** This file's texts not embedded yet. */
  remaining: number;
}

/** How far back the throughput measurement looks (ms of wall time). */
const RATE_WINDOW_MS = 30_000;
/** Busy time a throughput figure needs before it is given out (ms): one tiny call says little. */
const RATE_MIN_BUSY_MS = 250;

/** What one {@link EmbedBatcher.embed} call produced. */
export interface BatchedEmbedding {
  vectors: Float32Array[];
  /** Texts answered by the embedding cache without running the model. */
  cacheHits: number;
  /** The embedder that produced the vectors (its id goes with them into the store). */
  embedder: Embedder;
}

/** Totals since the batcher was created (for job stats and benchmarks). */
export interface BatcherStats {
  /** Texts asked for. */
  texts: number;
  /** Of those, answered by the cache. */
  cacheHits: number;
  /** Calls made to the embedder, and the texts they carried. */
  calls: number;
  sent: number;
  /** Time some call was in flight (ms): the embedder's busy time as the pipeline sees it. */
  busyMs: number;
}

interface Request {
  key?: string;
  embedder: Embedder;
  texts: string[];
  vectors: Float32Array[];
  remaining: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  done: number;
  /** Of its texts, how many are in calls in flight. */
  inFlight: number;
  /** Of its texts for the model, how many are not admitted to the queue yet. */
  unadmitted: number;
  /** Its texts for the model (indices into `texts`), admitted to the queue from `next` on. */
  missing: number[];
  next: number;
  failed: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

interface Item {
  request: Request;
  index: number;
  /** Set after a mixed batch failed: the item is retried only with its own file's texts. */
  isolated: boolean;
}

/**
 * The ingest pipeline's embedding stage: files hand in their chunk texts, the batcher answers
 * what the cache already holds and feeds the rest to the embedder in full batches mixed across
 * files, with a bounded queue in front (see {@link EmbedBatcherOptions}). Without it each file
 * embedded its own chunks: a file of three chunks made one call of three texts, one worker ran
 * it and the others idled, and a long document's slices went one after another.
 *
 * A file's failure stays its own: its cancellation drops only its queued texts, and when a
 * mixed batch fails, its texts are retried per file, so only the file whose texts fail again
 * gets the error.
 *
 * @example
 * const batcher = new EmbedBatcher(async () => embedder, { batchSize: 64 });
 * const { vectors, cacheHits } = await batcher.embed(chunks.map((c) => c.text), { signal });
 */
export class EmbedBatcher {
  private readonly opts: Required<Omit<EmbedBatcherOptions, 'clock'>>;
  private readonly clock: () => number;
  private queue: Item[] = [];
  private inFlight = 0;
  /** Texts in calls in flight, all files. */
  private inFlightTexts = 0;
  /** Requests by their caller's key, for {@link position}. */
  private readonly byKey = new Map<string, Request>();
  /**
   * Requests with texts still to admit, in turn order: a file that was just given a slice goes
   * to the back (see admit).
   */
  private readonly admitting = new Set<Request>();
  /** Throughput samples: wall time, cumulative busy ms and texts the model has returned. */
  private samples: { at: number; busy: number; done: number }[] = [];
  private embedded = 0;
  private busySince = 0;
  private totals: BatcherStats = { texts: 0, cacheHits: 0, calls: 0, sent: 0, busyMs: 0 };

  constructor(
    private readonly embedder: () => Promise<Embedder>,
    opts: EmbedBatcherOptions,
  ) {
    const batchSize = Math.max(1, Math.floor(opts.batchSize));
    this.opts = { batchSize, maxInFlight: Math.max(1, opts.maxInFlight ?? 2), maxQueued: Math.max(1, opts.maxQueued ?? batchSize * 8) };
    this.clock = opts.clock ?? (() => performance.now());
  }

  /**
   * Where the `embed()` call made with `key` stands: how many other files' texts are expected to
   * go to the model before its last one, and how many of its own are left. An estimate: calls
   * are filled by text length from a window of the queue, not strictly in order, and files that
   * reach the embedder later take their turns at admission too. Undefined when no call with that
   * key is waiting (not handed in yet, answered by the cache, or finished).
   */
  position(key: string): EmbedPosition | undefined {
    const r = this.byKey.get(key);
    if (!r || r.failed) return undefined;
    let ahead = this.inFlightTexts - r.inFlight;
    let own = 0;
    let othersBeforeLast = 0;
    let others = 0;
    for (const it of this.queue) {
      if (it.request === r) {
        own++;
        othersBeforeLast = others;
      } else others++;
    }
    if (r.unadmitted > 0) {
      // All that is queued goes first. Then the waiting files take turns, a call's worth each
      // (see admit): until this file's last text is in, each other one gets in about as many
      // of its own, or all it has left if that is fewer.
      ahead += others;
      for (const w of this.admitting) if (w !== r && !w.failed) ahead += Math.min(w.unadmitted, r.unadmitted);
    } else if (own > 0) ahead += othersBeforeLast;
    else ahead = 0; // everything left is in flight
    return { ahead, remaining: r.remaining };
  }

  /**
   * Texts per second the model returns while it is busy, over the last half minute (busy time,
   * so idle gaps between ingests do not dilute it). Undefined until it has been measured.
   */
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const busy = last.busy - first.busy;
    const done = last.done - first.done;
    if (busy < RATE_MIN_BUSY_MS || done <= 0) return undefined;
    return (done * 1000) / busy;
  }

  private busyNow(): number {
    return this.totals.busyMs + (this.inFlight > 0 ? this.clock() - this.busySince : 0);
  }

  private sample(): void {
    const at = this.clock();
    this.samples.push({ at, busy: this.busyNow(), done: this.embedded });
    // Keep the last window, and always two samples so a rate survives a pause.
    while (this.samples.length > 2 && this.samples[1].at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Texts waiting to be sent (for tests and progress). */
  get queued(): number {
    return this.queue.length;
  }

  /** Totals so far. */
  stats(): BatcherStats {
    const busy = this.inFlight > 0 ? this.clock() - this.busySince : 0;
    return { ...this.totals, busyMs: Math.round(this.totals.busyMs + busy) };
  }

  /**
   * Passage vectors for `texts`, in order. Resolves when every text is embedded; waits for queue
   * space as it goes (backpressure). `onProgress` gets the count done so far.
   * @throws QuarryError CANCELLED when `signal` aborts; the embedder's error for this file's texts.
   */
  async embed(texts: string[], opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; key?: string } = {}): Promise<BatchedEmbedding> {
    const { signal } = opts;
    signal?.throwIfAborted();
    const embedder = await this.embedder();
    const vectors = new Array<Float32Array>(texts.length);
    this.totals.texts += texts.length;
    let cacheHits = 0;
    const missing: number[] = [];
    if (embedder instanceof CachedEmbedder) {
      const found = await embedder.lookup(texts, 'passage');
      found.forEach((v, i) => (v ? (vectors[i] = v) : missing.push(i)));
      cacheHits = texts.length - missing.length;
      this.totals.cacheHits += cacheHits;
    } else for (let i = 0; i < texts.length; i++) missing.push(i);
    if (missing.length === 0) {
      opts.onProgress?.(texts.length, texts.length);
      return { vectors, cacheHits, embedder };
    }
    if (cacheHits > 0) opts.onProgress?.(cacheHits, texts.length);

    let request!: Request;
    const finished = new Promise<void>((resolve, reject) => {
      request = { key: opts.key, embedder, texts, vectors, remaining: missing.length, signal, onProgress: opts.onProgress, done: cacheHits, inFlight: 0, unadmitted: missing.length, missing, next: 0, failed: false, resolve, reject };
    });
    if (opts.key !== undefined) this.byKey.set(opts.key, request);
    finished.catch(() => {}); // observed below; a failure during admission must not go unhandled
    const onAbort = (): void => this.fail(request, new QuarryError('CANCELLED', 'Embedding was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.admitting.add(request);
    this.pump();
    try {
      await finished;
      return { vectors, cacheHits, embedder };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.admitting.delete(request);
      if (opts.key !== undefined && this.byKey.get(opts.key) === request) this.byKey.delete(opts.key);
    }
  }

  /**
   * Fills the bounded queue from the files waiting to be embedded, taking turns: each gets up to
   * a call's worth, then goes to the back of the line. First come, first served let one long
   * document take every freed place until all its texts were in: a reviewer's 1-page file waited
   * 186 s behind the 1,795 chunks of a 619-page PDF. Taking turns, a short file is in within a
   * round and done within a few calls; the model does the same work in the same calls.
   * (Called by pump, before every call it sends.)
   */
  private fill(): void {
    const slice = this.opts.batchSize;
    while (this.queue.length < this.opts.maxQueued && this.admitting.size > 0) {
      const r = this.admitting.values().next().value as Request;
      this.admitting.delete(r);
      if (r.failed) continue;
      const n = Math.min(slice, this.opts.maxQueued - this.queue.length, r.missing.length - r.next);
      for (let k = 0; k < n; k++) this.queue.push({ request: r, index: r.missing[r.next++], isolated: false });
      r.unadmitted = r.missing.length - r.next;
      if (r.unadmitted > 0) this.admitting.add(r); // to the back of the line
    }
  }

  /**
   * Pull, not push: a call goes out whenever the embedder has a free slot (one idle worker of a
   * pool), carrying what is queued up to the call size. An idle worker is never kept waiting for a
   * fuller batch; while every slot is busy, texts from more files gather, so calls fill up exactly
   * when the model is the bottleneck.
   */
  private pump(): void {
    for (;;) {
      // Filled before every call and after the last, so a call in flight leaves a full queue.
      this.fill();
      if (this.queue.length === 0) return;
      const { size, concurrent } = this.limits(this.queue[0].request.embedder);
      if (this.inFlight >= concurrent) return;
      this.flush(size);
    }
  }

  private limits(embedder: Embedder): { size: number; concurrent: number } {
    return embedder.batching ?? { size: this.opts.batchSize, concurrent: this.opts.maxInFlight };
  }

  /**
   * Sends one call: the oldest queued text plus those nearest to it in length from a window of
   * the queue (models pad a batch to its longest text), all for the same embedder, and from the
   * same file only when the oldest is being retried on its own.
   */
  private flush(size: number): void {
    const head = this.queue[0];
    const window: number[] = [];
    for (let i = 1; i < this.queue.length && window.length < size * 8; i++) {
      const it = this.queue[i];
      if (it.request.embedder === head.request.embedder && (!head.isolated || it.request === head.request)) window.push(i);
    }
    const lengthOf = (it: Item): number => it.request.texts[it.index].length;
    const target = lengthOf(head);
    window.sort((a, b) => Math.abs(lengthOf(this.queue[a]) - target) - Math.abs(lengthOf(this.queue[b]) - target) || a - b);
    const take = new Set([0, ...window.slice(0, size - 1)]);
    const batch = [...take].sort((a, b) => a - b).map((i) => this.queue[i]);
    this.queue = this.queue.filter((_, i) => !take.has(i));
    if (this.inFlight++ === 0) {
      this.busySince = this.clock();
      this.sample();
    }
    this.totals.calls++;
    this.totals.sent += batch.length;
    this.inFlightTexts += batch.length;
    for (const it of batch) it.request.inFlight++;
    void this.send(head.request.embedder, batch).finally(() => {
      this.inFlightTexts -= batch.length;
      for (const it of batch) it.request.inFlight--;
      if (--this.inFlight === 0) this.totals.busyMs += this.clock() - this.busySince;
      this.pump(); // refills the queue and sends
    });
  }

  private async send(embedder: Embedder, batch: Item[]): Promise<void> {
    let out: Float32Array[];
    try {
      out = await embedder.embed(
        batch.map((it) => it.request.texts[it.index]),
        { kind: 'passage' },
      );
    } catch (e) {
      this.onBatchFailed(batch, e);
      return;
    }
    this.embedded += batch.length;
    this.sample();
    const touched = new Set<Request>();
    batch.forEach((it, j) => {
      const r = it.request;
      if (r.failed) return; // cancelled or failed meanwhile: its result is not wanted
      r.vectors[it.index] = out[j];
      r.remaining--;
      r.done++;
      touched.add(r);
    });
    for (const r of touched) {
      r.onProgress?.(r.done, r.texts.length);
      if (r.remaining === 0) r.resolve();
    }
  }

  private onBatchFailed(batch: Item[], e: unknown): void {
    const owners = new Set(batch.map((it) => it.request).filter((r) => !r.failed));
    const closed = e instanceof QuarryError && e.code === 'CANCELLED';
    if (owners.size <= 1 || closed || batch[0].isolated) {
      for (const r of owners) this.fail(r, e);
      return;
    }
    // A mixed batch: which file's text broke it is unknown, so each file's texts go again on
    // their own, ahead of the queue. Only a file whose own batch fails again gets the error.
    const retry = batch.filter((it) => !it.request.failed).map((it) => ({ ...it, isolated: true }));
    retry.sort((a, b) => (a.request === b.request ? a.index - b.index : 0));
    this.queue = [...groupByRequest(retry), ...this.queue];
  }

  private fail(r: Request, e: unknown): void {
    if (r.failed) return;
    r.failed = true;
    this.queue = this.queue.filter((it) => it.request !== r);
    this.admitting.delete(r);
    r.reject(e);
    this.pump(); // its places go to the others
  }

}

function groupByRequest(items: Item[]): Item[] {
  const groups = new Map<Request, Item[]>();
  for (const it of items) {
    const g = groups.get(it.request);
    if (g) g.push(it);
    else groups.set(it.request, [it]);
  }
  return [...groups.values()].flat();
}
