import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ErrorInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import { readPageRange, type RawPdfPage } from './pdf-pages';
import { isWorkerOutOfMemory, pdfWorkerPool } from './pdf-pool';
import type { PdfDocument } from './pdfjs';
import type { DocumentMeta, ExtractedDocument, IngestLimits } from './types';

/** Where a worker reads the PDF from: a path, or bytes (shared, never copied per worker). */
export type PdfSource = { path: string } | { data: Uint8Array };

/**
 * Main thread → worker. `run` names the extraction a message belongs to; the worker echoes it
 * in every answer, and a run ignores answers of other runs. A pooled worker can carry a late
 * answer from its previous document into the next run (one still opening when a run ended).
 */
export type ToWorker =
  | { type: 'open'; run: number; source: PdfSource; password?: string; fileName?: string; wantMeta: boolean }
  | { type: 'pages'; run: number; from: number; to: number }
  /** Drop the document; the worker stays for the next one. */
  | { type: 'close' }
  /** Exit now, whatever is running (handled out of turn: see retireWorker in pdf-pool.ts). */
  | { type: 'exit' }
  /** Read a whole Word document here, off the main thread (see docx-offthread.ts). */
  | { type: 'docx'; run: number; data: Uint8Array; limits?: Partial<IngestLimits> };

/** Worker → main thread; `fatal` comes from the bootstrap, before any run. */
export type FromWorker =
  | { type: 'opened'; run: number; numPages: number; meta: DocumentMeta; warnings: ExtractedDocument['warnings'] }
  | { type: 'page'; run: number; page: RawPdfPage }
  | { type: 'chunkDone'; run: number }
  | { type: 'error'; run?: number; error: ErrorInfo }
  | { type: 'docx'; run: number; doc?: ExtractedDocument; error?: ErrorInfo }
  | { type: 'fatal'; message: string };

let lastRun = 0;

/** A new run id for ToWorker messages. */
export function newRunId(): number {
  return ++lastRun;
}

/** A worker silent this long (no page, no answer) is stuck in pdfjs: it is stopped. */
export const WORKER_STALL_MS = 120_000;

/** Stop asking for pages after this many unreadable ones in a row (bogus page counts). */
export const MAX_CONSECUTIVE_PAGE_ERRORS = 50;

/** Workers worth starting here: one per core, at most 4 (pdfjs gains little beyond). */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** What a parallel run hands back: pages in order, plus what the first worker learnt on opening. */
export interface ParallelResult {
  numPages: number;
  meta: DocumentMeta;
  pages: RawPdfPage[];
  warnings: ExtractedDocument['warnings'];
}

export interface ParallelOptions {
  workers: number;
  password?: string;
  fileName?: string;
  signal?: AbortSignal;
  onPage?: (done: number, total: number) => void;
  /** Page count if already known: avoids starting workers that would get nothing to do. */
  numPagesHint?: number;
  /**
   * The document already open in this thread: it reads pages too, beside the workers. This
   * thread's pdfjs is loaded and its compiled code warm, while a new worker spends its first
   * ~0.15 s loading pdfjs and its first pages running cold code; so with one core per reader,
   * this thread plus `workers` workers beats one more worker. The caller still owns (destroys)
   * the document.
   */
  local?: PdfDocument;
  /**
   * Start with the workers alone, and once the first one has opened the document, join in
   * with this thread only if it has more than `minPages` pages: `open` opens it here, and
   * `workers - 1` workers read in all (more are acquired then). A short PDF never touches this
   * thread's event loop, which keeps searches answered while a folder of them is ingested, and
   * two short PDFs read at once use two cores. The run destroys the document `open` gave.
   */
  joinWhenLong?: { minPages: number; workers: number; open: () => Promise<PdfDocument> };
}

const noWorkerErrors = new WeakSet<Error>();

/** Whether a run failed only because no worker thread could be started (read in this thread instead). */
export function isNoWorkerError(e: unknown): boolean {
  return e instanceof Error && noWorkerErrors.has(e);
}

/**
 * Pages in the next chunk: big while much is left (fewer messages), shrinking towards the end
 * so the workers finish together instead of one waiting on the other's last big chunk.
 */
export function nextChunkSize(remaining: number, workers: number): number {
  return Math.max(1, Math.min(16, Math.ceil(remaining / (workers * 4))));
}

/**
 * Extracts a PDF's pages across worker threads: every worker opens the document, then pulls
 * chunks of pages as it goes (so a slow stretch of pages does not idle the others);
 * pages are merged in order. With `local`, this thread reads chunks from the same queue too.
 * Workers come from a pool and go back to it after a clean run. A worker that dies (out of
 * memory on a bomb page, a crash in pdfjs) fails the run with PDF_MALFORMED; an abort
 * ends the run's workers (CANCELLED).
 */
