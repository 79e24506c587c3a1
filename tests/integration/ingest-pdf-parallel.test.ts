import { readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { extractFile, extractPdf, extractPdfParallel } from '../../main/ingest';
import { defaultWorkerCount, type ToWorker } from '../../main/ingest/pdf-parallel';
import { closePdfWorkerPool, EXIT_GRACE_MS, pdfWorkerPool, retireWorker } from '../../main/ingest/pdf-pool';
import type { ExtractOptions } from '../../main/ingest/types';
import { QuarryError } from '../../main/util/errors';
import { sharedPath, tempDir } from '../helpers/shared';

const execFileAsync = promisify(execFile);
const LONG = (name: string): string => sharedPath('corpus', 'pdf', 'long_real', name);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(QuarryError);
    return (e as QuarryError).code;
  }
  throw new Error('expected a QuarryError');
}

/** Starts a read with two workers that aborts itself at its 10th page; `pages()` is the last progress seen. */
function readAbortingAtPage10(read: (opts: ExtractOptions) => Promise<unknown>): { run: Promise<unknown>; pages: () => number } {
  const ac = new AbortController();
  let pages = 0;
  const run = read({
    workers: 2,
    signal: ac.signal,
    onPage: (done) => {
      pages = done;
      if (done === 10) ac.abort();
    },
  });
  return { run, pages: () => pages };
}

