import { exactPattern, type ExactPattern } from './query';
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

/** A query term with what matching it needs, worked out once per query. */
interface Term {
  t: string;
  prefix: boolean;
  arabic?: string;
  cyrillic?: string;
}

function compileTerm(t: string): Term {
  const term: Term = { t, prefix: t.length >= 3 };
  if (/\p{Script=Arabic}/u.test(t)) term.arabic = arabicLightStem(fold(t));
  else if (/\p{Script=Cyrillic}/u.test(t)) term.cyrillic = fold(t);
  return term;
}

/** Whether document word `w` (lower-case, `stemmed` its stem) is a form of query term `term`. */
function matchesTerm(w: string, stemmed: string, term: Term): boolean {
  const { t } = term;
  if ((term.prefix ? w.startsWith(t) : w === t) || stemmed === t) return true;
  if (term.arabic !== undefined) return arabicLightStem(fold(w)) === term.arabic;
  if (term.cyrillic !== undefined) {
    // Russian inflects by ending: "прочностью" is "прочность". A shared stem of all but the
    // last three letters (at least four) is a good enough guess for marking, not for ranking.
    const a = fold(w);
    const b = term.cyrillic;
    let k = 0;
    while (k < a.length && k < b.length && a[k] === b[k]) k++;
    return k >= 4 && k >= Math.max(a.length, b.length) - 3;
  }
  return false;
}

/** What marking a query needs, shared by every result of one search. */
interface CompiledQuery {
  exact: ExactPattern[];
  terms: Term[];
  pieces: string[];
}

// A search makes up to k snippets for one query: compile it once (a one-entry cache).
let lastQuery: { key: string; compiled: CompiledQuery } | undefined;

function compileQuery(query: string, exact: string[]): CompiledQuery {
  const key = `${query}\u0000${exact.join('\u0000')}`;
  if (lastQuery?.key === key) return lastQuery.compiled;
  const compiled = {
    exact: exact.map((unit) => exactPattern(unit)),
    terms: highlightTerms(query).map(compileTerm),
    pieces: unspacedPieces(query),
  };
  lastQuery = { key, compiled };
  return compiled;
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
  const q = compileQuery(query, exact);
  const spans: [number, number][] = [];
  // The words of a unit found whole ("COVID-19", "REDP-5110-00") are not marked again on their
  // own elsewhere: a stray "19" or "1.00" is noise next to the ID itself.
  const partsOfFound = new Set<string>();
  q.exact.forEach((p, i) => {
    const found = p.spans(text);
    spans.push(...found);
    if (found.length > 0) for (const w of exact[i].toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) partsOfFound.add(w);
  });
  const terms = partsOfFound.size ? q.terms.filter((t) => !partsOfFound.has(t.t.toLowerCase())) : q.terms;
  if (terms.length) {
    for (const r of wordRuns(text)) {
      if (r.cls !== 'other') continue;
      const w = r.word.toLowerCase();
      const stemmed = stem(w);
      if (terms.some((t) => matchesTerm(w, stemmed, t))) spans.push([r.start, r.end]);
    }
  }
  // CJK and Thai…: mark each query bigram or dictionary word where it occurs; overlapping
  // bigrams merge, so a matched run is marked whole and a partial match only where it matches.
  if (q.pieces.length) {
    const f = foldWithMap(text);
    for (const p of q.pieces) {
      for (let at = f.text.indexOf(p); at !== -1; at = f.text.indexOf(p, at + 1)) spans.push([f.starts[at], f.ends[at + p.length - 1]]);
    }
  }
  const merged = mergeSpans(spans);
  const bestStart = bestWindowStart(merged, merged.map(([a, b]) => spanWeight(text.slice(a, b), exact)), width);
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

/**
 * The window start (40 characters before some span) whose window [start, start + width) holds
 * the greatest weight of whole spans; the first such start on ties. Spans are merged, so sorted
 * and disjoint: both window edges only move right, and one pass with prefix sums finds it.
 */
function bestWindowStart(spans: [number, number][], weights: number[], width: number): number {
  const sums = [0];
  for (const w of weights) sums.push(sums[sums.length - 1] + w);
  let bestStart = 0;
  let bestScore = -1;
  let first = 0; // first span starting at or after the window start
  let past = 0; // first span ending after the window end
  for (const [s] of spans) {
    const start = Math.max(0, s - 40);
    while (first < spans.length && spans[first][0] < start) first++;
    while (past < spans.length && spans[past][1] <= start + width) past++;
    const score = past > first ? sums[past] - sums[first] : 0;
    if (score > bestScore) {
      bestScore = score;
      bestStart = start;
    }
  }
  return bestStart;
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
