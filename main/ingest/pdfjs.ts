import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PdfjsLib from 'pdfjs-dist/legacy/build/pdf.mjs';
import { QuarryError } from '../util/errors';
import { directPdfWorker } from './pdfjs-port';

type Pdfjs = typeof PdfjsLib;
/** An open pdfjs document. */
export type PdfDocument = Awaited<ReturnType<Pdfjs['getDocument']>['promise']>;

let loading: Promise<Pdfjs> | undefined;

/**
 * Loads pdfjs (legacy build, the one meant for Node) once per thread, together with its worker
 * module so the in-thread "fake worker" needs no URL import.
 *
 * The legacy build bundles core-js, which on Node 20 (V8 < 12.2) *replaces* `Array.prototype.push`
 * and `JSON.parse`/`JSON.stringify` process-wide with JavaScript versions, for edge cases
 * (non-writable array lengths, JSON.rawJSON) neither pdfjs nor we use. Profiling the 619-page
 * PDF showed the slow `push` alone at ~20% of extraction time, and every other module in the
 * process would pay too — so the native functions are put back once pdfjs has loaded.
 */
export function loadPdfjs(): Promise<Pdfjs> {
  loading ??= (async () => {
    const saved = { push: Array.prototype.push, parse: JSON.parse, stringify: JSON.stringify };
    try {
      const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
      // @ts-expect-error -- the worker bundle ships no type declarations; we only need its side effect
      await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
      return lib;
    } finally {
      // Restoring the native functions, see above.
      Array.prototype.push = saved.push;
      JSON.parse = saved.parse;
      JSON.stringify = saved.stringify;
    }
  })();
  return loading;
}

/** File URLs of the two pdfjs bundles loadPdfjs imports (for preloading in workers). */
export function pdfjsModuleUrls(): string[] {
  const req = createRequire(import.meta.url);
  return ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs'].map((m) => pathToFileURL(req.resolve(m)).href);
}

let assetDirs: { standardFontDataUrl: string; cMapUrl: string } | undefined;

/** The package's own font and CMap folders as file paths (trailing slash), so CJK loads offline. */
export function pdfjsAssetDirs(): { standardFontDataUrl: string; cMapUrl: string } {
  if (!assetDirs) {
    const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    assetDirs = {
      standardFontDataUrl: path.join(root, 'standard_fonts') + path.sep,
      cMapUrl: path.join(root, 'cmaps') + path.sep,
    };
  }
  return assetDirs;
}

/** What pdfjs may reject with: often not an Error at all. */
interface PdfjsFailure {
  name?: unknown;
  code?: unknown;
  message?: unknown;
}

/**
 * Maps anything pdfjs throws to a QuarryError: PasswordException 1 → PDF_PASSWORD_REQUIRED,
 * 2 → PDF_PASSWORD_WRONG, aborts → CANCELLED, everything else → PDF_MALFORMED.
 */
export function toPdfError(e: unknown, fileName = 'The PDF'): QuarryError {
  if (e instanceof QuarryError) return e;
  const f: PdfjsFailure = typeof e === 'object' && e !== null ? (e as PdfjsFailure) : {};
  const detail = typeof f.message === 'string' ? f.message : String(e);
  if (f.name === 'PasswordException') {
    if (f.code === 1) {
      return new QuarryError('PDF_PASSWORD_REQUIRED', `${fileName} is encrypted and needs a password.`, {
        hint: 'Enter the password on the document row, or pass --password.',
        cause: e,
      });
    }
    return new QuarryError('PDF_PASSWORD_WRONG', `The password for ${fileName} is not correct.`, {
      hint: 'Check the password (case matters) and try again.',
      cause: e,
    });
  }
  if (f.name === 'AbortError' || f.name === 'AbortException') return new QuarryError('CANCELLED', 'Cancelled', { cause: e });
  return new QuarryError('PDF_MALFORMED', `${fileName} could not be read: ${detail}`, {
    hint: 'The file may be damaged. Re-save or print it to a new PDF and add it again.',
    cause: e,
  });
}

// RFC 4013 SASLprep, the parts that matter for typed passwords: non-ASCII spaces become spaces,
// "commonly mapped to nothing" characters vanish, then NFKC. PDF 2.0 (R6) requires it.
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/** SASLprep-normalises a password (RFC 4013 mapping + NFKC; prohibited characters kept). */
export function saslprep(password: string): string {
  return password.replace(MAPPED_TO_NOTHING, '').replace(NON_ASCII_SPACE, ' ').normalize('NFKC');
}

/**
 * The spellings of a password worth trying, most likely first. pdfjs passes R2-R5 passwords to
 * the cipher as Latin-1 bytes, but many writers store the UTF-8 bytes of a non-ASCII password
 * (R5 files especially), and R6 wants SASLprep.
 */
export function passwordCandidates(password: string): string[] {
  const prepped = saslprep(password);
  const utf8Bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
  return [...new Set([password, prepped, utf8Bytes(password), utf8Bytes(prepped)])];
}

/** Options for opening: everything pdfjs does not need for text is off. */
function documentParams(lib: Pdfjs, data: Uint8Array, password: string | undefined): Parameters<Pdfjs['getDocument']>[0] {
  return {
    data,
    password,
    worker: directPdfWorker(lib) ?? undefined,
    ...pdfjsAssetDirs(),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    verbosity: 0,
  };
}

async function tryOpen(lib: Pdfjs, data: Uint8Array, password: string | undefined): Promise<PdfDocument> {
  // pdfjs transfers (detaches) the buffer it is given: every attempt gets its own copy.
  const task = lib.getDocument(documentParams(lib, data.slice(), password));
  try {
    return await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    throw e;
  }
}

function isWrongPassword(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as PdfjsFailure).name === 'PasswordException' && (e as PdfjsFailure).code === 2;
}

/**
 * Opens a PDF for text extraction. A password is tried in its likely spellings; when none fits
 * but the file opens without one (only an owner password is set), it opens with a warning.
 *
 * @throws QuarryError PDF_PASSWORD_REQUIRED, PDF_PASSWORD_WRONG, PDF_MALFORMED
 */
export async function openPdf(
  data: Uint8Array,
  opts: { password?: string; fileName?: string } = {},
): Promise<{ doc: PdfDocument; warnings: { code: string; message: string }[] }> {
  const lib = await loadPdfjs();
  const candidates = opts.password ? passwordCandidates(opts.password) : [undefined];
  let firstError: unknown;
  for (const pw of candidates) {
    try {
      return { doc: await tryOpen(lib, data, pw), warnings: [] };
    } catch (e) {
      firstError ??= e;
      if (!isWrongPassword(e)) throw toPdfError(e, opts.fileName);
    }
  }
  try {
    const doc = await tryOpen(lib, data, undefined);
    return { doc, warnings: [{ code: 'PASSWORD_NOT_NEEDED', message: 'The password did not match, but the PDF opens without one.' }] };
  } catch {
    throw toPdfError(firstError, opts.fileName);
  }
}
