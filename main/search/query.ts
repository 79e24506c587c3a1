import { isUnspaced } from './tokenize';

/**
 * What a query asks for beyond its words: exact units (IDs, codes, numbers, quoted phrases)
 * that should rank the chunks containing them first. Pure vector search misses these, which is
 * the most common complaint users have about peers' search.
 *
 * How hard a unit pulls depends on the query. In a short lookup ("E-4012", "Item 7A market
 * risk") or a quoted phrase, chunks containing the units rank first, full stop. In a long
 * natural-language question, numbers and acronyms are just words ("50% of patients…" — the
 * relevant passage may well say 45%), and only identifier-like codes get a soft boost:
 * measured on SciFact train, hard promotion of every number in claims cost 0.034 nDCG@10.
 */
export interface ExactUnit {
  text: string;
  /** quoted: "…" phrase; code: letters and digits mixed (E-4012, 7A, PD-1); number: digits only; acronym: GDPR. */
  kind: 'quoted' | 'code' | 'number' | 'acronym';
}

export interface AnalyzedQuery {
  /** The query with quotes removed: what BM25 and the embedder see. */
  text: string;
  /** Units that must appear verbatim (case-insensitive). */
  exact: string[];
  units: ExactUnit[];
  /** A short lookup (few content words) or one with quoted phrases: exact units rank first. */
  strict: boolean;
}

const QUOTED = /"([^"]{1,200})"|“([^”]{1,200})”/g;
const STOP = new Set(
  'a an and are as at be but by for from has have how i in is it its of on or that the their there these this to was were what when where which who why will with does do did can could should would about into than then them they we you your our not no'.split(' '),
);
/** Queries with at most this many content words are lookups. */
const LOOKUP_WORDS = 5;

export function unitKind(token: string): ExactUnit['kind'] | undefined {
  const hasDigit = /\p{N}/u.test(token);
  const hasLetter = /\p{L}/u.test(token);
  if (hasDigit && hasLetter) return 'code';
  if (hasDigit) return /\d{2,}/.test(token) ? 'number' : undefined;
  if (/^[A-Z]{3,}$/.test(token)) return 'acronym';
  return undefined;
}

/** True for tokens that look like identifiers or codes. */
export function isCodeLike(token: string): boolean {
  return unitKind(token) !== undefined;
}

export function analyzeQuery(query: string): AnalyzedQuery {
  const units: ExactUnit[] = [];
  for (const m of query.matchAll(QUOTED)) {
    // Sentence punctuation typed inside the quotes ("…spermatids.") is not part of the phrase.
    const phrase = (m[1] ?? m[2] ?? '').trim().replace(/[.,;:!?]+$/u, '');
    if (phrase) units.push({ text: phrase, kind: 'quoted' });
  }
  const unquoted = query.replace(QUOTED, ' ');
  // A query in capitals is shouted, not a list of acronyms, unless it is one word ("QSL").
  const allCaps = unquoted === unquoted.toUpperCase() && unquoted.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w)).length > 1;
  let contentWords = 0;
  for (const raw of unquoted.split(/\s+/)) {
    const token = trimToken(raw);
    if (!token) continue;
    if (!STOP.has(token.toLowerCase())) contentWords++;
    const kind = unitKind(token);
    if (!kind || (allCaps && kind === 'acronym')) continue; // a shouted query is not a list of acronyms
    if (!units.some((u) => u.text.toLowerCase() === token.toLowerCase())) units.push({ text: token, kind });
  }
  const strict = units.some((u) => u.kind === 'quoted') || (units.length > 0 && contentWords <= LOOKUP_WORDS);
  const text = query.replace(/["“”]/g, ' ').replace(/\s+/g, ' ').trim();
  return { text, exact: units.map((u) => u.text), units, strict };
}

/**
 * A typed word without the punctuation around it, except closing brackets its own opening ones
 * need: "586(b)" and "58.6(a)(3)," stay "586(b)" and "58.6(a)(3)", "(E-4012)" becomes "E-4012".
 */
export function trimToken(raw: string): string {
  const lead = /^[^\p{L}\p{N}]*/u.exec(raw)![0].length;
  const body = raw.slice(lead).replace(/[^\p{L}\p{N}]+$/u, '');
  if (!body) return '';
  let open = 0;
  for (const ch of body) {
    if (ch === '(' || ch === '[') open++;
    else if ((ch === ')' || ch === ']') && open > 0) open--;
  }
  let out = body;
  for (const ch of raw.slice(lead + body.length)) {
    if (open === 0 || (ch !== ')' && ch !== ']')) break;
    out += ch;
    open--;
  }
  return out;
}

const DASHES = '-‐‑‒–—';

/** Letters then digits, or digits then letters, with nothing between them ("PX77", "7A"). */
const LETTER_DIGIT = /(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/**
 * The ways a code is written in documents that its exact pattern accepts too: "PX77" also as
 * "PX-77", and "PX-77" also as "PX77". The store's full-text index splits "PX-77" into two
 * tokens and keeps "PX77" as one, so exact candidates are looked up in both forms.
 *
 * @example
 * codeForms('PX77'); // ['PX77', 'PX 77']
 */
export function codeForms(unit: string): string[] {
  if (/\s/.test(unit) || !(/\p{L}/u.test(unit) && /\p{N}/u.test(unit))) return [unit];
  const parts = unit.split(new RegExp(`[${DASHES}]|${LETTER_DIGIT.source}`, 'u')).filter(Boolean);
  if (parts.length < 2) return [unit];
  const forms = [parts.join(''), parts.join(' ')];
  return [...new Set([unit, ...forms])];
}

/** Characters PDFs extract in another form than people type: Thai and Lao SARA AM split in two. */
const VARIANTS: Record<string, string> = { '\u0e33': '(?:\u0e33|\u0e4d\u0e32)', '\u0eb3': '(?:\u0eb3|\u0ecd\u0eb2)' };

/** A letter or digit: what may not touch an exact unit's edge in spaced scripts. */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The character (whole code point) ending just before `i`, '' at the start. */
function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1];
}

