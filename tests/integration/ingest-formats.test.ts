import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBuffer, extractFile, SUPPORTED_EXTENSIONS } from '../../main/ingest';
import { QuarryError } from '../../main/util/errors';
import { sharedPath, tempDir } from '../helpers/shared';

const FORMATS = (...p: string[]): string => sharedPath('corpus', 'formats', ...p);

async function codeOf(p: Promise<unknown>): Promise<QuarryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected a QuarryError');
}

describe('HTML from the corpus', () => {
  it('reads a windows-1252 page without a charset declaration', async () => {
    const doc = await extractFile(FORMATS('html', 'unstructured__fake-html-cp1252.html'));
    const text = doc.pages[0].text;
    expect(text).toContain('Die schöne Frau');
    expect(text).toContain('15,50 €');
    expect(text).toContain('El niño comió');
    expect(doc.warnings.map((w) => w.code)).toContain('ENCODING_FALLBACK');
  });

  it('reads a UTF-16 page (BOM beats its meta charset)', async () => {
    const doc = await extractFile(FORMATS('html', 'unstructured__example-steelJIS-datasheet-utf-16.html'));
    expect(doc.format).toBe('html');
    expect(doc.meta.title).toContain('SNB22-3');
    expect(doc.pages[0].text).toContain('Chemical composition');
    expect(doc.pages[0].text).toContain('日本語');
  });

  it('drops scripts and styles', async () => {
    const doc = await extractFile(FORMATS('html', 'unstructured__example-with-scripts.html'));
    expect(doc.pages[0].text.length).toBeGreaterThan(200);
    expect(doc.pages[0].text).not.toMatch(/function\s*\(|var \w+ =|\{\s*display:/);
  });

  it.each(readdirSync(FORMATS('html')).sort())('%s extracts with headings paths and offsets', { timeout: 30_000 }, async (name) => {
    const doc = await extractFile(FORMATS('html', name));
    expect(doc.format).toBe('html');
    expect(doc.pages[0].text.length).toBeGreaterThan(0);
    // Inline images (data: URIs) never leak into the text.
    expect(doc.pages[0].text).not.toContain('base64');
    for (const b of doc.pages[0].blocks) expect(doc.pages[0].text.slice(b.start, b.end)).toBe(b.text);
  });
});

describe('Markdown and text from the corpus', () => {
  it('decodes UTF-8 and windows-1252 umlauts', async () => {
    expect((await extractFile(FORMATS('md', 'unstructured__umlauts-utf8.md'))).pages[0].text).toContain('können');
    const legacy = await extractFile(FORMATS('md', 'unstructured__umlauts-non-utf8.md'));
    expect(legacy.pages[0].text).toContain('können');
    expect(legacy.pages[0].text).toContain('äöüß');
  });

  it('keeps fenced code and heading paths', async () => {
    const doc = await extractFile(FORMATS('md', 'unstructured__codeblock.md'));
    expect(doc.format).toBe('markdown');
    expect(doc.pages[0].blocks.some((b) => b.kind === 'code')).toBe(true);
    const wiki = await extractFile(FORMATS('md', 'docling__wiki.md'));
    const nested = wiki.pages[0].blocks.filter((b) => b.headingPath.length >= 2);
    expect(nested.length).toBeGreaterThan(0);
  });

  it('reads CSV as plain text', async () => {
    const doc = await extractFile(FORMATS('csv', 'docling__csv-comma.csv'));
    expect(doc.format).toBe('text');
    expect(doc.pages[0].text.length).toBeGreaterThan(20);
  });

  it.each([
    ['xlsx', /Excel/],
    ['pptx', /PowerPoint/],
    ['epub', /EPUB/],
    ['odt', /OpenDocument/],
    ['rtf', /RTF/],
  ])('refuses every %s file, naming what it is', async (folder, what) => {
    for (const file of readdirSync(FORMATS(folder)).sort()) {
      const e = await codeOf(extractFile(FORMATS(folder, file)));
      expect(e.code, file).toBe('UNSUPPORTED_TYPE');
      expect(e.message, file).toMatch(what);
    }
  });
});

describe('extractFile input checks', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('quarry-ingest-'));
  });
  afterAll(async () => cleanup());

  it('missing path → FILE_NOT_FOUND', async () => {
    expect((await codeOf(extractFile(path.join(dir, 'nope.pdf')))).code).toBe('FILE_NOT_FOUND');
  });

  it('a folder → INVALID_INPUT', async () => {
    await mkdir(path.join(dir, 'sub'));
    expect((await codeOf(extractFile(path.join(dir, 'sub')))).code).toBe('INVALID_INPUT');
  });

  it('0 bytes → FILE_EMPTY', async () => {
    await writeFile(path.join(dir, 'empty.txt'), '');
    expect((await codeOf(extractFile(path.join(dir, 'empty.txt')))).code).toBe('FILE_EMPTY');
    expect((await codeOf(extractBuffer(Buffer.alloc(0), 'x.md'))).code).toBe('FILE_EMPTY');
  });

  it('a PNG renamed .pdf → UNSUPPORTED_TYPE', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    await writeFile(path.join(dir, 'photo.pdf'), png);
    const e = await codeOf(extractFile(path.join(dir, 'photo.pdf')));
    expect(e.code).toBe('UNSUPPORTED_TYPE');
    expect(e.message).toContain('PNG');
  });

  it('over the size limit → FILE_TOO_LARGE', async () => {
    await writeFile(path.join(dir, 'big.txt'), 'x'.repeat(5000));
    expect((await codeOf(extractFile(path.join(dir, 'big.txt'), { limits: { maxFileBytes: 1000 } }))).code).toBe('FILE_TOO_LARGE');
  });

  it('an already aborted signal → CANCELLED', async () => {
    await writeFile(path.join(dir, 'a.md'), '# hi');
    const ac = new AbortController();
    ac.abort();
    expect((await codeOf(extractFile(path.join(dir, 'a.md'), { signal: ac.signal }))).code).toBe('CANCELLED');
  });

  it('a whitespace-only file returns a document flagged as having no text', async () => {
    await writeFile(path.join(dir, 'blank.txt'), '  \n\n \t\n');
    const doc = await extractFile(path.join(dir, 'blank.txt'));
    expect(doc.pages[0]).toMatchObject({ text: '', needsOcr: true });
    expect(doc.warnings.map((w) => w.code)).toContain('NO_TEXT');
  });

  it('lists the extensions a folder walk should pick up', () => {
    expect([...SUPPORTED_EXTENSIONS].sort()).toEqual(['docx', 'htm', 'html', 'markdown', 'md', 'pdf', 'text', 'txt']);
  });
});
