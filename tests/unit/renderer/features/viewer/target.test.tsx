import { describe, expect, it } from 'vitest';
import type { Citation } from '../../../../../contract';
import { CitationChip, SourceList } from '../../../../../renderer/features/chat/Answer';
import { citationPageEnd, citationTarget, pageRangeLabel } from '../../../../../renderer/features/viewer/target';
import { renderWith } from '../../render';

const cite = (over: Partial<Citation> = {}): Citation => ({
  n: 1, chunkId: 'c1', docId: 'd1', docName: 'redp5110.pdf', path: '/redp5110.pdf', page: 13, start: 886, end: 178, quote: 'The TAX_ID column is masked.', support: 0.9,
  ...over,
});

describe('citationTarget', () => {
  it('opens a citation over a page break with its page range', () => {
    expect(citationTarget(cite({ pageEnd: 14 }))).toEqual({ docId: 'd1', docName: 'redp5110.pdf', page: 13, pageEnd: 14, start: 886, end: 178 });
  });

  it('keeps a single-page citation on its page', () => {
    expect(citationTarget(cite({ pageEnd: 13, start: 10, end: 40 }))).toMatchObject({ page: 13, pageEnd: 13, start: 10, end: 40 });
    expect(citationTarget(cite({ pageEnd: undefined, start: 10, end: 40 }))).toMatchObject({ page: 13, pageEnd: 13, start: 10, end: 40 });
  });

  it('reads an answer saved without pageEnd whose end comes before its start as running onto the next page', () => {
    expect(citationPageEnd(cite({ pageEnd: undefined }))).toBe(14);
    expect(citationPageEnd(cite({ pageEnd: undefined, start: 0, end: 0 }))).toBe(13);
  });
});

describe('page labels', () => {
  it('says p. for one page and pp. for a range', () => {
    expect(pageRangeLabel(3)).toBe('p. 3');
    expect(pageRangeLabel(3, 3)).toBe('p. 3');
    expect(pageRangeLabel(13, 14)).toBe('pp. 13–14');
  });

  it('shows a citation over a page break as pages 13–14 in the source list and on its chip', () => {
    const citations = [cite({ pageEnd: 14 }), cite({ n: 2, page: 2, pageEnd: 2, start: 0, end: 20 })];
    const { html } = renderWith(<SourceList citations={citations} />);
    expect(html).toContain('<span class="result-page">pp. 13–14</span>');
    expect(html).toContain('<span class="result-page">p. 2</span>');
    const chip = renderWith(<CitationChip citation={citations[0]!} />).html;
    expect(chip).toContain('aria-label="Source 1: redp5110.pdf, pages 13–14"');
  });
});
