import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FileCounts, IngestProgress, JobInfo, JobLive } from '../../contract';
import { EmbedBatcher } from '../embed/batcher';
import { QuarryError, toQuarryError } from '../util/errors';
import type { JobJournal, JobRecord } from './journal';
import { docIdFor, processFile, type FileDeps, type FileOutcome, type PipelineDeps } from './pipeline';

export interface QueueOptions {
  /** Files read and parsed at once (the CPU-bound stages). */
  concurrency: number;
  /**
   * Files in flight in all stages (default: 4 × concurrency). A parsed file waiting for the
   * embedder holds its text in memory, so this bounds how far parsing runs ahead of embedding;
   * files waiting there let the batcher fill each model call from several of them.
   */
  filesInFlight?: number;
  maxAttempts: number;
  /** Base delay before retrying a transient failure (ms); doubles each attempt, with jitter. */
  retryBaseMs: number;
  /**
   * How often files in the embed stage report where they stand (ms, default 1000): a file waiting
   * behind others' texts gets no progress of its own, yet its place in the queue moves.
   */
  embedTickMs?: number;
}

interface Running {
  abort: AbortController;
  /** Still reading or parsing (counts against `concurrency`); false once it waits on the embedder. */
  parsing: boolean;
  stage: JobLive['stage'];
  pagesDone: number;
  pagesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  lastEmit: number;
}

type Listener = (p: IngestProgress) => void;

/**
 * The durable ingestion queue. Jobs survive crashes (the journal), run a few at a time, can be
 * cancelled, retry transient failures with backoff and record permanent ones with their code.
 */
