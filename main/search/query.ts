/**
 * What a query asks for beyond its words: exact units (IDs, codes, numbers, quoted phrases)
 * that must rank the chunks containing them first. Pure vector search misses these, which is
 * the most common complaint users have about peers' search.
 */
export interface AnalyzedQuery {
  /** The query with quotes removed: what BM25 and the embedder see. */
  text: string;
  /** Units that must appear verbatim (case-insensitive), e.g. "E-4012", "7A", "net revenue". */
  exact: string[];
}

const QUOTED = /"([^"]{1,200})"|“([^”]{1,200})”/g;

/** True for tokens that look like identifiers or codes: they contain a digit, or inner punctuation between letters/digits. */
export function isCodeLike(token: string): boolean {
  if (token.length < 2 && !/\d/.test(token)) return false;
  if (/\d/.test(token)) return true;
  // ABC-12x, foo_bar, v2.x, A/B: inner punctuation joining alphanumerics
  if (/[A-Za-z0-9][-_./:#][A-Za-z0-9]/.test(token)) return true;
  // ALLCAPS acronyms of 3+ letters inside a mixed-case query ("NIST", "GDPR")
  return /^[A-Z]{3,}$/.test(token);
}

export function analyzeQuery(query: string): AnalyzedQuery {
  const exact: string[] = [];
  for (const m of query.matchAll(QUOTED)) {
    const phrase = (m[1] ?? m[2] ?? '').trim();
    if (phrase) exact.push(phrase);
  }
  const unquoted = query.replace(QUOTED, ' ');
  const allCaps = unquoted === unquoted.toUpperCase();
  for (const raw of unquoted.split(/\s+/)) {
    const token = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (!token) continue;
    if (allCaps && /^[A-Z]+$/.test(token)) continue; // a shouted query is not a list of acronyms
    if (isCodeLike(token) && !exact.some((e) => e.toLowerCase() === token.toLowerCase())) exact.push(token);
  }
  const text = query.replace(/["“”]/g, ' ').replace(/\s+/g, ' ').trim();
  return { text, exact };
}

const DASHES = '-‐‑‒–—';

/** A case-insensitive regex matching an exact unit as a whole token, tolerant of dash variants and spacing. */
export function exactPattern(unit: string): RegExp {
  const body = unit
    .trim()
    .split(/\s+/)
    .map((w) =>
      [...w]
        .map((ch) => (DASHES.includes(ch) ? `[${DASHES}]` : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
        .join(''),
    )
    .join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
}