export function runPdfWorkers(source: PdfSource, opts: ParallelOptions): Promise<ParallelResult> {
  const count = Math.max(1, Math.min(opts.workers, opts.numPagesHint ? Math.ceil(opts.numPagesHint / 4) : opts.workers));
  // Bytes go to the workers in shared memory: one copy, however many workers.
  let shared: PdfSource = source;
  if ('data' in source) {
    const sab = new SharedArrayBuffer(source.data.byteLength);
    new Uint8Array(sab).set(source.data);
    shared = { data: new Uint8Array(sab) };
  }
  const run = newRunId();
  return new Promise<ParallelResult>((resolve, reject) => {
    const workers: Worker[] = [];
    const outstanding = new Map<Worker, number>();
    let nextPage = 1;
    const pages: RawPdfPage[] = [];
    let total = -1;
    let meta: DocumentMeta | undefined;
    let warnings: ExtractedDocument['warnings'] = [];
    let received = 0;
    let opened = 0;
    let failuresInRow = 0;
    let stoppedEarly = false;
    let settled = false;
    let localBusy = false;
    /** This thread reads too: given as `local`, or joined after the first open (joinWhenLong). */
    let localJoined = Boolean(opts.local);
    /** Workers that answered their open (opened or failed it): with no chunk in flight, safe to reuse. */
    const answered = new Set<Worker>();

    // pdfjs can loop on a hostile page; in a worker that is recoverable, so watch for silence.
    let stallTimer: NodeJS.Timeout | undefined;
    const heard = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => finish(new QuarryError('PDF_MALFORMED', `The PDF reader stopped responding for ${WORKER_STALL_MS / 1000} s.`)), WORKER_STALL_MS);
      stallTimer.unref();
    };
    const finish = (err: QuarryError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      // Workers of a clean run go back to the pool, whatever the document's length: a warm
      // worker reads the next PDF of a folder at ~1.5x the speed of a new one (compiled code,
      // no start), and its memory goes back within seconds of idling (the 619-page ingest
      // peaked at 785-799 MB with the worker kept, under the 1 GB bound).
      // After a clean error (a password, a damaged file), the workers that answered and have no
      // chunk in flight are healthy and go back too; any other worker may still post messages
      // of this document, so it must never serve another one.
      for (const w of workers) {
        if (!err || (answered.has(w) && !(outstanding.get(w) ?? 0))) pdfWorkerPool.release(w, defaultWorkerCount());
        else void pdfWorkerPool.discard(w);
      }
      if (err) {
        reject(err);
        return;
      }
      const ordered = pages.filter(Boolean);
      if (stoppedEarly) {
        warnings = [...warnings, { code: 'PAGES_UNREADABLE', message: `Stopped after ${MAX_CONSECUTIVE_PAGE_ERRORS} unreadable pages in a row; ${total - ordered.length} pages skipped.` }];
      }
      resolve({ numPages: total, meta: meta ?? { pageCount: total }, pages: ordered, warnings });
    };
    const onAbort = (): void => finish(new QuarryError('CANCELLED', 'Cancelled'));
    /** Hands out the next chunk of pages, or null when none is left. */
    const takeChunk = (): { from: number; to: number } | null => {
      if (nextPage > total || stoppedEarly) return null;
      const from = nextPage;
      const to = Math.min(total, from + nextChunkSize(total - from + 1, workers.length + (localJoined ? 1 : 0)) - 1);
      nextPage = to + 1;
      return { from, to };
    };
    const onPageRead = (page: RawPdfPage): void => {
      pages[page.page - 1] = page;
      received++;
      failuresInRow = page.error ? failuresInRow + 1 : 0;
      if (failuresInRow >= MAX_CONSECUTIVE_PAGE_ERRORS && nextPage <= total) stoppedEarly = true;
      opts.onPage?.(received, total);
    };
    const maybeFinish = (): void => {
      const busy = localBusy || [...outstanding.values()].some((n) => n > 0);
      // Without a local document, wait for every worker to have opened, so the metadata of
      // worker 0 is in. With one, a worker still starting when the work is done goes back to the
      // pool as it is.
      if (!busy && total >= 0 && (nextPage > total || stoppedEarly) && (localJoined || opened === workers.length)) finish(null);
    };
    /** This thread's lane: chunks from the same queue, read as a worker reads them. */
    const runLocal = async (doc: PdfDocument): Promise<void> => {
      localJoined = true;
      localBusy = true;
      try {
        for (let chunk = takeChunk(); chunk && !settled; chunk = takeChunk()) {
          await readPageRange(
            doc,
            chunk.from,
            chunk.to,
            (page) => {
              heard();
              onPageRead(page);
            },
            () => settled,
          );
        }
      } finally {
        localBusy = false;
      }
      if (!settled) maybeFinish();
    };
    const feed = (w: Worker): void => {
      // Two chunks in flight per worker, so it never waits for the next one.
      while ((outstanding.get(w) ?? 0) < 2) {
        const chunk = takeChunk();
        if (!chunk) break;
        w.postMessage({ type: 'pages', run, ...chunk } satisfies ToWorker);
        outstanding.set(w, (outstanding.get(w) ?? 0) + 1);
      }
      maybeFinish();
    };
    const onMessage = (w: Worker, index: number, msg: FromWorker): void => {
      if (settled || ('run' in msg && msg.run !== run)) return;
      heard();
      switch (msg.type) {
        case 'opened':
          opened++;
          answered.add(w);
          if (index === 0) meta = msg.meta;
          if (total < 0) {
            total = msg.numPages;
            warnings = msg.warnings;
            feed(w);
            if (opts.joinWhenLong && total > opts.joinWhenLong.minPages) join(opts.joinWhenLong);
            return;
          }
          feed(w);
          return;
        case 'page':
          onPageRead(msg.page);
          return;
        case 'chunkDone':
          outstanding.set(w, (outstanding.get(w) ?? 1) - 1);
          feed(w);
          return;
        case 'error':
          answered.add(w);
          finish(new QuarryError(msg.error.code, msg.error.message, { hint: msg.error.hint }));
          return;
        case 'fatal':
          finish(new QuarryError('PDF_MALFORMED', `The PDF reader failed: ${msg.message.split('\n')[0]}`));
          return;
      }
    };

    const start = (w: Worker, i: number): void => {
      w.on('message', (m: FromWorker) => onMessage(w, i, m));
      w.on('error', (e: Error) => {
        const oom = isWorkerOutOfMemory(e);
        finish(new QuarryError('PDF_MALFORMED', oom ? 'The PDF needs more memory than a document may use (a decompression bomb?).' : `The PDF reader crashed: ${e.message}`, { cause: e }));
      });
      w.on('exit', (code) => {
        if (!settled) finish(new QuarryError('PDF_MALFORMED', `The PDF reader stopped unexpectedly (exit code ${code}).`));
      });
      w.postMessage({ type: 'open', run, source: shared, password: opts.password, fileName: opts.fileName, wantMeta: i === 0 && !opts.local } satisfies ToWorker);
    };
    /** A long document: this thread opens it too and reads beside more workers. */
    const join = (how: NonNullable<ParallelOptions['joinWhenLong']>): void => {
      localBusy = true; // the open is work in flight: the run may not finish under it
      how
        .open()
        .then(
          async (doc) => {
            localBusy = false;
            try {
              if (!settled) await runLocal(doc);
            } finally {
              await doc.destroy().catch(() => undefined);
            }
          },
          () => {
            // The workers read it; this thread simply stays out.
            localBusy = false;
            if (!settled) maybeFinish();
          },
        )
        .catch((e: unknown) => finish(new QuarryError('INTERNAL', `Reading pages failed: ${(e as Error).message}`, { cause: e })));
      const more = Math.max(0, Math.min(how.workers - workers.length, Math.ceil((total - nextPage + 1) / 16) - 1));
      if (more === 0) return;
      let added: Worker[];
      try {
        added = pdfWorkerPool.acquire(more);
      } catch {
        return; // fewer readers, same result
      }
      for (const w of added) {
        workers.push(w);
        start(w, workers.length - 1);
      }
    };

    if (opts.signal?.aborted) {
      reject(new QuarryError('CANCELLED', 'Cancelled'));
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    heard();
    try {
      workers.push(...pdfWorkerPool.acquire(count));
    } catch (e) {
      const err = new QuarryError('INTERNAL', `Could not start a PDF worker: ${(e as Error).message}`, { cause: e });
      noWorkerErrors.add(err);
      finish(err);
      return;
    }
    workers.forEach((w, i) => start(w, i));
    if (opts.local) {
      total = opts.local.numPages;
      runLocal(opts.local).catch((e: unknown) => finish(new QuarryError('INTERNAL', `Reading pages failed: ${(e as Error).message}`, { cause: e })));
    }
  });
}
