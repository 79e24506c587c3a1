/**
 * Sentence splitting for chunk boundaries. A rule-based splitter in the spirit of Punkt and
 * SRX: cheap enough to run over every page of a 600-page book, and biased towards *not*
 * splitting when unsure, because a chunk that ends one sentence late is harmless while one that
 * ends mid-sentence ("Dr." | "Smith found...") loses the meaning of both halves.
 */
import { isCloser, isOpener, isSpace } from './chars';

/** A [start, end) range of a string. */
export interface Span {
  start: number;
  end: number;
}

/** Words that end with a period but almost never end a sentence (compared lower-cased). */
const NEVER_FINAL = new Set([
  'e.g', 'i.e', 'cf', 'viz', 'vs', 'al', 'fig', 'figs', 'eq', 'eqs', 'tab', 'ref', 'refs',
  'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'jr', 'sr', 'mt', 'gen', 'col', 'lt', 'capt', 'sgt', 'rev',
  'hon', 'approx', 'ca', 'sec', 'ch', 'vol', 'vols', 'pp', 'resp', 'dept', 'univ', 'incl', 'ed',
  'eds', 'op', 'cit', 'ibid', 'esp', 'sp', 'spp', 'var', 'nr', 'u.s', 'u.k', 'u.n', 'ph.d', 'm.d',
]);
/** Abbreviations that do not end a sentence when a number follows ("No. 5", "p. 12"). */
const BEFORE_NUMBER = new Set([
  'no', 'nos', 'p', 'art', 'para', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept',
  'oct', 'nov', 'dec', 'chap', 'pt', 'ex',
]);

const DOT = 0x2e;
const NEWLINE = 0x0a;
/** Enders that need white space after them (Latin, Arabic and Devanagari scripts). */
function isSpacedEnder(c: number): boolean {
  if (c < 0x80) return c === DOT || c === 0x21 || c === 0x3f;
  return c === 0x2026 || c === 0x061f || c === 0x06d4 || c === 0x0964 || c === 0x0965;
}
/** Full-width enders that end a sentence even with no space after (CJK). */
function isImmediateEnder(c: number): boolean {
  return c >= 0x3002 && (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff61);
}

function isEnder(c: number): boolean {
  return isSpacedEnder(c) || isImmediateEnder(c);
}
const LIST_BULLETS = new Set('-*•◦▪‣·–—+●○■□►▸➢✓✔'.split('').map((c) => c.charCodeAt(0)));

