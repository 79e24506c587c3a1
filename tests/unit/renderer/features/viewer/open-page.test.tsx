import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../../../contract';
import { searchHint, ViewerView } from '../../../../../renderer/features/viewer/ViewerView';
import { focusPage, MAX_FOCUS_PAGES, passageNeighbours, type MatchHint } from '../../../../../renderer/features/viewer/target';
import { renderWith } from '../../render';

/** A snippet as the engine writes one: terms in «», their spans listed (markers included). */
function snippetOf(parts: (string | { hit: string })[], cut = { before: false, after: false }): MatchHint {
  let snippet = cut.before ? '…' : '';
  const highlights: [number, number][] = [];
  for (const p of parts) {
    if (typeof p === 'string') snippet += p;
    else {
      const at = snippet.length;
      snippet += `«${p.hit}»`;
      highlights.push([at, snippet.length]);
    }
  }
  return { snippet: snippet + (cut.after ? '…' : ''), highlights };
}

describe('focusPage', () => {
  // The reviewer's case (unstructured__fr_olap.pdf, pp. 11–12): page 11 ends with the heading
  // and the 2010a reference; the 2010b reference searched for is on page 12, after its running head.
  const page11 = 'L, ce qui pourrait donner lieu à une véritable algèbre.\n\nRéférences\n\nAligon, J., P. Marcel, et E. Negre (2010a). A framework for summarizing a log of OLAP queries.\n\nIn IEEE ICMWI, Special Track on OLAP and Data Warehousing.';
  const page12 =
    'Résumés et interrogations de logs de requêtes OLAP\n\nAligon, J., P. Marcel, et E. Negre (2010b). Résumé et interrogation de logs de requêtes OLAP.\n\nTechnical report, Université François Rabelais Tours. Chatzopoulou, G. (2009).';
  const start = page11.indexOf('Références');
  const hit = { page: 11, pageEnd: 12, start, end: page12.indexOf(' Chatzopoulou') };
  const texts = new Map([
    [11, page11],
    [12, page12],
  ]);

  it('opens the page where the searched words are, not the first page of the passage', () => {
    // What the engine sent for "Aligon Marcel Negre 2010b Résumé et interrogation" (whitespace collapsed).
    const hint = snippetOf(
      ['Track on OLAP and Data Warehousing. ', { hit: 'Résumés' }, ' ', { hit: 'et' }, ' ', { hit: 'interrogations' }, ' de logs de requêtes OLAP ', { hit: 'Aligon' }, ', J., P. ', { hit: 'Marcel' }, ', ', { hit: 'et' }, ' E. ', { hit: 'Negre' }, ' (', { hit: '2010b' }, '). ', { hit: 'Résumé' }, ' ', { hit: 'et' }, ' ', { hit: 'interrogation' }, ' de logs de requêtes OLAP. Technical report,'],
      { before: true, after: true },
    );
    expect(focusPage(hit, texts, hint)).toBe(12);
  });

  it('goes by the page with the most distinct matched terms when the snippet spans the break', () => {
    // "Aligon", "Marcel", "Negre" on page 11 (2010a); the same three plus "2010b" on page 12.
    const hint = snippetOf([{ hit: 'Aligon' }, ', J., P. ', { hit: 'Marcel' }, ', et E. ', { hit: 'Negre' }, ' (2010a). A framework for summarizing a log of OLAP queries. In IEEE ICMWI, Special Track on OLAP and Data Warehousing. Résumés et interrogations de logs de requêtes OLAP ', { hit: 'Aligon' }, ', J., P. ', { hit: 'Marcel' }, ', et E. ', { hit: 'Negre' }, ' (', { hit: '2010b' }, ').'], { before: false, after: true });
    expect(focusPage(hit, texts, hint)).toBe(12);
    // With as many on each page, the first page: the passage reads from there.
    const even = snippetOf([{ hit: 'Aligon' }, ', J., P. Marcel, et E. Negre (2010a). A framework for summarizing a log of OLAP queries. In IEEE ICMWI, Special Track on OLAP and Data Warehousing. Résumés et interrogations de logs de requêtes OLAP ', { hit: 'Aligon' }, ', J.']);
    expect(focusPage(hit, texts, even)).toBe(11);
  });

  it('keeps the first page when the words are there', () => {
    const hint = snippetOf(['Références Aligon, J., P. Marcel, et E. Negre (2010a). A ', { hit: 'framework' }, ' for ', { hit: 'summarizing' }, ' a log of OLAP queries.'], { before: false, after: true });
    expect(focusPage(hit, texts, hint)).toBe(11);
  });

  it('finds a term on a middle page of a longer passage, across hyphenation and spacing differences', () => {
    const pages = new Map([
      [4, 'Intro text. The passage starts here and goes on'],
      [5, 'through a middle page that men-\ntions   the sought word: lighthouse keepers.'],
      [6, 'and ends on this page. After the passage.'],
    ]);
    const target = { page: 4, pageEnd: 6, start: 12, end: 'and ends on this page.'.length };
    const hint = snippetOf(['middle page that mentions the sought word: ', { hit: 'lighthouse' }, ' ', { hit: 'keepers' }, '. and ends'], { before: true, after: true });
    expect(focusPage(target, pages, hint)).toBe(5);
  });

  it('opens the first page without the text of every page, without terms, or when the snippet is not in the passage', () => {
    const hint = snippetOf([{ hit: 'Aligon' }, ' (', { hit: '2010b' }, '). Résumé et interrogation de logs de requêtes OLAP.']);
    expect(focusPage(hit, new Map([[11, page11]]), hint)).toBe(11);
    expect(focusPage(hit, texts, { snippet: 'Aligon, J., P. Marcel, et E. Negre (2010b).', highlights: [] })).toBe(11);
    expect(focusPage(hit, texts, snippetOf(['words that are ', { hit: 'nowhere' }, ' in this passage at all, not even close']))).toBe(11);
    // A single-page passage, and one too long to fetch every page of, open where they start.
    expect(focusPage({ page: 12, pageEnd: 12, start: 0, end: 80 }, texts, hint)).toBe(12);
    expect(focusPage({ page: 1, pageEnd: MAX_FOCUS_PAGES + 1, start: 0, end: 10 }, texts, hint)).toBe(1);
  });
});

