import JSZip from 'jszip';
import { DomUtils, parseDocument } from 'htmlparser2';
import { QuarryError } from '../util/errors';
import { HtmlBlockWalker, inlineText } from './html-blocks';
import { buildPage, HeadingTracker } from './page';
import { DEFAULT_LIMITS, type DocumentMeta, type ExtractedDocument, type IngestLimits } from './types';
import { readZipDirectory, type ZipEntryInfo } from './zip-directory';

/** Entries smaller than this may compress as well as they like: they cannot hurt. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

// Word's "Title"/"Subtitle" paragraphs are the document's own headings; mammoth's default map
// leaves them as plain paragraphs.
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];

function tooLarge(message: string): QuarryError {
  return new QuarryError('DOCX_TOO_LARGE', message, {
    hint: 'The file expands to far more data than a Word document holds; it may be a zip bomb. Raise maxDocxUncompressedBytes only if you trust it.',
  });
}

function malformed(message: string, cause?: unknown): QuarryError {
  return new QuarryError('DOCX_MALFORMED', message, { hint: 'Open and re-save the file in Word or LibreOffice, then add it again.', cause });
}

/**
 * Zip-bomb guard: checks the sizes the central directory declares — total uncompressed size and
 * each entry's compression ratio — before anything is inflated.
 *
 * @throws QuarryError DOCX_TOO_LARGE
 */
export function checkDocxLimits(entries: ZipEntryInfo[], limits: IngestLimits): void {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (total > limits.maxDocxUncompressedBytes) {
      throw tooLarge(`The document expands to more than ${Math.round(limits.maxDocxUncompressedBytes / 1048576)} MB.`);
    }
    if (e.uncompressedSize > RATIO_FLOOR_BYTES && e.uncompressedSize > e.compressedSize * limits.maxDocxRatio) {
      const ratio = e.compressedSize > 0 ? Math.round(e.uncompressedSize / e.compressedSize) : Infinity;
      throw tooLarge(`Part ${e.name} is compressed ${ratio}:1, beyond the ${limits.maxDocxRatio}:1 limit.`);
    }
  }
}

/** Reads docProps/core.xml: title, creator, created and modified dates. */
async function coreProperties(zip: JSZip): Promise<Partial<DocumentMeta>> {
  const file = zip.file('docProps/core.xml');
  if (!file) return {};
  const xml = await file.async('string');
  const doc = parseDocument(xml, { xmlMode: true });
  const text = (name: string): string | undefined => {
    const el = DomUtils.findOne((e) => e.name === name || e.name.endsWith(':' + name.split(':')[1]), doc.children);
    const t = el ? DomUtils.textContent(el).trim() : '';
    return t || undefined;
  };
  const iso = (s: string | undefined): string | undefined => {
    if (!s) return undefined;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  };
  const meta: Partial<DocumentMeta> = {};
  const title = text('dc:title');
  const author = text('dc:creator');
  const created = iso(text('dcterms:created'));
  const modified = iso(text('dcterms:modified'));
  const language = text('dc:language');
  if (title) meta.title = title;
  if (author) meta.author = author;
  if (created) meta.createdAt = created;
  if (modified) meta.modifiedAt = modified;
  if (language) meta.language = language;
  return meta;
}

/** Finds the main document part the way Word does: through _rels/.rels, else the usual name. */
async function mainPartExists(zip: JSZip, names: Set<string>): Promise<boolean> {
  if (names.has('word/document.xml')) return true;
  const rels = await zip.file('_rels/.rels')?.async('string');
  const target = rels && /Type="[^"]*\/officeDocument"[^>]*Target="\/?([^"]+)"|Target="\/?([^"]+)"[^>]*Type="[^"]*\/officeDocument"/.exec(rels);
  const part = target ? (target[1] ?? target[2]) : undefined;
  return part !== undefined && names.has(part);
}

/**
 * Extracts a Word document (one page): headings h1-h6 with their path, paragraphs, lists as
 * "- item" lines, tables as rows of " | "-joined cells. Metadata comes from docProps/core.xml.
 * Before mammoth inflates anything, the central directory's sizes are checked against the
 * limits (zip-bomb guard).
 *
 * @throws QuarryError DOCX_TOO_LARGE, DOCX_MALFORMED, CANCELLED
 * @example
 * const doc = await extractDocx(await readFile('report.docx'));
 */
export async function extractDocx(buf: Buffer, opts: { limits?: Partial<IngestLimits>; signal?: AbortSignal } = {}): Promise<ExtractedDocument> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  let entries: ZipEntryInfo[];
  try {
    entries = readZipDirectory(buf);
  } catch (e) {
    throw malformed(`Not a readable Word document: ${(e as Error).message}.`, e);
  }
  checkDocxLimits(entries, limits);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buf);
  } catch (e) {
    throw malformed(`The Word document's ZIP structure is broken: ${(e as Error).message}`, e);
  }
  if (!(await mainPartExists(zip, new Set(entries.map((e) => e.name))))) {
    throw malformed('The ZIP archive has no word/document.xml: it is not a Word document.');
  }
  opts.signal?.throwIfAborted();
  const meta: DocumentMeta = { pageCount: 1, ...(await coreProperties(zip).catch(() => ({}))) };
  let html: string;
  try {
    // Loaded on first use, so a reader worker that only ever reads PDFs never loads it.
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml(
      { buffer: buf },
      {
        styleMap: STYLE_MAP,
        externalFileAccess: false,
        // Images carry no text; skipping them avoids base64-encoding every picture.
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      },
    );
    html = result.value;
  } catch (e) {
    throw malformed(`Word could not be read: ${(e as Error).message}`, e);
  }
  opts.signal?.throwIfAborted();
  const dom = parseDocument(html);
  const blocks = new HtmlBlockWalker({ dropChrome: false }).walk(dom.children);
  const page = buildPage(1, blocks, new HeadingTracker());
  if (!meta.title) {
    const h1 = DomUtils.findOne((e) => e.name === 'h1', dom.children);
    const t = h1 ? inlineText(h1).replace(/\s+/g, ' ').trim() : '';
    if (t) meta.title = t;
  }
  return { format: 'docx', meta, pages: [page], warnings: [] };
}
