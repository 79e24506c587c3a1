import type { ErrorInfo } from '../../contract';
import { buildPage, HeadingTracker, type RawBlock } from './page';
import { layoutPage, type PdfParagraph, type PdfTextItem } from './pdf-layout';
import { toPdfError, type PdfDocument } from './pdfjs';
import type { ExtractedPage } from './types';

/** One page as a worker (or the in-thread path) hands it over: laid out, headings not decided yet. */
export interface RawPdfPage {
  page: number;
  paragraphs: PdfParagraph[];
  error?: ErrorInfo;
}

/** Pages with fewer visible characters than this have no real text layer (scans). */
export const MIN_TEXT_CHARS = 5;

/** Reads and lays out one page (1-based). Failures are recorded on the page, never thrown. */
export async function readPdfPage(doc: PdfDocument, pageNumber: number): Promise<RawPdfPage> {
  try {
    const page = await doc.getPage(pageNumber);
    try {
      // Normalisation is ours (ligatures and presentation forms only, in layoutPage): pdfjs's
      // own pass costs time per glyph and changes nothing else we keep.
      const content = await page.getTextContent({ disableNormalization: true });
      const items = content.items.filter((it): it is typeof it & PdfTextItem => 'str' in it);
      return { page: pageNumber, paragraphs: layoutPage(items) };
    } finally {
      page.cleanup();
    }
  } catch (e) {
    return { page: pageNumber, paragraphs: [], error: toPdfError(e, `Page ${pageNumber}`).toInfo() };
  }
}

/** Pages a reader keeps in flight: while one waits for pdfjs's asynchronous inflate (zlib on the thread pool), the other keeps the CPU busy. */
const PAGES_IN_FLIGHT = 2;

/**
 * Reads pages `from`..`to` of an open document, PAGES_IN_FLIGHT at a time, handing each to
 * `onPage` as it finishes (not necessarily in order). `stop` ends it early: pages still being
 * read are dropped.
 */
export async function readPageRange(doc: PdfDocument, from: number, to: number, onPage: (page: RawPdfPage) => void, stop: () => boolean = () => false): Promise<void> {
  let next = from;
  const lane = async (): Promise<void> => {
    while (next <= to && !stop()) {
      const page = await readPdfPage(doc, next++);
      if (stop()) return;
      onPage(page);
    }
  };
  await Promise.all(Array.from({ length: PAGES_IN_FLIGHT }, lane));
}

/**
 * Least share of a page's words holding a stray ASCII symbol for its text layer to count as
 * undecodable: "&" not between letters, "%" not after a digit, "$" not before one, "!" or "?"
 * before the word's end, "#" or "@" anywhere — what fonts without a Unicode map decode words to
 * ("% & ' %", "O&><<&(7009)&"). Measured over every PDF of the shared corpus (1,705 pages of 20
 * words or more): pdfjs__TAMReview.pdf's body and reference pages score 0.30-0.70; no other page
 * scores over 0.13 (a fuzzed file's debris), and all but four score under 0.05. Contents-page
 * dot leaders, formulas (∪ ⇒ =), percentages and prices do not count.
 */
export const GARBLED_SHARE = 0.2;
/** Fewer words than this and a page is too short to judge. */
const GARBLED_MIN_WORDS = 20;
const STRAY_SYMBOL = /(?<!\p{L})&|&(?!\p{L})|(?<![\p{N}\s])%|\$(?!\p{N})|[!?](?!["')\]]*$)|#|@/u;

/**
 * Whether a page's text is what a font without a Unicode map decodes to: many of its words hold
 * stray ASCII symbols (see GARBLED_SHARE).
 *
 * @example
 * isGarbled("' & % % & ; 6 % %3*(-./5)& ! %3 …"); // true, for a page of that
 */
export function isGarbled(text: string): boolean {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length < GARBLED_MIN_WORDS) return false;
  let junk = 0;
  for (const w of words) if (STRAY_SYMBOL.test(w)) junk++;
  return junk / words.length >= GARBLED_SHARE;
}

/** Sizes within 0.5 pt count as one (11.955 and 12 are the same body font). */
function roundSize(size: number): number {
  return Math.round(size * 2) / 2;
}

function isHeadingCandidate(p: PdfParagraph): boolean {
  return p.kind === 'paragraph' && p.lineCount <= 3 && p.text.length <= 200 && (p.text.match(/\p{L}/gu)?.length ?? 0) >= 2;
}

/**
 * Decides headings across the whole document, which no single page can: the body size is the
 * size most characters use; short paragraphs clearly larger than it are headings, levelled by
 * size (largest = 1). Then builds the final pages with offsets and heading paths, and flags
 * pages with almost no text as needing OCR.
 */
export function finalizePdfPages(raw: RawPdfPage[]): ExtractedPage[] {
  const charsBySize = new Map<number, number>();
  let totalChars = 0;
  for (const p of raw) {
    for (const para of p.paragraphs) {
      const s = roundSize(para.size);
      charsBySize.set(s, (charsBySize.get(s) ?? 0) + para.text.length);
      totalChars += para.text.length;
    }
  }
  const body = [...charsBySize].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  // A size used by a large share of the text is a second body font (a sidebar, an abstract),
  // not a heading size.
  const headingSizes = [...charsBySize]
    .filter(([size, chars]) => size >= body * 1.1 && chars <= totalChars * 0.25)
    .map(([size]) => size)
    .sort((a, b) => b - a);
  const levelOf = (size: number): number | undefined => {
    const i = headingSizes.indexOf(roundSize(size));
    return i < 0 ? undefined : Math.min(i + 1, 6);
  };
  const tracker = new HeadingTracker();
  return raw.map((p) => {
    const blocks: RawBlock[] = p.paragraphs.map((para) => {
      const level = isHeadingCandidate(para) ? levelOf(para.size) : undefined;
      return level ? { kind: 'heading', level, text: para.text } : { kind: para.kind, text: para.text };
    });
    const page = buildPage(p.page, blocks, tracker);
    const visible = page.text.replace(/\s+/g, '').length;
    if (p.error) page.error = { code: p.error.code, message: p.error.message };
    else if (visible < MIN_TEXT_CHARS) page.needsOcr = true;
    else if (isGarbled(page.text)) {
      page.needsOcr = true;
      page.garbled = true;
    }
    return page;
  });
}
