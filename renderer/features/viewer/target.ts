import type { Citation } from '../../../contract';
import type { SourceTarget } from '../../app/store';

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
