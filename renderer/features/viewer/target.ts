import type { Citation } from '../../../contract';
import type { SourceTarget } from '../../app/store';
import { canonicalize, locate, passageOnPage } from './match';

/** "p. 3", or "pp. 3–4" for a passage that runs over a page break. */
export function pageRangeLabel(page: number, pageEnd = page): string {
  return pageEnd > page ? `pp. ${page}–${pageEnd}` : `p. ${page}`;
}

/** The last page a citation covers: `pageEnd`, or `page` for answers saved without it. */
export function citationPageEnd(c: Pick<Citation, 'page' | 'pageEnd' | 'start' | 'end'>): number {
  if (c.pageEnd !== undefined) return Math.max(c.page, c.pageEnd);
  // Answers saved before citations carried `pageEnd` gave a passage over a page break as
  // `start` on `page` and `end` on a later page, so their end comes before their start. The
  // page after is the best guess: it is right for a chunk over two pages, and for a longer one
  // it still marks only text of the passage (a middle page lies wholly inside it).
  return c.end <= c.start && c.end > 0 ? c.page + 1 : c.page;
}

/** What the source viewer opens for a citation: its page range with per-page offsets. */
export function citationTarget(c: Citation): SourceTarget {
  return { docId: c.docId, docName: c.docName, page: c.page, pageEnd: citationPageEnd(c), start: c.start, end: c.end };
}

/** Where a search result's words matched: its snippet (terms in «») and the marked spans in it. */
export interface MatchHint {
  snippet: string;
  /** [start, end) spans within `snippet`, markers included (SearchResult.highlights). */
  highlights: [number, number][];
}

/** The canonical snippet text, and where each marked term starts in it and what it reads. */
function snippetTerms(hint: MatchHint): { text: string; terms: { at: number; term: string }[] } {
  // Plain and marked pieces alternate, so the marked ones are the odd items of canonicalize().
  const pieces: string[] = [];
  let pos = 0;
  for (const [a, b] of [...hint.highlights].sort((x, y) => x[0] - y[0])) {
    if (a < pos || b <= a) continue;
    pieces.push(hint.snippet.slice(pos, a), hint.snippet.slice(a, b).replace(/^«/, '').replace(/»$/, ''));
    pos = b;
  }
  pieces.push(hint.snippet.slice(pos));
  // The snippet says "…" where it cuts the passage; that is not in the page text.
  pieces[0] = pieces[0]!.replace(/^…/, '');
  pieces[pieces.length - 1] = pieces.at(-1)!.replace(/…$/, '');
  const { text, origin } = canonicalize(pieces);
  const terms: { at: number; term: string }[] = [];
  for (let i = 0; i < origin.length; i++) {
    const item = origin[i]!.item;
    if (item % 2 === 0) continue;
    let j = i;
    while (j < origin.length && origin[j]!.item === item) j++;
    terms.push({ at: i, term: text.slice(i, j) });
    i = j - 1;
  }
  return { text, terms };
}

/** Pages a passage runs over that the viewer prefetches to choose among; longer ones open at their first. */
export const MAX_FOCUS_PAGES = 6;

/**
 * The page to open a passage that runs over several pages at: the one holding the most of the
 * search's matched terms (distinct ones), else the first page. A passage cut at a page break
 * often has only a heading or the tail of another paragraph on its first page while the words
 * searched for are on the next, and opening there showed a page without them.
 *
 * The snippet is located in the passage by content (canonical text, as on the text layer), so
 * the whitespace the snippet collapses and the "\n" joining the pages' parts do not matter;
 * each marked term then falls on the page whose part holds its position. Ties go to the earlier
 * page. Without the text of every page, or when the snippet cannot be placed, the first page.
 *
 * @example
 * focusPage({ page: 11, pageEnd: 12, start: 3485, end: 1026 }, texts, { snippet: '…OLAP. «Aligon» (2010b)…', highlights: [[7, 15]] }) // 12
 */
export function focusPage(target: Pick<SourceTarget, 'page' | 'pageEnd' | 'start' | 'end'>, pageTexts: ReadonlyMap<number, string>, hint: MatchHint): number {
  if (target.pageEnd <= target.page || target.pageEnd - target.page + 1 > MAX_FOCUS_PAGES) return target.page;
  let passage = '';
  const starts: { page: number; at: number }[] = [];
  for (let p = target.page; p <= target.pageEnd; p++) {
    const text = pageTexts.get(p);
    if (text === undefined) return target.page;
    const range = passageOnPage(text, p, target);
    starts.push({ page: p, at: passage.length });
    if (range) passage += canonicalize([text.slice(range[0], range[1])]).text;
  }
  const snippet = snippetTerms(hint);
  const found = snippet.terms.length ? locate(passage, snippet.text) : undefined;
  if (!found) return target.page;
  const termsOn = new Map<number, Set<string>>();
  for (const { at, term } of snippet.terms) {
    const pos = found[0] + at;
    const page = starts.findLast((s) => s.at <= pos)?.page ?? target.page;
    const set = termsOn.get(page) ?? new Set<string>();
    set.add(term);
    termsOn.set(page, set);
  }
  let best = target.page;
  for (let p = target.page; p <= target.pageEnd; p++) if ((termsOn.get(p)?.size ?? 0) > (termsOn.get(best)?.size ?? 0)) best = p;
  return best;
}

/** The pages before and after `page` that the passage also covers, for the viewer's links between its parts. */
export function passageNeighbours(page: number, target: Pick<SourceTarget, 'page' | 'pageEnd'>): { previous?: number; next?: number } {
  const last = Math.max(target.page, target.pageEnd);
  if (page < target.page || page > last) return {};
  return { ...(page > target.page ? { previous: page - 1 } : {}), ...(page < last ? { next: page + 1 } : {}) };
}
