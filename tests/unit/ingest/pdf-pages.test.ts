import { describe, expect, it } from 'vitest';
import { finalizePdfPages, isGarbled, type RawPdfPage } from '../../../main/ingest/pdf-pages';
import { pageList } from '../../../main/ingest/pdf';
import type { PdfParagraph } from '../../../main/ingest/pdf-layout';

const para = (text: string, size = 10, lineCount = 1): PdfParagraph => ({ kind: 'paragraph', text, size, lineCount });
const body = (n: number): PdfParagraph => para('Body text that is long enough to dominate the character count. '.repeat(n), 10, 3 * n);

describe('finalizePdfPages', () => {
  it('decides headings by size across pages, levels them by size, and carries the path', () => {
    const raw: RawPdfPage[] = [
      { page: 1, paragraphs: [para('Chapter One', 18), para('Section A', 13.9), body(3)] },
      { page: 2, paragraphs: [body(3), para('Section B', 14), body(2)] },
    ];
    const pages = finalizePdfPages(raw);
    expect(pages[0].blocks.map((b) => [b.kind, b.level])).toEqual([['heading', 1], ['heading', 2], ['paragraph', undefined]]);
    expect(pages[1].blocks[0].headingPath).toEqual(['Chapter One', 'Section A']);
    expect(pages[1].blocks[1]).toMatchObject({ kind: 'heading', level: 2, headingPath: ['Chapter One', 'Section B'] });
    for (const p of pages) for (const b of p.blocks) expect(p.text.slice(b.start, b.end)).toBe(b.text);
  });

  it('does not make long or many-line large text a heading', () => {
    const pages = finalizePdfPages([{ page: 1, paragraphs: [para('Big pull quote '.repeat(20), 14, 6), body(4)] }]);
    expect(pages[0].blocks[0].kind).toBe('paragraph');
  });

  it('flags pages without a text layer and keeps page errors', () => {
    const pages = finalizePdfPages([
      { page: 1, paragraphs: [body(1)] },
      { page: 2, paragraphs: [para('12')] },
      { page: 3, paragraphs: [], error: { code: 'PDF_MALFORMED', message: 'Bad stream' } },
    ]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages[0].needsOcr).toBeUndefined();
    expect(pages[1].needsOcr).toBe(true);
    expect(pages[2]).toMatchObject({ error: { code: 'PDF_MALFORMED' }, text: '' });
    expect(pages[2].needsOcr).toBeUndefined();
  });
});

describe('isGarbled', () => {
  const words = (n: number, w: string): string => Array.from({ length: n }, () => w).join(' ');
  it('takes a page that is mostly stray symbols for an undecodable text layer', () => {
    expect(isGarbled(`Overview ${words(30, '%')} ${words(30, 'word')}`)).toBe(true);
    expect(isGarbled("' & % % & ; 6 % %3*(-./5)& ! %3 " + words(20, '& %') + ' ' + words(20, 'text'))).toBe(true);
  });
  it('leaves contents pages, formulas, percentages, prices, short pages and prose alone', () => {
    expect(isGarbled(words(40, 'Introduction . . . . . . 5'))).toBe(false);
    expect(isGarbled(words(20, 'A = A1 ∪ A2 ⇒ V ∩ K = ∅ ( n )'))).toBe(false);
    expect(isGarbled(words(20, 'Revenue rose 15% to $1,200 at R&D, AT&T and Johnson & Johnson.'))).toBe(false);
    expect(isGarbled(words(20, 'Really? Yes! "Stop!" she said.'))).toBe(false);
    expect(isGarbled('% & % ! & %')).toBe(false);
    expect(isGarbled(words(60, 'The pump must be checked weekly.'))).toBe(false);
  });
  it('takes reference lists whose fonts decode to symbols for undecodable', () => {
    expect(isGarbled(words(10, 'O&><<&(7009)& D &Jr.ofOrg.,EndUserComputing,16(-)5.D/7& =&(-..-)&C'))).toBe(true);
  });
  it('lists pages as ranges', () => {
    expect(pageList([4])).toBe('Page 4');
    expect(pageList([2, 3, 4, 9, 11, 12])).toBe('Pages 2–4, 9, 11–12');
  });
});
