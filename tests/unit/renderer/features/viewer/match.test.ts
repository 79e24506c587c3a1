import { describe, expect, it } from 'vitest';
import { canonicalize, locate, locatePassage, passageOnPage } from '../../../../../renderer/features/viewer/match';

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