export class IngestQueue {
  /** The embedding stage every file in flight shares: full cross-file batches, bounded queue. */
  readonly batcher: EmbedBatcher;
  private readonly fileDeps: FileDeps;
  private readonly running = new Map<string, Running>();
  private readonly passwords = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly idleWaiters: (() => void)[] = [];
  private batch = { started: 0, total: 0, done: 0, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0 };
  private timer: NodeJS.Timeout | undefined;
  /** Re-reports files in the embed stage while any is there (see QueueOptions.embedTickMs). */
  private embedTicker: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly journal: JobJournal,
    private readonly deps: PipelineDeps & {
      onFailed(job: JobRecord, docId: string): Promise<void>;
      onDone(outcome: FileOutcome): void;
      /** A job was cancelled (queued or running): its document may never have been written. */
      onCancelled?(job: JobRecord, docId: string): void;
    },
    private readonly opts: QueueOptions,
  ) {
    this.batcher = new EmbedBatcher(deps.embedder, { batchSize: deps.embedBatchSize });
    this.fileDeps = { ...deps, batcher: this.batcher };
  }

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Queues files (already expanded from folders). A file already queued is not queued twice. */
  async enqueue(files: string[], opts: { collection: string; tags: string[]; password?: string }): Promise<string[]> {
    const ids: string[] = [];
    const now = new Date().toISOString();
    // One pass over the journal, not one per file: a folder can hold 10,000 files.
    const pending = new Map<string, JobRecord>();
    for (const j of this.journal.jobs.values()) {
      if (j.collection === opts.collection && (j.state === 'queued' || j.state === 'running')) pending.set(j.path, j);
    }
    const fresh: JobRecord[] = [];
    for (const f of files) {
      const abs = path.resolve(f);
      const queued = pending.get(abs);
      if (queued) {
        ids.push(queued.jobId);
        if (opts.password) this.passwords.set(queued.jobId, opts.password);
        continue;
      }
      const rec: JobRecord = { jobId: randomUUID(), path: abs, collection: opts.collection, tags: opts.tags, state: 'queued', attempts: 0, createdAt: now, updatedAt: now, docId: docIdFor(abs, opts.collection) };
      if (opts.password) this.passwords.set(rec.jobId, opts.password);
      pending.set(abs, rec);
      fresh.push(rec);
      ids.push(rec.jobId);
    }
    if (fresh.length > 0 && this.batch.total === this.batch.done && this.running.size === 0) this.batch = { started: Date.now(), total: 0, done: 0, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0 };
    // One durable append for the whole batch: per-file fsyncs cost minutes on a large folder.
    await this.journal.putMany(fresh);
    this.batch.total += fresh.length;
    this.pump();
    return ids;
  }

  /** Starts processing jobs left over from an earlier run. */
  resume(): void {
    const queued = this.journal.count('queued');
    if (queued > 0) {
      this.batch = { started: Date.now(), total: queued, done: 0, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0 };
      this.pump();
    }
  }

  async cancel(jobId: string): Promise<void> {
    const job = this.journal.jobs.get(jobId);
    if (!job) throw new QuarryError('NOT_FOUND', `No job ${jobId}.`);
    const run = this.running.get(jobId);
    if (run) run.abort.abort();
    else if (job.state === 'queued') {
      this.deps.onCancelled?.(job, docIdFor(job.path, job.collection));
      await this.finish(job, 'cancelled');
    }
  }

  async retry(jobId: string, password?: string): Promise<void> {
    const job = this.journal.jobs.get(jobId);
    if (!job) throw new QuarryError('NOT_FOUND', `No job ${jobId}.`);
    if (job.state === 'queued' || job.state === 'running') return;
    if (password) this.passwords.set(jobId, password);
    await this.journal.put({ ...job, state: 'queued', attempts: 0, error: undefined, notBefore: undefined, updatedAt: new Date().toISOString() });
    if (this.batch.total === this.batch.done && this.running.size === 0) this.batch = { started: Date.now(), total: 0, done: 0, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0 };
    this.batch.total++;
    this.pump();
  }

  list(): JobInfo[] {
    return [...this.journal.jobs.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((j) => {
        const info: JobInfo = { jobId: j.jobId, path: j.path, collection: j.collection, state: j.state, attempts: j.attempts, createdAt: j.createdAt, updatedAt: j.updatedAt, docId: j.docId, unchanged: j.unchanged, timings: j.timings, embedding: j.embedding, error: j.error };
        const r = j.state === 'running' ? this.running.get(j.jobId) : undefined;
        if (r) info.live = { stage: r.stage, ...this.fileCounts(j.jobId, r) };
        return info;
      });
  }

  /** One running file's own counts, with its place at the embedder while it embeds. */
  private fileCounts(jobId: string, r: Running): FileCounts {
    const c: FileCounts = { pagesDone: r.pagesDone, pagesTotal: r.pagesTotal, chunksDone: r.chunksDone, chunksTotal: r.chunksTotal };
    if (r.stage === 'embed') {
      const pos = this.batcher.position(jobId);
      if (pos) c.chunksAhead = pos.ahead;
      const rate = this.batcher.rate();
      if (rate !== undefined) c.embedRate = Math.round(rate * 100) / 100;
    }
    return c;
  }

  /** Keeps the embed-stage ticker running exactly while some file is in that stage. */
  private syncEmbedTicker(): void {
    const embedding = [...this.running.values()].some((r) => r.stage === 'embed');
    if (embedding && !this.embedTicker && !this.closed) {
      this.embedTicker = setInterval(() => {
        for (const [jobId, r] of this.running) {
          if (r.stage !== 'embed') continue;
          const job = this.journal.jobs.get(jobId);
          this.emit({ ...this.progress(), jobId, path: job?.path, stage: 'embed', file: this.fileCounts(jobId, r) });
        }
      }, this.opts.embedTickMs ?? 1000);
      this.embedTicker.unref?.();
    } else if (!embedding && this.embedTicker) {
      clearInterval(this.embedTicker);
      this.embedTicker = undefined;
    }
  }

  counts(): { queued: number; running: number; failed: number; done: number } {
    return { queued: this.journal.count('queued'), running: this.journal.count('running'), failed: this.journal.count('failed'), done: this.journal.count('done') };
  }

  /** A snapshot of the current batch's progress (what a reloaded UI shows). */
  progress(): IngestProgress {
    let pagesDone = this.batch.pagesDone;
    let pagesTotal = this.batch.pagesTotal;
    let chunksDone = this.batch.chunksDone;
    let chunksTotal = this.batch.chunksTotal;
    for (const r of this.running.values()) {
      pagesDone += r.pagesDone;
      pagesTotal += r.pagesTotal;
      chunksDone += r.chunksDone;
      chunksTotal += r.chunksTotal;
    }
    const p: IngestProgress = { stage: this.idle ? 'done' : 'queued', filesDone: this.batch.done, filesTotal: this.batch.total, pagesDone, pagesTotal, chunksDone, chunksTotal };
    const eta = this.eta();
    if (eta !== undefined) p.etaSeconds = eta;
    return p;
  }

  get idle(): boolean {
    return this.running.size === 0 && this.journal.count('queued') === 0;
  }

  /** Resolves when no job is queued or running. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.embedTicker);
    this.embedTicker = undefined;
    for (const r of this.running.values()) r.abort.abort(new QuarryError('CANCELLED', 'Quarry is shutting down'));
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private get filesInFlight(): number {
    return Math.max(this.opts.concurrency, this.opts.filesInFlight ?? this.opts.concurrency * 4);
  }

  private parsingCount(): number {
    let n = 0;
    for (const r of this.running.values()) if (r.parsing) n++;
    return n;
  }

  private eta(): number | undefined {
    const elapsed = (Date.now() - this.batch.started) / 1000;
    const left = this.batch.total - this.batch.done;
    if (left <= 0 || this.batch.done === 0 || elapsed <= 0) return undefined;
    return Math.round((elapsed / this.batch.done) * left);
  }

  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let wakeAt = Infinity;
    for (const job of this.journal.jobs.values()) {
      if (this.running.size >= this.filesInFlight || this.parsingCount() >= this.opts.concurrency) break;
      if (job.state !== 'queued' || this.running.has(job.jobId)) continue;
      if (job.notBefore && job.notBefore > now) {
        wakeAt = Math.min(wakeAt, job.notBefore);
        continue;
      }
      void this.run(job);
    }
    if (wakeAt !== Infinity) this.timer = setTimeout(() => this.pump(), wakeAt - now);
    if (this.idle) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(job: JobRecord): Promise<void> {
    const r: Running = { abort: new AbortController(), parsing: true, stage: 'parse', pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0, lastEmit: 0 };
    this.running.set(job.jobId, r);
    const rec: JobRecord = { ...job, state: 'running', attempts: job.attempts + 1, updatedAt: new Date().toISOString() };
    try {
      await this.journal.put(rec);
      // With the file's counts at zero: a retried job's bar starts again from the beginning.
      this.emit({ ...this.progress(), jobId: job.jobId, path: job.path, stage: 'parse', file: this.fileCounts(job.jobId, r) });
      const outcome = await processFile(
        {
          path: job.path,
          collection: job.collection,
          tags: job.tags,
          password: this.passwords.get(job.jobId),
          signal: r.abort.signal,
          jobId: job.jobId,
          addedAt: job.createdAt || undefined,
          onProgress: (p) => {
            // Counts only grow within a run (pages may be reported out of order), so the bar
            // never steps back.
            if (p.pagesDone !== undefined) r.pagesDone = Math.max(r.pagesDone, p.pagesDone);
            if (p.pagesTotal !== undefined) r.pagesTotal = p.pagesTotal;
            if (p.chunksDone !== undefined) r.chunksDone = Math.max(r.chunksDone, p.chunksDone);
            if (p.chunksTotal !== undefined) r.chunksTotal = p.chunksTotal;
            if (p.stage !== r.stage) {
              r.stage = p.stage;
              this.syncEmbedTicker();
            }
            if (r.parsing && (p.stage === 'embed' || p.stage === 'index')) {
              // Parsed: its CPU slot goes to the next file, which parses while this one embeds.
              r.parsing = false;
              queueMicrotask(() => this.pump());
            }
            const t = Date.now();
            if (t - r.lastEmit >= 100 || p.stage !== 'parse') {
              r.lastEmit = t;
              this.emit({
                ...this.progress(),
                jobId: job.jobId,
                path: job.path,
                stage: p.stage,
                file: this.fileCounts(job.jobId, r),
              });
            }
          },
        },
        this.fileDeps,
      );
      this.passwords.delete(job.jobId);
      this.deps.onDone(outcome);
      this.fold(r);
      await this.finish({ ...rec, docId: outcome.doc.docId, unchanged: outcome.kind === 'unchanged', timings: outcome.timings, embedding: outcome.embedding }, 'done', outcome.kind === 'unchanged' ? 'unchanged' : 'done');
    } catch (e) {
      const err = r.abort.signal.aborted && !(e instanceof QuarryError && e.code !== 'CANCELLED') ? new QuarryError('CANCELLED', 'Cancelled') : toQuarryError(e);
      this.fold(r);
      if (err.code === 'CANCELLED') {
        if (this.closed) {
          // Shutting down: leave it queued so the next start resumes it.
          await this.journal.put({ ...rec, state: 'queued', updatedAt: new Date().toISOString() }).catch(() => undefined);
        } else {
          this.deps.onCancelled?.(rec, docIdFor(job.path, job.collection));
          await this.finish({ ...rec, error: err.toInfo() }, 'cancelled');
        }
      } else if (err.retryable && rec.attempts < this.opts.maxAttempts) {
        const delay = this.opts.retryBaseMs * 2 ** (rec.attempts - 1) * (0.75 + Math.random() * 0.5);
        await this.journal.put({ ...rec, state: 'queued', error: err.toInfo(), notBefore: Date.now() + delay, updatedAt: new Date().toISOString() });
      } else {
        this.passwords.delete(job.jobId);
        const failed = { ...rec, error: err.toInfo() };
        await this.deps.onFailed(failed, docIdFor(job.path, job.collection)).catch(() => undefined);
        await this.finish(failed, 'failed');
      }
    } finally {
      this.running.delete(job.jobId);
      this.syncEmbedTicker();
      this.pump();
    }
  }

  private fold(r: Running): void {
    this.batch.pagesDone += r.pagesDone;
    this.batch.pagesTotal += r.pagesTotal;
    this.batch.chunksDone += r.chunksDone;
    this.batch.chunksTotal += r.chunksTotal;
    r.pagesDone = r.pagesTotal = r.chunksDone = r.chunksTotal = 0;
  }

  private async finish(rec: JobRecord, state: 'done' | 'failed' | 'cancelled', stage: IngestProgress['stage'] = state): Promise<void> {
    await this.journal.put({ ...rec, state, notBefore: undefined, updatedAt: new Date().toISOString() });
    this.batch.done++;
    this.emit({ ...this.progress(), jobId: rec.jobId, path: rec.path, stage, error: rec.error });
  }

  private emit(p: IngestProgress): void {
    for (const fn of this.listeners) fn(p);
  }
}
