/**
 * Real text as ExtractedDocuments: PDF page text through pdfjs (the library the PDF extractor
 * uses) and Markdown files, with blocks found by simple layout rules. The offsets refer to the
 * untouched source text, as an extractor's must.
 */
import { readFile } from 'node:fs/promises';
import type { Block, ExtractedDocument, ExtractedPage } from '../../../main/ingest/types';

/** The text of each page of a PDF, as pdfjs gives it (lines ended by "\n"). */
export async function pdfPageTexts(file: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(await readFile(file)), verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    let text = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      text += item.str;
      if (item.hasEOL) text += '\n';
    }
    pages.push(text);
  }
  await pdf.destroy();
  return pages;
}

function isHeadingLine(line: string): boolean {
  const t = line.trim();
  return t.length > 2 && t.length <= 60 && /^[\p{Lu}\d]/u.test(t) && !/[.,;:!?]$/.test(t) && t.split(/\s+/).length <= 8;
}

/**
 * Pages of plain text (PDF-like: hard line breaks) to a document. A line that ends with final
 * punctuation and is clearly shorter than the page's lines ends a paragraph; a short title-like
 * line standing alone is a heading.
 */
export function linesToDocument(pageTexts: string[]): ExtractedDocument {
  const pages: ExtractedPage[] = [];
  let path: string[] = [];
  pageTexts.forEach((text, i) => {
    const lines: { start: number; end: number; text: string }[] = [];
    let pos = 0;
    for (const l of text.split('\n')) {
      lines.push({ start: pos, end: pos + l.length, text: l });
      pos += l.length + 1;
    }
    const width = Math.max(...lines.map((l) => l.text.trim().length), 1);
    const blocks: Block[] = [];
    let open: Block | undefined;
    const close = (): void => {
      if (open) blocks.push(open);
      open = undefined;
    };
    lines.forEach((l) => {
      const t = l.text.trim();
      if (t === '') return close();
      // A title-like line that does not continue a paragraph.
      if (!open && isHeadingLine(t) && t.length < width * 0.7) {
        path = [t];
        blocks.push({ kind: 'heading', level: 1, text: l.text, start: l.start, end: l.end, headingPath: path });
        return;
      }
      if (!open) open = { kind: 'paragraph', text: '', start: l.start, end: l.end, headingPath: path };
      open.end = l.end;
      open.text = text.slice(open.start, open.end);
      if (/[.!?:]["')\]]?$/.test(t) && t.length < width * 0.8) close();
    });
    close();
    pages.push({ page: i + 1, text, blocks });
  });
  return { format: 'pdf', meta: { pageCount: pages.length }, pages, warnings: [] };
}

/** A Markdown file to a one-page document: headings (with paths), lists, tables, code, paragraphs. */
export function markdownToDocument(md: string): ExtractedDocument {
  const blocks: Block[] = [];
  const path: string[] = [];
  const levels: number[] = [];
  let open: Block | undefined;
  let inCode = false;
  let pos = 0;
  const close = (): void => {
    if (open) blocks.push({ ...open, text: md.slice(open.start, open.end) });
    open = undefined;
  };
  for (const line of md.split('\n')) {
    const start = pos;
    const end = pos + line.length;
    pos = end + 1;
    const t = line.trim();
    if (t.startsWith('```')) {
      if (!inCode) {
        close();
        open = { kind: 'code', text: '', start, end, headingPath: [...path] };
      } else if (open) open.end = end;
      inCode = !inCode;
      if (!inCode) close();
      continue;
    }
    if (inCode) {
      if (open) open.end = end;
      continue;
    }
    if (t === '') {
      close();
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(t);
    if (h) {
      close();
      const level = h[1].length;
      while (levels.length && levels[levels.length - 1] >= level) {
        levels.pop();
        path.pop();
      }
      levels.push(level);
      path.push(h[2].trim());
      blocks.push({ kind: 'heading', level, text: line, start, end, headingPath: [...path] });
      continue;
    }
    const kind: Block['kind'] = t.startsWith('|') ? 'table' : /^([-*+]|\d+[.)])\s/.test(t) ? 'list' : 'paragraph';
    if (open && open.kind !== kind) close();
    if (!open) open = { kind, text: '', start, end, headingPath: [...path] };
    open.end = end;
  }
  close();
  return { format: 'markdown', meta: { pageCount: 1 }, pages: [{ page: 1, text: md, blocks }], warnings: [] };
}