/** The character (whole code point) starting at `i`, '' at the end. */
function charAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/**
 * An exact unit matched case-insensitively as a whole token, tolerant of dash variants and
 * spacing. In scripts written without spaces (CJK, Thai…) there are no token boundaries to
 * require, so an edge in such a script matches inside a run of text.
 *
 * The token edges are checked in code rather than as `(?<![\p{L}\p{N}])` lookarounds: V8
 * builds a \p{L} class (case-closed under the i flag) for every new regex, ~0.7 ms each, and
 * every query with codes or numbers made several — the bulk of the searcher's tail at 100k
 * chunks (snippets p95 7–8 ms against 1.5 ms without units).
 */
export class ExactPattern {
  private readonly body: RegExp;

  constructor(
    readonly unit: string,
    body: string,
    private readonly lead: boolean,
    private readonly trail: boolean,
  ) {
    this.body = new RegExp(body, 'giu');
  }

  /** [start, end) of every whole-token occurrence in `text`, in order, not overlapping. */
  spans(text: string, firstOnly = false): [number, number][] {
    const out: [number, number][] = [];
    const re = this.body;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      const ok = (!this.lead || !WORD_CHAR.test(charBefore(text, start))) && (!this.trail || !WORD_CHAR.test(charAt(text, end)));
      if (ok) {
        out.push([start, end]);
        if (firstOnly) break;
        if (end === start) re.lastIndex++;
      } else {
        // As a lookaround would: try again from the next position, not past this match.
        re.lastIndex = start + 1;
      }
    }
    re.lastIndex = 0;
    return out;
  }

  test(text: string): boolean {
    return this.spans(text, true).length > 0;
  }
}

/** True between a letter and a digit, either way round. */
function isLetterDigitEdge(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return (/\p{L}/u.test(a) && /\p{N}/u.test(b)) || (/\p{N}/u.test(a) && /\p{L}/u.test(b));
}

const patternCache = new Map<string, ExactPattern>();

/**
 * The {@link ExactPattern} of a unit. Patterns are cached (a query's units are matched by
 * promotion, snippets and span weighting alike, search after search as the user types).
 */
export function exactPattern(unit: string): ExactPattern {
  const key = unit.trim();
  const cached = patternCache.get(key);
  if (cached) return cached;
  const chars = [...key];
  // A code (one token of letters and digits) is the same code with or without a dash where
  // letters meet digits: "PX77" finds "PX-77", and "E-4012" finds "E4012".
  const code = !/\s/.test(key) && /\p{L}/u.test(key) && /\p{N}/u.test(key);
  const body = key
    .split(/\s+/)
    .map((w) =>
      [...w]
        .map((ch, i, all) => {
          if (DASHES.includes(ch)) return code && isLetterDigitEdge(all[i - 1], all[i + 1]) ? `[${DASHES}]?` : `[${DASHES}]`;
          const lit = VARIANTS[ch] ?? ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
          return code && isLetterDigitEdge(ch, all[i + 1]) ? `${lit}[${DASHES}]?` : lit;
        })
        .join(''),
    )
    .join('\\s+');
  const lead = chars.length > 0 && !isUnspaced(chars[0]);
  const trail = chars.length > 0 && !isUnspaced(chars[chars.length - 1]);
  const pattern = new ExactPattern(key, body, lead, trail);
  if (patternCache.size >= 256) patternCache.delete(patternCache.keys().next().value as string);
  patternCache.set(key, pattern);
  return pattern;
}
