import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { chunkDocument } from '../../main/chunk/chunker';
import { extractFile } from '../../main/ingest';
import { loadPdfjs, openPdf, pdfjsAssetDirs, type PdfDocument } from '../../main/ingest/pdfjs';
import type { ExtractedDocument, ExtractOptions } from '../../main/ingest/types';
import { QuarryError } from '../../main/util/errors';
import { sharedPath } from '../helpers/shared';

const PDF = (...p: string[]): string => sharedPath('corpus', 'pdf', ...p);

/** PDF_INDEX.tsv: file → user password (empty when none is needed). */
function passwords(): Map<string, string> {
  const [header, ...rows] = readFileSync(PDF('PDF_INDEX.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  const file = cols.indexOf('file');
  const pw = cols.indexOf('user_password');
  return new Map(rows.map((r) => r.split('\t')).map((c) => [c[file], c[pw] ?? '']));
}

function pdfsIn(folder: string): string[] {
  return readdirSync(PDF(folder))
    .filter((f) => f.endsWith('.pdf'))
    .sort();
}

/** Runs an extraction and returns either the document or the QuarryError — anything else fails. */
async function outcome(file: string, opts: ExtractOptions = {}): Promise<ExtractedDocument | QuarryError> {
  try {
    return await extractFile(file, opts);
  } catch (e) {
    if (!(e instanceof QuarryError)) throw new Error(`non-QuarryError thrown: ${String(e)}`, { cause: e });
    return e;
  }
}

function allText(doc: ExtractedDocument): string {
  return doc.pages.map((p) => p.text).join('\n');
}

function checkOffsets(doc: ExtractedDocument): void {
  doc.pages.forEach((p, i) => {
    expect(p.page).toBe(i + 1);
    for (const b of p.blocks) expect(p.text.slice(b.start, b.end)).toBe(b.text);
  });
}

describe('malformed PDFs give partial text or PDF_MALFORMED, never a crash or a hang', () => {
  it.each(pdfsIn('malformed'))('%s', { timeout: 30_000 }, async (name) => {
    const r = await outcome(PDF('malformed', name));
    if (r instanceof QuarryError) {
      expect(r.code).toBe('PDF_MALFORMED');
      expect(r.message).toContain(name);
    } else {
      expect(r.format).toBe('pdf');
      expect(r.pages.length).toBeGreaterThan(0);
      expect(r.pages.some((p) => !p.error)).toBe(true);
      checkOffsets(r);
    }
  });

  it('keeps the readable pages of a partly broken file and records errors on the others', { timeout: 30_000 }, async () => {
    const r = await outcome(PDF('malformed', 'pdfjs__poppler-90-0-fuzzed.pdf'));
    expect(r).not.toBeInstanceOf(QuarryError);
    const doc = r as ExtractedDocument;
    expect(doc.pages).toHaveLength(16);
    const broken = doc.pages.filter((p) => p.error);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.length).toBeLessThan(16);
    expect(broken[0].error?.code).toBe('PDF_MALFORMED');
    expect(doc.warnings.some((w) => w.page === broken[0].page)).toBe(true);
  });
});

describe('encrypted PDFs', () => {
  const index = passwords();
  const files = pdfsIn('encrypted');
  const locked = files.filter((f) => index.get(`encrypted/${f}`));
  const ownerOnly = files.filter((f) => !index.get(`encrypted/${f}`));

  it('the corpus has both kinds', () => {
    expect(locked.length).toBeGreaterThanOrEqual(6);
    expect(ownerOnly.length).toBeGreaterThanOrEqual(3);
  });

  it.each(locked)('%s: no password → REQUIRED, wrong → WRONG, right → text', { timeout: 30_000 }, async (name) => {
    const file = PDF('encrypted', name);
    expect(((await outcome(file)) as QuarryError).code).toBe('PDF_PASSWORD_REQUIRED');
    expect(((await outcome(file, { password: 'definitely-not-it' })) as QuarryError).code).toBe('PDF_PASSWORD_WRONG');
    const doc = await outcome(file, { password: index.get(`encrypted/${name}`) });
    expect(doc).not.toBeInstanceOf(QuarryError);
    checkOffsets(doc as ExtractedDocument);
  });

  it('decrypts the text, including non-ASCII (R5) and SASLprep (R6) passwords', { timeout: 30_000 }, async () => {
    const umlauts = (await extractFile(PDF('encrypted', 'pdfjs__issue21579.pdf'), { password: index.get('encrypted/pdfjs__issue21579.pdf') })) as ExtractedDocument;
    expect(allText(umlauts)).toContain('decryption succeeded');
    const r6 = await extractFile(PDF('encrypted', 'pdfjs__saslprep-r6.pdf'), { password: index.get('encrypted/pdfjs__saslprep-r6.pdf') });
    expect(allText(r6)).toContain('Hello pdf.js world');
    const lo = await extractFile(PDF('encrypted', 'pypdf__libreoffice-writer-password.pdf'), { password: 'openpassword' });
    expect(allText(lo).length).toBeGreaterThan(100);
  });

  it.each(ownerOnly)('%s (owner password only) opens without one, and despite a wrong one', { timeout: 30_000 }, async (name) => {
    const plain = await outcome(PDF('encrypted', name));
    expect(plain).not.toBeInstanceOf(QuarryError);
    const withWrong = (await outcome(PDF('encrypted', name), { password: 'nope' })) as ExtractedDocument;
    expect(withWrong.warnings.map((w) => w.code)).toContain('PASSWORD_NOT_NEEDED');
  });
});

describe('scanned PDFs', () => {
  it.each(pdfsIn('scanned_ocr'))('%s: pages without a text layer are flagged needsOcr', { timeout: 30_000 }, async (name) => {
    const doc = await extractFile(PDF('scanned_ocr', name));
    if (name === 'unstructured__pdf-with-ocr-text.pdf') {
      // A scan that carries an invisible OCR layer has text: no OCR needed.
      expect(doc.pages[0].needsOcr).toBeUndefined();
      expect(allText(doc).length).toBeGreaterThan(500);
    } else {
      expect(doc.pages.every((p) => p.needsOcr)).toBe(true);
      expect(doc.warnings.map((w) => w.code)).toContain('NEEDS_OCR');
    }
  });
});

describe('undecodable text layers', () => {
  it('TAMReview: the pages whose fonts decode to symbol soup are left out of search, with one warning that says so', { timeout: 30_000 }, async () => {
    const doc = await extractFile(PDF('long_real', 'pdfjs__TAMReview.pdf'));
    const garbled = doc.pages.filter((p) => p.garbled).map((p) => p.page);
    expect(garbled).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22]);
    expect(doc.pages.filter((p) => p.garbled).every((p) => p.needsOcr)).toBe(true);
    expect(doc.warnings).toEqual([
      {
        code: 'TEXT_UNREADABLE',
        message: 'Pages 2–20, 22: the text layer does not decode to readable text (its fonts have no Unicode map), so they are left out of search. OCR would read them.',
      },
    ]);
    // Its readable first page (title and abstract) is searchable as before.
    const chunks = chunkDocument('tam', doc);
    expect(chunks.some((c) => c.text.includes('Technology Acceptance Model'))).toBe(true);
    expect(chunks.every((c) => !garbled.includes(c.pageStart) && !garbled.includes(c.pageEnd))).toBe(true);
  });

  it('no page of any other corpus PDF is taken for undecodable', { timeout: 240_000 }, async () => {
    const flagged: string[] = [];
    for (const folder of ['long_real', 'non_latin', 'forms_misc', 'malformed']) {
      for (const name of pdfsIn(folder)) {
        if (name === 'pdfjs__TAMReview.pdf') continue;
        const doc = await outcome(PDF(folder, name));
        if (doc instanceof QuarryError) continue;
        for (const p of doc.pages) if (p.garbled) flagged.push(`${name} p${p.page}`);
      }
    }
    expect(flagged).toEqual([]);
  });
});

