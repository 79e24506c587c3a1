/**
 * The chunker on real text: Markdown and reference text from ../shared, SciFact abstracts, and
 * page text that pdfjs extracts from real PDFs (English, CJK, Thai, Korean, and one PDF whose
 * font encoding turns its text into control characters).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkDocument, resolveChunkOptions } from '../../../main/chunk/chunker';
import type { ExtractedDocument } from '../../../main/ingest/types';
import { sharedPath } from '../../helpers/shared';
import { linesToDocument, markdownToDocument, pdfPageTexts } from './realdocs';
import { verifyChunks } from './verify';

const opts = resolveChunkOptions();

describe('chunkDocument on real text', () => {
  it('keeps every invariant on the shared Markdown and reference text', () => {
    const files = [
      ...readdirSync(sharedPath('corpus', 'pdf', '_expected_text')).map((f) => sharedPath('corpus', 'pdf', '_expected_text', f)),
      ...readdirSync(sharedPath('corpus', 'formats', 'md')).map((f) => sharedPath('corpus', 'formats', 'md', f)),
    ];
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const d = markdownToDocument(readFileSync(file, 'utf8'));
      for (const o of [{}, { targetTokens: 80, maxTokens: 110 }]) {
        const chunks = chunkDocument('md', d, o);
        verifyChunks('md', d, chunks, resolveChunkOptions(o));
      }
    }
  });

  it('carries the real heading paths of a structured document', () => {
    const d = markdownToDocument(readFileSync(sharedPath('corpus', 'pdf', '_expected_text', 'docling__multi_page.md'), 'utf8'));
    const chunks = chunkDocument('mp', d, { targetTokens: 120, maxTokens: 160 });
    const paths = chunks.map((c) => c.headingPath.join(' > '));
    expect(paths).toContain('The Evolution of the Word Processor');
    expect(paths).toContain('Pre-Digital Era (19th - Early 20th Century)');
    const early = chunks.find((c) => c.headingPath[0] === 'Pre-Digital Era (19th - Early 20th Century)');
    expect(early?.text.startsWith('## Pre-Digital Era')).toBe(true);
  });

  it('chunks SciFact abstracts into sentence-aligned chunks near the target', () => {
    const lines = readFileSync(sharedPath('eval', 'scifact', 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 600);
    // 600 abstracts as one 600-page document, each page a title heading and its abstract.
    const pages = lines.map((l, i) => {
      const { title, text } = JSON.parse(l) as { title: string; text: string };
      const body = `${title}\n\n${text}`;
      return {
        page: i + 1,
        text: body,
        blocks: [
          { kind: 'heading' as const, level: 1, text: title, start: 0, end: title.length, headingPath: [title] },
          { kind: 'paragraph' as const, text, start: title.length + 2, end: body.length, headingPath: [title] },
        ],
      };
    });
    const d: ExtractedDocument = { format: 'text', meta: { pageCount: pages.length }, pages, warnings: [] };
    const chunks = chunkDocument('sf', d, { targetTokens: 120, maxTokens: 160 });
    verifyChunks('sf', d, chunks, resolveChunkOptions({ targetTokens: 120, maxTokens: 160 }));
    expect(chunks.length).toBeGreaterThan(600);
    // Chunks end with final punctuation unless an abstract simply stops without it.
    const ending = chunks.filter((c) => /[.!?)\]"”]$/.test(c.text)).length;
    expect(ending / chunks.length).toBeGreaterThan(0.95);
  });

  it('keeps every invariant on a 55-page PDF, with paragraphs that cross pages', async () => {
    const d = linesToDocument(await pdfPageTexts(sharedPath('corpus', 'pdf', 'long_real', 'pdfjs__pdkids.pdf')));
    const chunks = chunkDocument('kids', d);
    verifyChunks('kids', d, chunks, opts);
    expect(chunks.length).toBeGreaterThan(50);
    expect(chunks.some((c) => c.pageEnd > c.pageStart)).toBe(true);
    const sizes = chunks.map((c) => c.tokenCount).sort((a, b) => a - b);
    expect(sizes[sizes.length >> 1]).toBeGreaterThan(150);
    expect(sizes[sizes.length - 1]).toBeLessThanOrEqual(400);
  });

  it.each([
    ['non_latin', 'pdfjs__issue16063.pdf'],
    ['non_latin', 'pdfjs__issue13211.pdf'],
    ['non_latin', 'unstructured__korean-text-with-tables.pdf'],
    ['non_latin', 'pdfjs__complex_ttf_font.pdf'],
    ['long_real', 'pdfjs__TAMReview.pdf'],
  ])('keeps every invariant on %s/%s', async (folder, file) => {
    const d = linesToDocument(await pdfPageTexts(sharedPath('corpus', 'pdf', folder, file)));
    expect(d.pages.some((p) => p.text.trim() !== '')).toBe(true);
    for (const o of [{}, { targetTokens: 40, maxTokens: 60 }]) {
      const chunks = chunkDocument('pdf', d, o);
      expect(chunks.length).toBeGreaterThan(0);
      verifyChunks('pdf', d, chunks, resolveChunkOptions(o));
    }
  });
});
