/**
 * Finding a cited passage in a PDF page's text layer.
 *
 * The engine cites a passage by character offsets into the page text it extracted; the text
 * layer that pdf.js draws splits the same text into positioned items with its own spacing,
 * line breaks and hyphenation. So the passage is located by content: both sides are reduced
 * to a canonical form (NFKC, lower case, no whitespace or hyphens) with a map back to the
 * items, and the passage is searched for there — whole, or by anchors when the extraction
 * and the text layer disagree somewhere in the middle.
 */

/** A highlighted range within one text-layer item: [start, end) in that item's string. */
export interface ItemRange {
  item: number;
  start: number;
  end: number;
}

/** Characters ignored when matching: whitespace, soft hyphens and dashes (line-break hyphenation). */
const IGNORED = /[\s\u00ad\u2010-\u2015\-]/u;

/** Where a canonical UTF-16 unit came from: an item, and the original character's offset and length there. */
export interface Origin {
  item: number;
  offset: number;
  len: number;
}

/**
 * The canonical form of a string, with the origin of every canonical UTF-16 unit (so indexes
 * into `text` index `origin` too, astral characters included).
 */
export function canonicalize(pieces: string[]): { text: string; origin: Origin[] } {
  let text = '';
  const origin: Origin[] = [];
  pieces.forEach((piece, item) => {
    let offset = 0;
    for (const ch of piece) {
      const norm = ch.normalize('NFKC').toLowerCase();
      for (const c of norm) {
        if (IGNORED.test(c)) continue;
        text += c;
        for (let k = 0; k < c.length; k++) origin.push({ item, offset, len: ch.length });
      }
      offset += ch.length;
    }
  });
  return { text, origin };
}

const ANCHOR = 24;

/**
 * Locates `passage` in the canonical text: [start, end) in canonical characters, or undefined.
 * Tries the whole passage, then anchors: the first and the last 24-character windows of the
 * passage that occur in order, extended by what lies beyond them in the passage.
 */
export function locate(haystack: string, needle: string): [number, number] | undefined {
  if (!needle) return undefined;
  const whole = haystack.indexOf(needle);
  if (whole >= 0) return [whole, whole + needle.length];
  if (needle.length < ANCHOR) return undefined;

  let first: { at: number; off: number } | undefined;
  const step = Math.max(8, Math.floor(ANCHOR / 2));
  for (let off = 0; off + ANCHOR <= needle.length; off += step) {
    const at = haystack.indexOf(needle.slice(off, off + ANCHOR));
    if (at >= 0) {
      first = { at, off };
      break;
    }
  }
  if (!first) return undefined;
  let last = { at: first.at, off: first.off };
  for (let off = needle.length - ANCHOR; off > first.off; off -= step) {
    const at = haystack.indexOf(needle.slice(off, off + ANCHOR), first.at + 1);
    // Anchors too far apart belong to some other place on the page.
    if (at > first.at && at - first.at <= (off - first.off) * 1.5 + 40) {
      last = { at, off };
      break;
    }
  }
  const start = Math.max(0, first.at - first.off);
  const end = Math.min(haystack.length, last.at + (needle.length - last.off));
  return [start, end];
}

/**
 * The text-layer ranges covering `passage`, merged per item, or undefined when the passage is
 * not on this page's text layer.
 *
 * @example
 * locatePassage(['The quick', ' brown fox'], 'quick brown') // [{item:0,start:4,end:9},{item:1,start:1,end:6}]
 */
export function locatePassage(pieces: string[], passage: string): ItemRange[] | undefined {
  const hay = canonicalize(pieces);
  const needle = canonicalize([passage]).text;
  const found = locate(hay.text, needle);
  if (!found) return undefined;
  const [a, b] = found;
  const ranges: ItemRange[] = [];
  for (let i = a; i < b; i++) {
    const o = hay.origin[i]!;
    const last = ranges.at(-1);
    if (last && last.item === o.item) last.end = o.offset + o.len;
    else ranges.push({ item: o.item, start: o.offset, end: o.offset + o.len });
  }
  return ranges;
}

/**
 * The part of a cited passage that lies on `page`: a passage may start on one page and end on
 * a later one (`start` is within `page`, `end` within `pageEnd`).
 */
export function passageOnPage(text: string, page: number, target: { page: number; pageEnd: number; start: number; end: number }): [number, number] | undefined {
  if (page < target.page || page > target.pageEnd) return undefined;
  const from = page === target.page ? target.start : 0;
  const to = page === target.pageEnd ? target.end : text.length;
  const a = Math.max(0, Math.min(from, text.length));
  const b = Math.max(a, Math.min(to, text.length));
  return b > a ? [a, b] : undefined;
}

/** What the viewer marks on one page: the range in the page's extracted text and that text. */
export interface PageHighlight {
  range: [number, number];
  /** `text.slice(...range)`: what the PDF view looks for on its text layer. */
  passage: string;
}

/**
 * The highlight for the page being shown, or undefined when the passage has no text on it. A
 * passage over pages p..q is marked on p from `start` to the end of the page's text, on pages
 * between entirely, and on q from its start to `end` — so `end` may be smaller than `start`.
 * The text view marks `range`, the PDF view finds `passage` on its text layer: the same cut
 * for both, on every page.
 *
 * @example
 * pageHighlight('First page text', 1, { page: 1, pageEnd: 2, start: 6, end: 4 }) // { range: [6, 15], passage: 'page text' }
 */
export function pageHighlight(text: string, page: number, target: { page: number; pageEnd: number; start: number; end: number }): PageHighlight | undefined {
  const range = passageOnPage(text, page, { ...target, pageEnd: Math.max(target.page, target.pageEnd) });
  return range ? { range, passage: text.slice(range[0], range[1]) } : undefined;
}