describe('non-Latin scripts', () => {
  it.each([
    ['pdfjs__issue16063.pdf', /[\u3040-\u30FF\u4E00-\u9FFF]{20}/u, 'Japanese'],
    ['unstructured__korean-text-with-tables.pdf', /[\uAC00-\uD7AF]{4}/u, 'Korean'],
    ['pdfjs__issue13211.pdf', /[\u0E00-\u0E7F]{6}/u, 'Thai'],
    ['pypdf__habibi.pdf', /[\u0600-\u06FF]{4}/u, 'Arabic'],
    ['docling__right_to_left_03.pdf', /[\u0600-\u06FF]{4}/u, 'Persian'],
  ])('%s has %s text (%s)', { timeout: 30_000 }, async (name, script) => {
    const doc = await extractFile(PDF('non_latin', name));
    expect(allText(doc)).toMatch(script);
  });
});

/** Share of the reference's word tokens found in our text (multiset), ignoring order. */
function recall(reference: string, ours: string): number {
  const tokens = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const have = new Map<string, number>();
  for (const t of tokens(ours)) have.set(t, (have.get(t) ?? 0) + 1);
  const want = tokens(reference.replace(/<!--.*?-->/g, ''));
  let hit = 0;
  for (const t of want) {
    const n = have.get(t) ?? 0;
    if (n > 0) {
      hit++;
      have.set(t, n - 1);
    }
  }
  return hit / want.length;
}

