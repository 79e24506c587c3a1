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

/** Main thread → worker. */
export type ToWorker =
  | { type: 'open'; source: PdfSource; password?: string; fileName?: string; wantMeta: boolean }
  | { type: 'pages'; from: number; to: number }
  /** Drop the document; the worker stays for the next one. */
  | { type: 'close' }
  /** Exit now, whatever is running (handled out of turn: see retireWorker in pdf-pool.ts). */
  | { type: 'exit' }
  /** Read a whole Word document here, off the main thread (see docx-offthread.ts). */
  | { type: 'docx'; data: Uint8Array; limits?: Partial<IngestLimits> };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'opened'; numPages: number; meta: DocumentMeta; warnings: ExtractedDocument['warnings'] }
  | { type: 'page'; page: RawPdfPage }
  | { type: 'chunkDone' }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'docx'; doc?: ExtractedDocument; error?: ErrorInfo }
  | { type: 'fatal'; message: string };

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
      for (const w of workers) {
        if (err) pdfWorkerPool.discard(w);
        else pdfWorkerPool.release(w, defaultWorkerCount());
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
      const to = Math.min(total, from + nextChunkSize(total - from + 1, count + (opts.local ? 1 : 0)) - 1);
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
      if (!busy && total >= 0 && (nextPage > total || stoppedEarly) && (opts.local || opened === workers.length)) finish(null);
    };
    /** This thread's lane: chunks from the same queue, read as a worker reads them. */
    const runLocal = async (doc: PdfDocument): Promise<void> => {
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
        w.postMessage({ type: 'pages', ...chunk } satisfies ToWorker);
        outstanding.set(w, (outstanding.get(w) ?? 0) + 1);
      }
      maybeFinish();
    };
    const onMessage = (w: Worker, index: number, msg: FromWorker): void => {
      if (settled) return;
      heard();
      switch (msg.type) {
        case 'opened':
          opened++;
          if (index === 0) meta = msg.meta;
          if (total < 0) {
            total = msg.numPages;
            warnings = msg.warnings;
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
          finish(new QuarryError(msg.error.code, msg.error.message, { hint: msg.error.hint }));
          return;
        case 'fatal':
          finish(new QuarryError('PDF_MALFORMED', `The PDF reader failed: ${msg.message.split('\n')[0]}`));
          return;
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
      finish(new QuarryError('INTERNAL', `Could not start a PDF worker: ${(e as Error).message}`, { cause: e }));
      return;
    }
    workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => onMessage(w, i, m));
      w.on('error', (e: Error) => {
        const oom = isWorkerOutOfMemory(e);
        finish(new QuarryError('PDF_MALFORMED', oom ? 'The PDF needs more memory than a document may use (a decompression bomb?).' : `The PDF reader crashed: ${e.message}`, { cause: e }));
      });
      w.on('exit', (code) => {
        if (!settled) finish(new QuarryError('PDF_MALFORMED', `The PDF reader stopped unexpectedly (exit code ${code}).`));
      });
      w.postMessage({ type: 'open', source: shared, password: opts.password, fileName: opts.fileName, wantMeta: i === 0 && !opts.local } satisfies ToWorker);
    });
    if (opts.local) {
      total = opts.local.numPages;
      runLocal(opts.local).catch((e: unknown) => finish(new QuarryError('INTERNAL', `Reading pages failed: ${(e as Error).message}`, { cause: e })));
    }
  });
}