const RE_LOWER = /\p{Ll}/u;
const RE_WORD = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(code: number): boolean {
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  return RE_WORD.test(String.fromCharCode(code));
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Splits text into sentences. The spans are contiguous and cover the text exactly (each span's
 * trailing white space belongs to it, leading white space to the first span), so joining the
 * slices gives back the input: nothing is lost or reordered. Empty text gives [].
 *
 * Handles abbreviations (e.g., i.e., Dr., Fig., et al.), decimals (3.14), initials (J. R. R.),
 * ellipses, closing quotes and brackets after the final punctuation, CJK enders (。！？) that
 * need no space, blank lines, and list items or table rows that start on a new line.
 *
 * @example
 * const text = 'Dr. Smith measured 3.14 m. Then he left.';
 * splitSentences(text).map((s) => text.slice(s.start, s.end));
 * // ['Dr. Smith measured 3.14 m. ', 'Then he left.']
 */
export function splitSentences(text: string): Span[] {
  const n = text.length;
  if (n === 0) return [];
  const spans: Span[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Fast path: most characters are ordinary letters, digits and spaces.
    if (c < 0x80 ? c !== NEWLINE && c !== DOT && c !== 0x21 && c !== 0x3f : !isEnder(c)) continue;
    let next = -1;
    if (c === NEWLINE) {
      next = newlineBreak(text, i);
    } else if (isImmediateEnder(c)) {
      let j = i + 1;
      while (j < n && isEnder(text.charCodeAt(j))) j++;
      while (j < n && isCloser(text.charCodeAt(j))) j++;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      next = j;
    } else {
      let runEnd = i + 1;
      while (runEnd < n && isEnder(text.charCodeAt(runEnd))) runEnd++;
      let j = runEnd;
      while (j < n && isCloser(text.charCodeAt(j))) j++;
      // "3.14", "example.com", "?!x": no white space after, so not an end.
      if (j < n && isSpace(text.charCodeAt(j))) {
        let k = j;
        while (k < n && isSpace(text.charCodeAt(k))) k++;
        if (k < n && endsSentence(text, i, runEnd, k)) next = k;
      }
      // Otherwise keep scanning after the enders: a newline in the white space may still start a list item.
      if (next < 0) i = runEnd - 1;
    }
    if (next > start && next < n) {
      spans.push({ start, end: next });
      start = next;
      i = next - 1;
    }
  }
  spans.push({ start, end: n });
  return spans;
}

/**
 * Whether the enders text[i..runEnd) end a sentence, given that the next sentence would start
 * at `next` (white space lies between).
 */
function endsSentence(text: string, i: number, runEnd: number, next: number): boolean {
  let m = next;
  while (m < text.length && isOpener(text.charCodeAt(m))) m++;
  if (m >= text.length) return true;
  const nextCode = text.charCodeAt(m);
  // A lower-case continuation means the punctuation was not final ("e.g. the", "so... we").
  if (nextCode >= 0x61 && nextCode <= 0x7a) return false;
  if (nextCode >= 0x80 && RE_LOWER.test(String.fromCharCode(nextCode))) return false;
  if (runEnd - i > 1 || text.charCodeAt(i) !== DOT) return true; // "?", "!", "...", "?!"
  let ws = i;
  while (ws > 0 && (isWordChar(text.charCodeAt(ws - 1)) || text.charCodeAt(ws - 1) === DOT)) ws--;
  if (ws === i) return true;
  const word = text.slice(ws, i);
  const lower = word.toLowerCase();
  if (NEVER_FINAL.has(lower)) return false;
  if (isDigit(nextCode) && BEFORE_NUMBER.has(lower)) return false;
  if (/^\p{Lu}$/u.test(word)) return false; // an initial: "J. Smith" (but "3.5 m. Then" ends)
  // Capitalised dotted abbreviations ("U.S.", "Ph.D."); "a.m." ends a sentence before a capital.
  if (/^(?:\p{L}{1,3}\.)+\p{L}{1,3}$/u.test(word) && /\p{Lu}/u.test(word)) return false;
  // "1." or "iv." at the start of a line is a list number, not the end of a sentence.
  if (/^(?:\d{1,3}|[ivxlc]{1,5}|[IVXLC]{1,5})$/.test(word) && atLineStart(text, ws)) return false;
  return true;
}

function atLineStart(text: string, pos: number): boolean {
  let p = pos - 1;
  while (p >= 0 && text.charCodeAt(p) !== NEWLINE && isSpace(text.charCodeAt(p))) p--;
  return p < 0 || text.charCodeAt(p) === NEWLINE;
}

/**
 * For the newline at `i`: where a new sentence starts after a blank line or at a list item or
 * table row on the next line, or -1 when the newline is a plain line wrap.
 */
function newlineBreak(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && text.charCodeAt(j) !== NEWLINE && isSpace(text.charCodeAt(j))) j++;
  if (j >= n) return -1;
  if (text.charCodeAt(j) === NEWLINE) {
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    return j < n ? j : -1;
  }
  return startsListItem(text, j) ? j : -1;
}

const LIST_NUMBER = /\(?(?:\d{1,3}|[a-z]|[ivx]{1,4}|[IVX]{1,4})[.)]|\((?:\d{1,3}|[a-zA-Z])\)/y;

/** "- item", "• item", "1. item", "2) item", "a) item", "(iv) item", "| cell |". */
function startsListItem(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  if (c === 0x7c) return true; // a table row
  let end = j + 1;
  if (!LIST_BULLETS.has(c)) {
    // Sticky, so no substring is made for the common case of an ordinary line.
    LIST_NUMBER.lastIndex = j;
    if (!LIST_NUMBER.test(text)) return false;
    end = LIST_NUMBER.lastIndex;
  }
  return end < text.length && isSpace(text.charCodeAt(end));
}
