import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ErrorInfo } from '../../contract';
import { QuarryError } from '../util/errors';
import type { RawPdfPage } from './pdf-pages';
import { pdfWorkerPool } from './pdf-pool';
import type { DocumentMeta, ExtractedDocument } from './types';

/** Where a worker reads the PDF from: a path, or bytes (shared, never copied per worker). */
export type PdfSource = { path: string } | { data: Uint8Array };

/** Main thread → worker. */
export type ToWorker =
  | { type: 'open'; source: PdfSource; password?: string; fileName?: string; wantMeta: boolean }
  | { type: 'pages'; from: number; to: number }
  /** Drop the document; the worker stays for the next one. */
  | { type: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'opened'; numPages: number; meta: DocumentMeta; warnings: ExtractedDocument['warnings'] }
  | { type: 'page'; page: RawPdfPage }
  | { type: 'chunkDone' }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'fatal'; message: string };

/** A worker silent this long (no page, no answer) is stuck in pdfjs: it is stopped. */
export const WORKER_STALL_MS = 120_000;

/** Stop asking for pages after this many unreadable ones in a row (bogus page counts). */
export const MAX_CONSECUTIVE_PAGE_ERRORS = 50;

/** Workers that read a document up to this many pages go back to the pool; longer ones end. */
const KEEP_WORKERS_UP_TO_PAGES = 150;

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
 * pages are merged in order. Workers come from a pool and go back to it after a clean run. A
 * worker that dies (out of memory on a bomb page, a crash in pdfjs) fails the run with
 * PDF_MALFORMED; an abort terminates the run's workers (CANCELLED).
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
      // A worker that read a long document keeps pdfjs's caches and a grown heap until the
      // pool's idle timeout; while the chunks of that document are embedded this pushed peak RSS
      // over 1 GB (619-page PDF). A fresh worker costs ~0.25 s of CPU, a few percent of such a
      // document's parse, so long documents end their workers instead of parking them.
      const heavy = total > KEEP_WORKERS_UP_TO_PAGES;
      for (const w of workers) {
        if (err || heavy) pdfWorkerPool.discard(w);
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
    const feed = (w: Worker): void => {
      // Two chunks in flight per worker, so it never waits for the next one.
      while ((outstanding.get(w) ?? 0) < 2 && nextPage <= total && !stoppedEarly) {
        const from = nextPage;
        const to = Math.min(total, from + nextChunkSize(total - from + 1, count) - 1);
        nextPage = to + 1;
        w.postMessage({ type: 'pages', from, to } satisfies ToWorker);
        outstanding.set(w, (outstanding.get(w) ?? 0) + 1);
      }
      const busy = [...outstanding.values()].some((n) => n > 0);
      // Wait for every worker to have opened, so the metadata of worker 0 is in.
      if (!busy && (nextPage > total || stoppedEarly) && opened === workers.length) finish(null);
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
          pages[msg.page.page - 1] = msg.page;
          received++;
          failuresInRow = msg.page.error ? failuresInRow + 1 : 0;
          if (failuresInRow >= MAX_CONSECUTIVE_PAGE_ERRORS && nextPage <= total) stoppedEarly = true;
          opts.onPage?.(received, total);
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
        const oom = (e as Error & { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(new QuarryError('PDF_MALFORMED', oom ? 'The PDF needs more memory than a document may use (a decompression bomb?).' : `The PDF reader crashed: ${e.message}`, { cause: e }));
      });
      w.on('exit', (code) => {
        if (!settled) finish(new QuarryError('PDF_MALFORMED', `The PDF reader stopped unexpectedly (exit code ${code}).`));
      });
      w.postMessage({ type: 'open', source: shared, password: opts.password, fileName: opts.fileName, wantMeta: i === 0 } satisfies ToWorker);
    });
  });
}
