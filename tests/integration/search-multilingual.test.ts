import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchQuery, type SearchQuery as SearchQueryInput } from '../../contract';
import { writeSamples } from '../../main/demo/samples';
import { createEngine, type Engine } from '../../main/engine';
import { sharedPath, tempDir } from '../helpers/shared';

function search(engine: Engine, q: SearchQueryInput) {
  return engine.handlers['search.query'](SearchQuery.parse(q));
}

/** The marked parts of a snippet, without the markers. */
function marked(snippet: string): string[] {
  return [...snippet.matchAll(/«([^»]*)»/g)].map((m) => m[1]);
}

/**
 * Words taken from each PDF's extracted text, none of which the English index alone finds
 * inside its run of text (measured before this column existed: the Japanese, Thai-word, Arabic-
 * stem and Russian-inflection queries returned nothing).
 */
const PDF_QUERIES: { file: string; query: string; mark: string }[] = [
  { file: 'pdfjs__issue16063.pdf', query: '絶縁電線', mark: '絶縁電線' }, // Japanese, no spaces
  { file: 'pdfjs__issue16063.pdf', query: 'ケーブル', mark: 'ケーブル' },
  { file: 'unstructured__korean-text-with-tables.pdf', query: '카드', mark: '카드' }, // inside 삼성카드의
  { file: 'pdfjs__issue13211.pdf', query: 'ระนาบ', mark: 'ระนาบ' }, // Thai, inside ระนาบที่ผ่าน
  { file: 'pdfjs__issue13211.pdf', query: 'จำนวนเชิงซ้อน', mark: 'จํานวนเชิงซ้อน' }, // typed SARA AM, extracted split
  { file: 'docling__right_to_left_01.pdf', query: 'بيانات', mark: 'البيانات' }, // Arabic, article attached
  { file: 'docling__right_to_left_03.pdf', query: 'ایران', mark: 'ايران' }, // Persian yeh typed, Arabic yeh extracted
  { file: 'pypdf__habibi.pdf', query: 'habibi', mark: 'habibi' }, // its Arabic is extracted in visual order (reversed)
];

describe('search: non-Latin documents', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let engine: Engine;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const russian = path.join(dir, 'files', 'russian.txt');
    await writeSamples(path.join(dir, 'files'));
    await writeFile(russian, 'Исследование показало, что новые материалы улучшают прочность конструкций.\n\nПрочность бетона зависит от температуры.\n');
    engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: { kind: 'hash' } });
    const pdfs = PDF_QUERIES.map((q) => sharedPath('corpus', 'pdf', 'non_latin', q.file));
    await engine.handlers['library.ingest']({ paths: [...new Set(pdfs), path.join(dir, 'files')], collection: 'default', tags: [] });
    await engine.queue.whenIdle();
    expect(engine.queue.list().every((j) => j.state === 'done')).toBe(true);
    await engine.maintain();
  });
  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  it.each(PDF_QUERIES)('finds $file by "$query" on the right page, with the match marked', async ({ file, query, mark }) => {
    const res = await search(engine, { query, k: 3, mode: 'text' });
    expect(res.results[0]).toMatchObject({ docName: file, page: 1 });
    expect(marked(res.results[0].snippet)).toContain(mark);
    // Hybrid (the default) finds it too.
    expect((await search(engine, { query, k: 3 })).results[0]?.docName).toBe(file);
  });

  it('finds Russian words in other inflections', async () => {
    const res = await search(engine, { query: 'прочностью бетона', k: 3, mode: 'text' });
    expect(res.results[0]?.docName).toBe('russian.txt');
    expect(marked(res.results[0].snippet)).toEqual(expect.arrayContaining(['прочность', 'Прочность', 'бетона']));
  });

  it('searches mixed English and CJK, with or without a space between them', async () => {
    for (const query of ['LPG충전소', 'LPG 충전소']) {
      const res = await search(engine, { query, k: 3, mode: 'text' });
      expect(res.results[0]?.docName, query).toBe('unstructured__korean-text-with-tables.pdf');
      expect(marked(res.results[0].snippet).join('')).toContain('충전소');
    }
  });

  it('ranks a quoted CJK phrase by its exact occurrence', async () => {
    const res = await search(engine, { query: '"速結端子"', k: 3, mode: 'text' });
    expect(res.results[0]).toMatchObject({ docName: 'pdfjs__issue16063.pdf', page: 1 });
    expect(res.results[0].retrievers).toContain('exact');
    expect(marked(res.results[0].snippet)).toContain('速結端子');
  });

  it('returns only passages containing a quoted phrase, in every mode, and none when no passage has it', async () => {
    for (const mode of ['hybrid', 'text', 'vector'] as const) {
      const res = await search(engine, { query: '"relieve system pressure"', k: 12, mode });
      expect(res.results.length, mode).toBeGreaterThan(0);
      for (const r of res.results) expect(r.text.toLowerCase(), mode).toContain('relieve system pressure');
      expect(res.results[0]).toMatchObject({ docName: 'pump-maintenance-manual.pdf', page: 1 });
    }
    // The same words unquoted find plenty (every "pressure"); quoted in another order, nothing.
    expect((await search(engine, { query: 'pressure relieve system', k: 12 })).results.length).toBeGreaterThan(3);
    expect((await search(engine, { query: '"pressure relieve system"', k: 12 })).results).toEqual([]);
    // Korean: the PDF has 대한 but never 대한민국.
    expect((await search(engine, { query: '"대한민국"', k: 12 })).results).toEqual([]);
    expect((await search(engine, { query: '"대한"', k: 12, mode: 'text' })).results[0]?.docName).toBe('unstructured__korean-text-with-tables.pdf');
  });

  it('keeps English search on the English documents', async () => {
    const res = await search(engine, { query: 'E-4012', k: 5 });
    expect(res.results[0]?.docName).toMatch(/pump-maintenance-manual\.pdf|site-inspection-notes\.docx/);
    const cjk = await search(engine, { query: '絶縁電線', k: 10, mode: 'text' });
    expect(cjk.results.map((r) => r.docName)).toEqual(['pdfjs__issue16063.pdf']);
  });
});
