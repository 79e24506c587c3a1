import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { extractBuffer, extractFile } from '../../main/ingest';
import { extractDocx } from '../../main/ingest/docx';
import { DOCX_OFFTHREAD_BYTES } from '../../main/ingest/docx-offthread';
import { closePdfWorkerPool, pdfWorkerPool } from '../../main/ingest/pdf-pool';
import type { ExtractedDocument } from '../../main/ingest/types';
import { QuarryError } from '../../main/util/errors';
import { sharedPath } from '../helpers/shared';

const DOCX = (...p: string[]): string => sharedPath('corpus', 'docx', ...p);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(QuarryError);
    return (e as QuarryError).code;
  }
  throw new Error('expected a QuarryError');
}

function blocksOf(doc: ExtractedDocument): { kind: string; text: string; path: string[] }[] {
  return doc.pages[0].blocks.map((b) => ({ kind: b.kind, text: b.text, path: b.headingPath }));
}

describe('DOCX corpus', () => {
  const files = ['docling', 'mammoth', 'unstructured'].flatMap((d) =>
    readdirSync(DOCX(d))
      .filter((f) => f.endsWith('.docx'))
      .map((f) => `${d}/${f}`),
  );

  it.each(files)('%s extracts as one page with consistent offsets', { timeout: 30_000 }, async (name) => {
    const doc = await extractFile(DOCX(name));
    expect(doc.format).toBe('docx');
    expect(doc.pages).toHaveLength(1);
    expect(doc.pages[0].page).toBe(1);
    for (const b of doc.pages[0].blocks) expect(doc.pages[0].text.slice(b.start, b.end)).toBe(b.text);
  });

  it('keeps the heading path on every block', async () => {
    const doc = await extractFile(DOCX('docling', 'unit_test_headers.docx'));
    const blocks = blocksOf(doc);
    expect(blocks[0]).toEqual({ kind: 'heading', text: 'Test Document', path: ['Test Document'] });
    expect(blocks.find((b) => b.text === 'Paragraph 1.2.3.1')?.path).toEqual(['Section 1', 'Section 1.2', 'Section 1.2.3']);
    expect(blocks.find((b) => b.text === 'Section 2.1')?.path).toEqual(['Section 2', 'Section 2.1']);
    expect(doc.meta).toMatchObject({ title: 'Test Document', author: 'Peter Staar', createdAt: '2024-09-26T08:01:00.000Z' });
  });

  it('writes tables as rows of " | "-joined cells', async () => {
    const doc = await extractFile(DOCX('mammoth', 'tables.docx'));
    expect(doc.pages[0].text).toBe('Above\n\nTop left | Top right\nBottom left | Bottom right\n\nBelow');
    expect(doc.pages[0].blocks[1].kind).toBe('table');
  });

  it('writes lists as "- item" lines, nested items indented', async () => {
    const doc = await extractFile(DOCX('docling', 'docx_lists.docx'));
    const lists = doc.pages[0].blocks.filter((b) => b.kind === 'list');
    expect(lists[0].text).toBe('- List item 1\n- List item 2\n- List item 3');
    expect(lists.some((l) => l.text.includes('- List item 2\n  - List item 1.1'))).toBe(true);
    expect(lists[0].headingPath).toEqual(['Test Document', 'Test 1:']);
  });

  it('reads the 872-page handbook', { timeout: 60_000 }, async () => {
    const doc = await extractFile(DOCX('unstructured', 'handbook-872p.docx'));
    expect(doc.pages[0].text.length).toBeGreaterThan(500_000);
    expect(doc.pages[0].blocks.filter((b) => b.kind === 'heading').length).toBeGreaterThan(20);
  });

  it('reads a long DOCX in a worker thread, with the same result as in this thread', { timeout: 60_000 }, async () => {
    const buf = await readFile(DOCX('unstructured', 'handbook-872p.docx'));
    expect(buf.length).toBeGreaterThanOrEqual(DOCX_OFFTHREAD_BYTES);
    await closePdfWorkerPool();
    const offThread = await extractBuffer(buf, 'handbook-872p.docx');
    // The reader worker did it, and waits warm in the pool for the next document.
    expect(pdfWorkerPool.idleCount).toBe(1);
    expect(offThread).toEqual(await extractDocx(buf));
    await closePdfWorkerPool();
  });

  it('brings errors back from the worker, and ends it after an abort', { timeout: 60_000 }, async () => {
    const buf = await readFile(DOCX('unstructured', 'handbook-872p.docx'));
    await closePdfWorkerPool();
    expect(await codeOf(extractBuffer(buf.subarray(0, buf.length - 40), 'cut.docx'))).toBe('DOCX_MALFORMED');
    // A document that fails cleanly leaves its worker reusable.
    expect(pdfWorkerPool.idleCount).toBe(1);
    const ac = new AbortController();
    const run = extractBuffer(buf, 'handbook-872p.docx', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await codeOf(run)).toBe('CANCELLED');
    // The aborted run took that worker and ended it.
    expect(pdfWorkerPool.idleCount).toBe(0);
    await closePdfWorkerPool();
  });
});

describe('DOCX safety', () => {
  it('refuses a zip bomb before inflating it (ratio limit)', { timeout: 30_000 }, async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('word/document.xml', Buffer.alloc(40 * 1024 * 1024, 0x30));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(200_000);
    expect(await codeOf(extractBuffer(bomb, 'bomb.docx'))).toBe('DOCX_TOO_LARGE');
  });

  it('uses the central directory sizes: a claimed 4 GB part is refused without reading it', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document/>');
    const buf = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    // Patch the central directory's uncompressed size of the part to ~4 GB.
    const cd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(0xfffffff0, cd + 24);
    expect(await codeOf(extractBuffer(buf, 'claims.docx'))).toBe('DOCX_TOO_LARGE');
  });

  it('honours a lower total-size limit', async () => {
    const buf = await readFile(DOCX('unstructured', 'handbook-872p.docx'));
    expect(await codeOf(extractBuffer(buf, 'h.docx', { limits: { maxDocxUncompressedBytes: 1024 * 1024 } }))).toBe('DOCX_TOO_LARGE');
  });

  it('reports broken archives and ZIPs without word/document.xml as DOCX_MALFORMED', async () => {
    const good = await readFile(DOCX('mammoth', 'single-paragraph.docx'));
    expect(await codeOf(extractBuffer(good.subarray(0, good.length - 40), 'cut.docx'))).toBe('DOCX_MALFORMED');
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('word/styles.xml', '<styles/>');
    const noDocument = await zip.generateAsync({ type: 'nodebuffer' });
    expect(await codeOf(extractBuffer(noDocument, 'empty.docx'))).toBe('DOCX_MALFORMED');
  });
});
