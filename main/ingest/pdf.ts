import path from 'node:path';
import { QuarryError } from '../util/errors';
import { readPdfMeta } from './pdf-meta';
import { finalizePdfPages, readPdfPage, type RawPdfPage } from './pdf-pages';
import { defaultWorkerCount, isNoWorkerError, MAX_CONSECUTIVE_PAGE_ERRORS, runPdfWorkers } from './pdf-parallel';
import { openPdf, toPdfError, type PdfDocument } from './pdfjs';
import type { DocumentMeta, ExtractedDocument, ExtractOptions } from './types';

/** PDFs with more pages than this are read by this thread too, beside the worker threads (extractPdfAuto). */
export const PARALLEL_MIN_PAGES = 40;

/** Options for PDF extraction; `fileName` only names the file in messages. */
export interface PdfExtractOptions extends ExtractOptions {
  fileName?: string;
}

function cancelled(): QuarryError {
  return new QuarryError('CANCELLED', 'Cancelled');
}

/** "Page 4", "Pages 2–18, 22": consecutive pages as ranges. */
export function pageList(pages: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
    parts.push(j > i ? `${pages[i]}–${pages[j]}` : `${pages[i]}`);
    i = j;
  }
  return `${pages.length === 1 ? 'Page' : 'Pages'} ${parts.join(', ')}`;
}

function assemble(meta: DocumentMeta, raw: RawPdfPage[], warnings: ExtractedDocument['warnings'], fileName: string): ExtractedDocument {
  if (!raw.some((p) => !p.error)) {
    const first = raw.find((p) => p.error)?.error;
    throw new QuarryError('PDF_MALFORMED', `${fileName} has no readable pages${first ? `: ${first.message}` : ''}.`, {
      hint: 'The file may be damaged. Re-save or print it to a new PDF and add it again.',
    });
  }
  const pages = finalizePdfPages(raw);
  const all = [...warnings];
  for (const p of pages) {
    if (p.error) all.push({ page: p.page, code: p.error.code, message: p.error.message });
  }
  const garbled = pages.filter((p) => p.garbled).map((p) => p.page);
  const ocr = pages.filter((p) => p.needsOcr && !p.garbled).length;
  if (ocr > 0) all.push({ code: 'NEEDS_OCR', message: `${ocr} of ${pages.length} pages have no text layer (scanned?).` });
  if (garbled.length > 0) {
    all.push({
      code: 'TEXT_UNREADABLE',
      message: `${pageList(garbled)}: the text layer does not decode to readable text (its fonts have no Unicode map), so ${garbled.length === 1 ? 'it is' : 'they are'} left out of search. OCR would read ${garbled.length === 1 ? 'it' : 'them'}.`,
    });
  }
  return { format: 'pdf', meta: { ...meta, pageCount: meta.pageCount || pages.length }, pages, warnings: all };
}

/** Reads every page of an open document in this thread. */
async function readAllPages(doc: PdfDocument, opts: PdfExtractOptions, warnings: ExtractedDocument['warnings']): Promise<RawPdfPage[]> {
  const total = doc.numPages;
  const raw: RawPdfPage[] = [];
  let failuresInRow = 0;
  for (let n = 1; n <= total; n++) {
    if (opts.signal?.aborted) throw cancelled();
    const page = await readPdfPage(doc, n);
    raw.push(page);
    failuresInRow = page.error ? failuresInRow + 1 : 0;
    opts.onPage?.(n, total);
    if (failuresInRow >= MAX_CONSECUTIVE_PAGE_ERRORS && n < total) {
      warnings.push({ code: 'PAGES_UNREADABLE', message: `Stopped after ${failuresInRow} unreadable pages in a row; ${total - n} pages skipped.` });
      break;
    }
  }
  return raw;
}

/**
 * Extracts a PDF in this thread: text per page in reading order with blocks and offsets,
 * metadata, per-page errors for damaged pages, `needsOcr` for pages without a text layer.
 *
 * @throws QuarryError PDF_PASSWORD_REQUIRED, PDF_PASSWORD_WRONG, PDF_MALFORMED, CANCELLED
 * @example
 * const doc = await extractPdf(new Uint8Array(await readFile('a.pdf')), { password: 'secret' });
 */
export async function extractPdf(data: Uint8Array, opts: PdfExtractOptions = {}): Promise<ExtractedDocument> {
  const fileName = opts.fileName ?? 'The PDF';
  if (opts.signal?.aborted) throw cancelled();
  const { doc, warnings } = await openPdf(data, { password: opts.password, fileName });
  return readInThread(doc, warnings, opts, fileName);
}

/** Reads every page of an opened document in this thread, then releases it. */
async function readInThread(doc: Parameters<typeof readPdfMeta>[0], warnings: Parameters<typeof readAllPages>[2], opts: PdfExtractOptions, fileName: string): Promise<ExtractedDocument> {
  try {
    const meta = await readPdfMeta(doc);
    const raw = await readAllPages(doc, opts, warnings);
    return assemble(meta, raw, warnings, fileName);
  } catch (e) {
    throw toPdfError(e, fileName);
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

/**
 * Extracts a PDF with its pages split across worker threads only (each opens the document and
 * reads the chunks of pages it is given); pages come back merged in order. Ingestion uses
 * extractPdfAuto, where this thread reads beside the workers; `npm run bench -- pdf-extract`
 * compares the two.
 *
 * @throws QuarryError as extractPdf; a worker that dies → PDF_MALFORMED.
 * @example
 * const doc = await extractPdfParallel('book.pdf', { workers: 2, onPage: (d, t) => log(d, t) });
 */
export async function extractPdfParallel(file: string, opts: PdfExtractOptions = {}): Promise<ExtractedDocument> {
  const fileName = opts.fileName ?? path.basename(file);
  const result = await runPdfWorkers({ path: file }, { workers: opts.workers ?? defaultWorkerCount(), password: opts.password, fileName, signal: opts.signal, onPage: opts.onPage });
  return assemble(result.meta, result.pages, result.warnings, fileName);
}

/**
 * Extracts a PDF the way ingestion does: a pooled worker thread opens it and reads it; if it
 * has more than PARALLEL_MIN_PAGES pages, this thread opens it too and reads pages beside
 * `workers - 1` workers (see ParallelOptions.joinWhenLong). With one reader allowed, or no
 * worker to be had, this thread reads it alone.
 *
 * A short PDF never runs in this thread: pdfjs holds the event loop for as long as it parses,
 * up to 1.5 s on the corpus's malformed files, and every search waited behind it.
 */
export async function extractPdfAuto(data: Uint8Array, opts: PdfExtractOptions = {}): Promise<ExtractedDocument> {
  const fileName = opts.fileName ?? 'The PDF';
  const workers = opts.workers ?? defaultWorkerCount();
  if (opts.signal?.aborted) throw cancelled();
  if (workers <= 1) return extractPdf(data, opts);
  let result: Awaited<ReturnType<typeof runPdfWorkers>>;
  try {
    result = await runPdfWorkers(
      { data },
      {
        workers: 1,
        password: opts.password,
        fileName,
        signal: opts.signal,
        onPage: opts.onPage,
        joinWhenLong: { minPages: PARALLEL_MIN_PAGES, workers: workers - 1, open: async () => (await openPdf(data, { password: opts.password, fileName })).doc },
      },
    );
  } catch (e) {
    if (isNoWorkerError(e)) return extractPdf(data, opts);
    throw toPdfError(e, fileName);
  }
  return assemble(result.meta, result.pages, result.warnings, fileName);
}