describe('passageNeighbours', () => {
  it('links each part of a passage over pages to the parts before and after it', () => {
    const target = { page: 3, pageEnd: 5 };
    expect(passageNeighbours(3, target)).toEqual({ next: 4 });
    expect(passageNeighbours(4, target)).toEqual({ previous: 3, next: 5 });
    expect(passageNeighbours(5, target)).toEqual({ previous: 4 });
  });

  it('has nothing for a one-page passage or a page outside the passage', () => {
    expect(passageNeighbours(2, { page: 2, pageEnd: 2 })).toEqual({});
    expect(passageNeighbours(6, { page: 3, pageEnd: 5 })).toEqual({});
    expect(passageNeighbours(2, { page: 3, pageEnd: 5 })).toEqual({});
  });
});

describe('searchHint', () => {
  const result = (over: Partial<SearchResult>): SearchResult => ({
    chunkId: 'c',
    docId: 'd',
    docName: 'olap.pdf',
    path: '/olap.pdf',
    page: 11,
    pageEnd: 12,
    start: 3485,
    end: 1026,
    headingPath: [],
    sectionId: 's',
    score: 1,
    text: 't',
    snippet: '«Aligon» (2010b)',
    highlights: [[0, 8]],
    retrievers: ['text'],
    ...over,
  });
  const target = { docId: 'd', docName: 'olap.pdf', page: 11, pageEnd: 12, start: 3485, end: 1026 };

  it('finds the result a target was opened from by its document, pages and offsets', () => {
    const results = [result({ chunkId: 'other', start: 0, snippet: 'other' }), result({})];
    expect(searchHint(results, target)).toEqual({ snippet: '«Aligon» (2010b)', highlights: [[0, 8]] });
  });

  it('has none for a target no result on show matches (a citation, a later search)', () => {
    expect(searchHint([result({ docId: 'e' })], target)).toBeUndefined();
    expect(searchHint([result({ end: 1027 })], target)).toBeUndefined();
    expect(searchHint([], target)).toBeUndefined();
  });
});

describe('the viewer on a passage over a page break', () => {
  const source = { docId: 'd', docName: 'olap.pdf', page: 11, pageEnd: 12, start: 3485, end: 1026 };
  const result = {
    ...source, chunkId: 'c', path: '/olap.pdf', headingPath: [], sectionId: 's', score: 1, text: 't', snippet: '«Aligon» (2010b)', highlights: [[0, 8]] as [number, number][], retrievers: ['text' as const],
  };

  it('says where the passage continues, with a control that goes there', () => {
    const { html } = renderWith(<ViewerView />, (s) => s.app.setState({ source, view: 'viewer', previousView: 'chat' }));
    expect(html).toContain('data-page="11"');
    expect(html).toContain('The passage runs over pp. 11–12.');
    expect(html).toMatch(/<button class="btn btn-small btn-primary" data-testid="passage-next">Passage continues on page 12 <svg/);
    expect(html).not.toContain('passage-previous');
  });

  it('shows no passage links for a passage on one page', () => {
    const { html } = renderWith(<ViewerView />, (s) => s.app.setState({ source: { ...source, pageEnd: 11, end: 3600 }, view: 'viewer', previousView: 'chat' }));
    expect(html).toContain('data-page="11"');
    expect(html).not.toContain('passage-nav');
  });

  it('waits for the text of its pages to choose the page of a search result, and only of one', () => {
    const fromSearch = renderWith(<ViewerView />, (s) => {
      s.search.setState({ results: [result] });
      s.app.setState({ source, view: 'viewer', previousView: 'search' });
    }).html;
    expect(fromSearch).toContain('Opening olap.pdf…');
    expect(fromSearch).not.toContain('data-testid="viewer"');
    // The same passage cited in Chat opens at its first page at once, whatever search shows.
    const cited = renderWith(<ViewerView />, (s) => {
      s.search.setState({ results: [result] });
      s.app.setState({ source, view: 'viewer', previousView: 'chat' });
    }).html;
    expect(cited).toContain('data-page="11"');
  });
});
