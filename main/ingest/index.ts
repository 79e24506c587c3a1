import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode, FileFormat } from '../../contract';
import { QuarryError, toQuarryError } from '../util/errors';
import { extractDocx } from './docx';
import { DOCX_OFFTHREAD_BYTES, extractDocxOffThread } from './docx-offthread';
import { extractHtml } from './html';
import { extractPdfAuto, type PdfExtractOptions } from './pdf';
import { SNIFF_BYTES, sniffFormat } from './sniff';
import { extractText } from './text';
import { DEFAULT_LIMITS, type ExtractedDocument, type ExtractOptions } from './types';

export { extractPdf, extractPdfParallel, PARALLEL_MIN_PAGES } from './pdf';
export { sniffFormat } from './sniff';
export type { ExtractedDocument, ExtractOptions } from './types';

/** File extensions a folder walk should pick up (lower case, no dot); the contract's list. */
export { SUPPORTED_EXTENSIONS } from '../../contract';

/** The code for "this file of that format is broken". */
function malformedCode(format: FileFormat | undefined): ErrorCode {
  if (format === 'pdf') return 'PDF_MALFORMED';
  if (format === 'docx') return 'DOCX_MALFORMED';
  return 'READ_FAILED';
}

function sizeChecks(size: number, name: string, opts: ExtractOptions): void {
  const max = opts.limits?.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  if (size === 0) throw new QuarryError('FILE_EMPTY', `${name} is empty (0 bytes).`, { hint: 'Nothing to read: check the file was saved completely.' });
  if (size > max) {
    throw new QuarryError('FILE_TOO_LARGE', `${name} is ${Math.round(size / 1048576)} MB, over the ${Math.round(max / 1048576)} MB limit.`, {
      hint: 'Split the file, or raise the maximum file size in settings.',
    });
  }
}

/** Pages without any text get needsOcr, and the document a warning: the caller decides. */
function flagEmpty(doc: ExtractedDocument): ExtractedDocument {
  let empty = 0;
  for (const p of doc.pages) {
    if (!p.text.trim() && !p.error) {
      p.needsOcr = true;
      empty++;
    }
  }
  if (empty === doc.pages.length && !doc.warnings.some((w) => w.code === 'NEEDS_OCR')) {
    doc.warnings.push({ code: 'NO_TEXT', message: 'The file contains no extractable text.' });
  }
  return doc;
}

async function dispatch(buf: Buffer, format: FileFormat, name: string, opts: ExtractOptions): Promise<ExtractedDocument> {
  switch (format) {
    case 'pdf': {
      const pdfOpts: PdfExtractOptions = { ...opts, fileName: name };
      return extractPdfAuto(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), pdfOpts);
    }
    case 'docx':
      if (buf.length >= DOCX_OFFTHREAD_BYTES) return extractDocxOffThread(buf, { limits: opts.limits, signal: opts.signal });
      return extractDocx(buf, { limits: opts.limits, signal: opts.signal });
    case 'html':
      return extractHtml(buf);
    case 'text':
    case 'markdown':
      return extractText(buf, format);
  }
}

/**
 * Extracts an in-memory file. The format comes from the content (`fileName` only tells
 * Markdown from text and names the file in messages).
 *
 * @throws QuarryError — and only QuarryError: FILE_EMPTY, FILE_TOO_LARGE, UNSUPPORTED_TYPE,
 *   PDF_PASSWORD_REQUIRED, PDF_PASSWORD_WRONG, PDF_MALFORMED, DOCX_MALFORMED, DOCX_TOO_LARGE,
 *   CANCELLED
 * @example
 * const doc = await extractBuffer(Buffer.from('# Hi\n\nThere'), 'note.md', {});
 */
export async function extractBuffer(buf: Buffer, fileName: string, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  const name = path.basename(fileName);
  let format: FileFormat | undefined;
  try {
    sizeChecks(buf.length, name, opts);
    format = sniffFormat(buf.subarray(0, SNIFF_BYTES), fileName);
    opts.onFormat?.(format);
    opts.signal?.throwIfAborted();
    return flagEmpty(await dispatch(buf, format, name, opts));
  } catch (e) {
    throw toQuarryError(e, malformedCode(format));
  }
}

/**
 * Extracts a file from disk: checks it (missing → FILE_NOT_FOUND, a folder → INVALID_INPUT,
 * 0 bytes → FILE_EMPTY, over the limit → FILE_TOO_LARGE), sniffs the format from its first
 * bytes, then reads it with the format's extractor. Big PDFs go to worker threads.
 *
 * @throws QuarryError only (see extractBuffer).
 * @example
 * const doc = await extractFile('/docs/report.pdf', { onPage: (d, t) => console.log(d, t) });
 */
export async function extractFile(file: string, opts: ExtractOptions = {}): Promise<ExtractedDocument> {
  const name = path.basename(file);
  let format: FileFormat | undefined;
  try {
    let info;
    try {
      info = await stat(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new QuarryError('FILE_NOT_FOUND', `${file} does not exist.`, { hint: 'Check the path; the file may have been moved or deleted.', cause: e });
      throw new QuarryError('READ_FAILED', `${file} cannot be read: ${(e as Error).message}`, { cause: e });
    }
    if (info.isDirectory()) throw new QuarryError('INVALID_INPUT', `${file} is a folder, not a file.`, { hint: 'Add the folder itself to ingest the files inside it.' });
    if (!info.isFile()) throw new QuarryError('INVALID_INPUT', `${file} is not a regular file.`);
    sizeChecks(info.size, name, opts);
    const handle = await open(file, 'r');
    let buf: Buffer;
    try {
      // Sniff first, so an unsupported 400 MB video is refused without reading it.
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      format = sniffFormat(head.subarray(0, bytesRead), file);
      opts.onFormat?.(format);
      buf = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (buf.length !== info.size) throw new QuarryError('FILE_CHANGED', `${name} changed while it was being read.`, { retryable: true });
    opts.signal?.throwIfAborted();
    return flagEmpty(await dispatch(buf, format, name, opts));
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new QuarryError('READ_FAILED', `${name} cannot be read: ${(e as Error).message}`, { cause: e });
    throw toQuarryError(e, malformedCode(format));
  }
}