describe('text matches the reference text', () => {
  it.each([
    ['long_real', 'docling__multi_page', 0.97],
    ['long_real', 'docling__redp5110_sampled', 0.97],
    ['long_real', 'docling__amt_handbook_sample', 0.97],
    ['forms_misc', 'docling__code_and_formula', 0.97],
    ['forms_misc', 'docling__table_mislabeled_as_picture', 0.9],
    ['non_latin', 'docling__right_to_left_01', 0.8],
  ])('%s/%s', { timeout: 30_000 }, async (folder, name, min) => {
    const doc = await extractFile(PDF(folder, `${name}.pdf`));
    const reference = readFileSync(PDF('_expected_text', `${name}.md`), 'utf8');
    expect(recall(reference, allText(doc))).toBeGreaterThanOrEqual(min);
  });
});

describe('layout and metadata on real documents', () => {
  it('multi_page: 5 pages in order, bullets as a list, no ligature or hyphen debris', { timeout: 30_000 }, async () => {
    const doc = await extractFile(PDF('long_real', 'docling__multi_page.pdf'));
    expect(doc.meta.pageCount).toBe(5);
    expect(doc.meta.createdAt).toBe('2025-01-24T13:59:15.000Z');
    checkOffsets(doc);
    const first = doc.pages[0];
    expect(first.text.startsWith('The Evolution of the Word Processor')).toBe(true);
    expect(first.blocks.find((b) => b.kind === 'list')?.text).toMatch(/^- IBM MT\/ST/);
    expect(first.blocks.find((b) => b.text.startsWith('Pre-Digital Era'))?.kind).toBe('heading');
    expect(allText(doc)).not.toMatch(/[\uFB00-\uFB06]/);
  });

  it('fr_olap (LaTeX): headings with paths, title as level 1, hyphenation undone', { timeout: 30_000 }, async () => {
    const doc = await extractFile(PDF('long_real', 'unstructured__fr_olap.pdf'));
    expect(doc.pages).toHaveLength(12);
    const intro = doc.pages[0].blocks.find((b) => b.text === '1 Introduction');
    expect(intro).toMatchObject({ kind: 'heading' });
    const after = doc.pages[0].blocks[doc.pages[0].blocks.indexOf(intro!) + 1];
    expect(after.headingPath).toContain('1 Introduction');
    expect(allText(doc)).not.toMatch(/\p{Ll}- \p{Ll}/u);
  });

  it('a 55-page PDF (worker threads) gives every page, numbered, with progress', { timeout: 60_000 }, async () => {
    const seen: number[] = [];
    const doc = await extractFile(PDF('long_real', 'pdfjs__pdkids.pdf'), { onPage: (done, total) => seen.push(done / total) });
    expect(doc.meta.pageCount).toBe(55);
    expect(doc.pages.map((p) => p.page)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    expect(seen.length).toBe(55);
    expect(seen[seen.length - 1]).toBe(1);
    expect(doc.pages.filter((p) => p.text.length > 200).length).toBeGreaterThan(40);
    checkOffsets(doc);
  });
});

describe('the in-thread DirectPort transport', () => {
  /** Every text item of every page, as pdfjs hands them over. */
  async function items(doc: PdfDocument): Promise<string[][]> {
    const out: string[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent({ disableNormalization: true });
        out.push(content.items.map((it) => ('str' in it ? `${it.str}@${it.transform.join(',')}` : '')));
        page.cleanup();
      } catch (e) {
        out.push([`error: ${(e as Error).message}`]);
      }
    }
    return out;
  }

  // Guards the by-reference transport (pdfjs-port.ts) against pdfjs upgrades: it must hand over
  // exactly what pdfjs's own structuredClone transport does.
  it.each([
    ['long_real', 'docling__multi_page.pdf'],
    ['long_real', 'unstructured__fr_olap.pdf'],
    ['non_latin', 'pdfjs__issue16063.pdf'],
    ['non_latin', 'docling__right_to_left_01.pdf'],
    ['malformed', 'pdfjs__poppler-90-0-fuzzed.pdf'],
  ])('gives the same text items as pdfjs’s own transport: %s/%s', { timeout: 30_000 }, async (folder, name) => {
    const bytes = new Uint8Array(await readFile(PDF(folder, name)));
    const lib = await loadPdfjs();
    const reference = await lib.getDocument({ data: bytes.slice(), ...pdfjsAssetDirs(), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
    const { doc } = await openPdf(bytes);
    try {
      const [a, b] = await Promise.all([items(doc), items(reference)]);
      expect(a.flat().length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    } finally {
      await Promise.all([doc.destroy(), reference.destroy()]);
    }
  });
});
