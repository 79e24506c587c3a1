import { describe, expect, it } from 'vitest';
import { canonicalize, locate, locatePassage, pageHighlight, passageOnPage } from '../../../../../renderer/features/viewer/match';

describe('locatePassage', () => {
  it('finds a passage spread over text-layer items with different spacing', () => {
    const items = ['The quick', ' brown', 'fox jumps over', ' the lazy dog.'];
    const ranges = locatePassage(items, 'quick brown fox\njumps');
    expect(ranges).toEqual([
      { item: 0, start: 4, end: 9 },
      { item: 1, start: 1, end: 6 },
      { item: 2, start: 0, end: 9 },
    ]);
  });

  it('matches across line-break hyphenation, ligatures and case', () => {
    const items = ['The ﬁnal docu-', 'ment was SIGNED'];
    const ranges = locatePassage(items, 'final document was signed');
    // The line-break hyphen itself is not part of the highlight.
    expect(ranges?.[0]).toEqual({ item: 0, start: 4, end: 13 });
    expect(ranges?.[1]).toEqual({ item: 1, start: 0, end: 15 });
  });

  it('falls back to anchors when the middle differs (a dropped footnote marker, an OCR slip)', () => {
    const page = 'Introduction. Climate models project that sea levels will rise¹ by one metre before the end of the century, according to the panel.';
    const passage = 'Climate models project that sea levels will rise by one metre before the end of the century';
    const ranges = locatePassage([page], passage);
    expect(ranges).toHaveLength(1);
    const r = ranges![0]!;
    expect(page.slice(r.start, r.end)).toBe('Climate models project that sea levels will rise¹ by one metre before the end of the century');
  });

  it('answers undefined for a passage that is not on the page', () => {
    expect(locatePassage(['Nothing to see here.'], 'An entirely different sentence about oceans')).toBeUndefined();
    expect(locatePassage(['abc'], '')).toBeUndefined();
  });

  it('handles non-Latin text and astral characters', () => {
    const ranges = locatePassage(['東京は', '日本の首都です😀。'], '日本の首都です😀');
    expect(ranges).toEqual([{ item: 1, start: 0, end: 9 }]);
  });
});

describe('helpers', () => {
  it('canonicalises to lower case without spaces or hyphens, keeping the origin of each character', () => {
    const c = canonicalize(['A b-', 'C']);
    expect(c.text).toBe('abc');
    expect(c.origin).toEqual([
      { item: 0, offset: 0, len: 1 },
      { item: 0, offset: 2, len: 1 },
      { item: 1, offset: 0, len: 1 },
    ]);
  });
  it('locates whole needles first', () => {
    expect(locate('xxabcxx', 'abc')).toEqual([2, 5]);
  });
  it('cuts a passage spanning pages to the part on each page', () => {
    const target = { page: 3, pageEnd: 4, start: 10, end: 5 };
    expect(passageOnPage('0123456789abcdef', 3, target)).toEqual([10, 16]);
    expect(passageOnPage('0123456789', 4, target)).toEqual([0, 5]);
    expect(passageOnPage('0123456789', 5, target)).toBeUndefined();
    expect(passageOnPage('short', 3, target)).toBeUndefined();
  });
});

describe('pageHighlight', () => {
  // The reviewer's case: a search hit "pp. 1–2" with start 214 on page 1 and end 52 on page 2.
  const page1 = 'x'.repeat(214) + 'Leverage row permissions on the database: a row permission is a filter that applies to every query.';
  const page2 = 'It is defined once, by the security officer, and it cannot be bypassed. Later text on page 2.';
  const hit = { page: 1, pageEnd: 2, start: 214, end: 'It is defined once, by the security officer, and it cannot be bypassed.'.length };

  it('marks a passage over two pages on both: from start to the end of the first, from 0 to end on the last', () => {
    expect(hit.end).toBeLessThan(hit.start);
    expect(pageHighlight(page1, 1, hit)).toEqual({ range: [214, page1.length], passage: page1.slice(214) });
    expect(pageHighlight(page2, 2, hit)).toEqual({ range: [0, hit.end], passage: 'It is defined once, by the security officer, and it cannot be bypassed.' });
    expect(pageHighlight(page2, 3, hit)).toBeUndefined();
  });

  it('marks a page between the first and the last entirely', () => {
    expect(pageHighlight('whole middle page', 5, { page: 4, pageEnd: 6, start: 30, end: 3 })).toEqual({ range: [0, 17], passage: 'whole middle page' });
  });

  it('keeps single-page passages as they were, and marks nothing for an empty range or another page', () => {
    expect(pageHighlight('0123456789', 2, { page: 2, pageEnd: 2, start: 3, end: 7 })).toEqual({ range: [3, 7], passage: '3456' });
    expect(pageHighlight('0123456789', 1, { page: 1, pageEnd: 1, start: 0, end: 0 })).toBeUndefined();
    expect(pageHighlight('0123456789', 2, { page: 2, pageEnd: 2, start: 7, end: 3 })).toBeUndefined();
    expect(pageHighlight('0123456789', 3, { page: 2, pageEnd: 2, start: 3, end: 7 })).toBeUndefined();
  });

  it('gives the PDF view a passage it finds on the text layer of each page, the same way as on one page', () => {
    // pdf.js splits lines into items with its own spacing and hyphenation.
    const layer1 = ['x'.repeat(214), 'Leverage row permissions on the data-', 'base: a row permission is a filter that', 'applies to every query.'];
    const ranges1 = locatePassage(layer1, pageHighlight(page1, 1, hit)!.passage);
    expect(ranges1?.map((r) => r.item)).toEqual([1, 2, 3]);
    const layer2 = ['It is defined once, by the security', 'officer, and it cannot be bypassed.', 'Later text on page 2.'];
    expect(locatePassage(layer2, pageHighlight(page2, 2, hit)!.passage)).toEqual([
      { item: 0, start: 0, end: 35 },
      { item: 1, start: 0, end: 35 },
    ]);
  });
});