describe('parallel PDF extraction (worker threads)', () => {
  it('reads the 619-page PDF: every page, in order, under 1 GB peak RSS', { timeout: 120_000 }, async () => {
    let last = [0, 0];
    const doc = await extractFile(LONG('unstructured__DA-619p.pdf'), { onPage: (d, t) => (last = [d, t]) });
    expect(doc.meta.pageCount).toBe(619);
    expect(doc.pages).toHaveLength(619);
    expect(doc.pages.every((p, i) => p.page === i + 1)).toBe(true);
    expect(last).toEqual([619, 619]);
    expect(doc.pages.filter((p) => p.error)).toHaveLength(0);
    // An army pamphlet: nearly every page carries real text.
    expect(doc.pages.filter((p) => p.text.length > 300).length).toBeGreaterThan(550);
    expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(1024 ** 3);
    // This thread read beside the other cores' workers, which now wait warm for the next PDF.
    expect(pdfWorkerPool.idleCount).toBe(defaultWorkerCount() - 1);
  });

  it('reads a long PDF in this thread and a worker together, with the in-thread reader\'s pages', { timeout: 60_000 }, async () => {
    const file = LONG('unstructured__failure-after-repair.pdf');
    const inThread = await extractPdf(new Uint8Array(await readFile(file)));
    await closePdfWorkerPool();
    const progress: number[] = [];
    const auto = await extractFile(file, { workers: 2, onPage: (done) => progress.push(done) });
    expect(auto.pages).toEqual(inThread.pages);
    expect(auto.meta).toEqual(inThread.meta);
    expect(progress).toEqual(Array.from({ length: 76 }, (_, i) => i + 1));
    // One worker beside this thread, back in the pool for the next document.
    expect(pdfWorkerPool.idleCount).toBe(1);
    const again = await extractFile(file, { workers: 2 });
    expect(again.pages).toEqual(inThread.pages);
    expect(pdfWorkerPool.idleCount).toBe(1);
    await closePdfWorkerPool();
  });

  it('reads a short PDF in one pooled worker, never in this thread, with the in-thread reader\'s pages', { timeout: 60_000 }, async () => {
    const file = sharedPath('corpus', 'pdf', 'malformed', 'pdfjs__bug1978317.pdf');
    const inThread = await extractPdf(new Uint8Array(await readFile(file)), { fileName: 'pdfjs__bug1978317.pdf' });
    await closePdfWorkerPool();
    const acquire = vi.spyOn(pdfWorkerPool, 'acquire');
    try {
      const progress: number[] = [];
      const auto = await extractFile(file, { workers: 2, onPage: (done) => progress.push(done) });
      expect(auto).toEqual(inThread);
      expect(progress).toEqual(Array.from({ length: inThread.pages.length }, (_, i) => i + 1));
      // One worker, and no second reader asked for: the page count is under PARALLEL_MIN_PAGES.
      expect(acquire.mock.calls).toEqual([[1]]);
      expect(pdfWorkerPool.idleCount).toBe(1);
    } finally {
      acquire.mockRestore();
    }
    await closePdfWorkerPool();
  });

  it('stops reading in this thread and the worker soon after an abort', { timeout: 60_000 }, async () => {
    const { run, pages } = readAbortingAtPage10((opts) => extractFile(LONG('unstructured__DA-619p.pdf'), opts));
    expect(await codeOf(run)).toBe('CANCELLED');
    const atAbort = pages();
    expect(atAbort).toBeLessThan(100);
    // Nothing keeps reading (and reporting) after the run has ended.
    await new Promise((r) => setTimeout(r, 300));
    expect(pages()).toBe(atAbort);
    // An aborted run's workers are not reused.
    expect(pdfWorkerPool.idleCount).toBe(0);
  });

  it('gives the same pages, blocks and headings as the in-thread reader', { timeout: 60_000 }, async () => {
    const file = LONG('unstructured__failure-after-repair.pdf');
    const inThread = await extractPdf(new Uint8Array(await readFile(file)));
    const parallel = await extractPdfParallel(file, { workers: 2 });
    expect(parallel.pages.length).toBe(76);
    expect(parallel.pages).toEqual(inThread.pages);
    expect(parallel.meta).toEqual(inThread.meta);
  });

  it('stops with CANCELLED soon after an abort; the workers exit themselves, never cut off mid-page', { timeout: 60_000 }, async () => {
    await closePdfWorkerPool();
    const discard = vi.spyOn(pdfWorkerPool, 'discard');
    try {
      const { run, pages } = readAbortingAtPage10((opts) => extractPdfParallel(LONG('unstructured__DA-619p.pdf'), opts));
      expect(await codeOf(run)).toBe('CANCELLED');
      expect(pages()).toBeLessThan(100);
      // Both workers were ended, each with code 0: its own process.exit(0) between two tasks,
      // where terminate() gives 1. A thread stopped mid-task can take the process down (see
      // retireWorker).
      expect(discard).toHaveBeenCalledTimes(2);
      expect(await Promise.all(discard.mock.results.map((r) => r.value as Promise<number>))).toEqual([0, 0]);
    } finally {
      discard.mockRestore();
    }
  });

  it('keeps the process alive while the pool closes (idle workers are unref\'d)', { timeout: 60_000 }, async () => {
    const script = [
      `import { extractPdfParallel } from ${JSON.stringify(pathToFileURL(path.resolve('main/ingest/index.ts')).href)};`,
      `import { closePdfWorkerPool } from ${JSON.stringify(pathToFileURL(path.resolve('main/ingest/pdf-pool.ts')).href)};`,
      `const doc = await extractPdfParallel(${JSON.stringify(LONG('pdfjs__TAMReview.pdf'))}, { workers: 2 });`,
      'await closePdfWorkerPool();',
      'console.log(`closed after ${doc.pages.length} pages`);',
    ].join('\n');
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(stdout.trim()).toMatch(/^closed after \d+ pages$/);
  });

  it('ignores a late answer from a pooled worker\'s previous document', { timeout: 60_000 }, async () => {
    const file = LONG('pdfjs__TAMReview.pdf');
    const expected = await extractPdfParallel(file, { workers: 1 });
    await closePdfWorkerPool();
    // A worker handed back while still opening another document (as a run that ended before
    // one of its extra workers had opened does): its "opened 619 pages" arrives in the next run.
    const [w] = pdfWorkerPool.acquire(1);
    w.postMessage({ type: 'open', run: -1, source: { path: LONG('unstructured__DA-619p.pdf') }, wantMeta: true } satisfies ToWorker);
    pdfWorkerPool.release(w, 2);
    const acquire = vi.spyOn(pdfWorkerPool, 'acquire');
    try {
      const got = await extractPdfParallel(file, { workers: 1 });
      expect(acquire.mock.results[0].value).toEqual([w]);
      expect(got).toEqual(expected);
    } finally {
      acquire.mockRestore();
    }
    await closePdfWorkerPool();
  });

  it('terminates a worker that does not answer the request to exit', { timeout: 30_000 }, async () => {
    const stuck = new Worker("require('node:worker_threads').parentPort.once('message', () => {}); for (;;) {}", { eval: true });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    expect(await retireWorker(stuck)).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(EXIT_GRACE_MS - 50);
  });

  it('reports password and format errors from the workers as QuarryErrors', { timeout: 60_000 }, async () => {
    const locked = sharedPath('corpus', 'pdf', 'encrypted', 'unstructured__password.pdf');
    expect(await codeOf(extractPdfParallel(locked, { workers: 2 }))).toBe('PDF_PASSWORD_REQUIRED');
    expect(await codeOf(extractPdfParallel(locked, { workers: 1, password: 'bad' }))).toBe('PDF_PASSWORD_WRONG');
    const { dir, cleanup } = await tempDir();
    try {
      const notPdf = path.join(dir, 'fake.pdf');
      await writeFile(notPdf, 'this is not a pdf at all');
      expect(await codeOf(extractPdfParallel(notPdf, { workers: 2 }))).toBe('PDF_MALFORMED');
    } finally {
      await cleanup();
    }
    const withPassword = await extractPdfParallel(locked, { workers: 2, password: 'password' });
    expect(withPassword.pages[0].text.length).toBeGreaterThan(5);
  });

  it('keeps workers warm between documents; after a clean error only the workers that answered go back', { timeout: 60_000 }, async () => {
    await closePdfWorkerPool();
    expect(pdfWorkerPool.idleCount).toBe(0);
    const file = LONG('pdfjs__TAMReview.pdf');
    const first = await extractPdfParallel(file, { workers: 2 });
    expect(pdfWorkerPool.idleCount).toBe(2);
    const again = await extractPdfParallel(file, { workers: 2 });
    expect(again.pages).toEqual(first.pages);
    expect(pdfWorkerPool.idleCount).toBe(2);
    // The first "password required" ends the run: that worker answered and is idle, so it goes
    // back; the other is still opening, and its answer must never reach the next document.
    const discard = vi.spyOn(pdfWorkerPool, 'discard');
    try {
      const locked = sharedPath('corpus', 'pdf', 'encrypted', 'unstructured__password.pdf');
      expect(await codeOf(extractPdfParallel(locked, { workers: 2 }))).toBe('PDF_PASSWORD_REQUIRED');
      expect(pdfWorkerPool.idleCount).toBe(1);
      expect(discard).toHaveBeenCalledTimes(1);
    } finally {
      discard.mockRestore();
    }
    // The worker that went back reads the next document correctly.
    expect(await extractPdfParallel(file, { workers: 1 })).toEqual(first);
    await closePdfWorkerPool();
  });
});
