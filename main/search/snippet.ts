import { exactPattern } from './query';
import { arabicLightStem, fold, foldWithMap, scriptClass, unspacedPieces, wordRuns } from './tokenize';

/** English stop words (shared by highlighting and query expansion). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for from has have how i in is it its of on or that the their there these this to was were what when where which who why will with does do did can could should would about into than then them they we you your our not no'.split(' '),
);

/** A crude suffix stripper, good enough to highlight "studies" for "study" and "running" for "run". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  for (const suf of ['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'ed', 'es', 'ly', 's']) {
    if (w.length - suf.length >= 3 && w.endsWith(suf)) {
      w = w.slice(0, -suf.length);
      break;
    }
  }
  return w;
}

/**
 * Query words worth highlighting: no stop words, stemmed. Words in scripts written without
 * spaces are not words here: they are marked by the pieces of unspacedPieces().
 */
export function highlightTerms(query: string): string[] {
  const words = wordRuns(query.toLowerCase())
    .filter((r) => r.cls === 'other')
    .map((r) => r.word);
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w))).map(stem))];
}

/** Whether document word `w` (lower-case) is a form of query term `t`. */
function matchesTerm(w: string, t: string): boolean {
  if ((t.length >= 3 ? w.startsWith(t) : w === t) || stem(w) === t) return true;
  if (/\p{Script=Arabic}/u.test(t)) return arabicLightStem(fold(w)) === arabicLightStem(fold(t));
  if (/\p{Script=Cyrillic}/u.test(t)) {
    // Russian inflects by ending: "прочностью" is "прочность". A shared stem of all but the
    // last three letters (at least four) is a good enough guess for marking, not for ranking.
    const a = fold(w);
    const b = fold(t);
    let k = 0;
    while (k < a.length && k < b.length && a[k] === b[k]) k++;
    return k >= 4 && k >= Math.max(a.length, b.length) - 3;
  }
  return false;
}

export interface Snippet {
  snippet: string;
  highlights: [number, number][];
}

/**
 * The window of `text` with the most query matches, with matches wrapped in «» and their
 * [start,end) spans (within the returned snippet, markers included) listed for highlighting.
 */
export function makeSnippet(text: string, query: string, exact: string[], width = 240): Snippet {
  const spans: [number, number][] = [];
  for (const unit of exact) {
    const re = new RegExp(exactPattern(unit).source, 'giu');
    for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  }
  const terms = highlightTerms(query);
  if (terms.length) {
    for (const r of wordRuns(text)) {
      if (r.cls !== 'other') continue;
      const w = r.word.toLowerCase();
      if (terms.some((t) => matchesTerm(w, t))) spans.push([r.start, r.end]);
    }
  }
  // CJK and Thai…: mark each query bigram or dictionary word where it occurs; overlapping
  // bigrams merge, so a matched run is marked whole and a partial match only where it matches.
  const pieces = unspacedPieces(query);
  if (pieces.length) {
    const f = foldWithMap(text);
    for (const p of pieces) {
      for (let at = f.text.indexOf(p); at !== -1; at = f.text.indexOf(p, at + 1)) spans.push([f.starts[at], f.ends[at + p.length - 1]]);
    }
  }
  const merged = mergeSpans(spans);
  // Choose the window start that covers the most matches (exact ones count triple).
  let bestStart = 0;
  let bestScore = -1;
  for (const [s] of merged) {
    const start = Math.max(0, s - 40);
    let score = 0;
    for (const [a, b] of merged) if (a >= start && b <= start + width) score += spanWeight(text.slice(a, b), exact);
    if (score > bestScore) {
      bestScore = score;
      bestStart = start;
    }
  }
  let start = bestStart;
  let end = Math.min(text.length, start + width);
  // Snap to word boundaries.
  if (start > 0) {
    const sp = text.indexOf(' ', start);
    if (sp !== -1 && sp < start + 20) start = sp + 1;
  }
  if (end < text.length) {
    const sp = text.lastIndexOf(' ', end);
    if (sp > end - 20) end = sp;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  let out = prefix;
  const highlights: [number, number][] = [];
  let cursor = start;
  for (const [a, b] of merged) {
    if (a < start || b > end) continue;
    out += text.slice(cursor, a).replace(/\s+/g, ' ');
    const hs = out.length;
    out += `«${text.slice(a, b)}»`;
    highlights.push([hs, out.length]);
    cursor = b;
  }
  out += text.slice(cursor, end).replace(/\s+/g, ' ') + suffix;
  return { snippet: out, highlights };
}

/**
 * How much a marked span counts when choosing the window: exact units triple. A CJK span counts
 * once per bigram it covers, so "絶縁電線" matched whole outweighs "電線" matched alone.
 */
function spanWeight(s: string, exact: string[]): number {
  const cjk = [...s].filter((ch) => scriptClass(ch) === 'cjk').length;
  const base = Math.max(1, cjk - 1);
  return exact.length && isExact(s, exact) ? 3 * base : base;
}

function isExact(s: string, exact: string[]): boolean {
  return exact.some((u) => exactPattern(u).test(s));
}

function mergeSpans(spans: [number, number][]): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}
