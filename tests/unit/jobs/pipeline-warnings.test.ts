import { expect, it } from 'vitest';
import { uniqueWarnings } from '../../../contract';

const bad = (page: number) => ({ page, code: 'PDF_MALFORMED', message: `Page ${page} could not be read: Bad encoding in flate stream` });

it('lists a page the extractor reported twice (as a warning and on the page) once', () => {
  const ocr = { code: 'NEEDS_OCR', message: '10 of 16 pages have no text layer (scanned?).' };
  expect(uniqueWarnings([bad(12), bad(16), ocr, bad(12), bad(16)])).toEqual([bad(12), bad(16), ocr]);
  // Same message on another page is another warning.
  expect(uniqueWarnings([bad(1), { ...bad(1), page: 2 }])).toHaveLength(2);
});
