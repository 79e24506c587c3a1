import { decodeText } from './decode';
import { buildPage, HeadingTracker, normalizeInline, type RawBlock } from './page';
import type { ExtractedDocument } from './types';

/** Splits plain text into paragraphs on blank lines; line breaks inside a paragraph stay. */
export function plainTextBlocks(text: string): RawBlock[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00A0]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => normalizeInline(l).trim())
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean)
    .map((p) => ({ kind: 'paragraph', text: p }));
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_1 = /^ {0,3}=+[ \t]*$/;
const SETEXT_2 = /^ {0,3}-+[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const TABLE_ROW = /^ {0,3}\|/;
const TABLE_RULE = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;

function tableRow(line: string): string {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => normalizeInline(c).trim())
    .join(' | ');
}

/** Turns a run of non-blank lines into a block: list, table or paragraph. */
function paragraphBlock(lines: string[]): RawBlock | null {
  if (lines.length === 0) return null;
  if (LIST_ITEM.test(lines[0])) {
    const items = lines.map((l) => (LIST_ITEM.test(l) ? '- ' + normalizeInline(l.replace(LIST_ITEM, '')).trim() : normalizeInline(l).trim()));
    return { kind: 'list', text: items.join('\n') };
  }
  if (lines.every((l) => TABLE_ROW.test(l))) {
    return { kind: 'table', text: lines.filter((l) => !TABLE_RULE.test(l)).map(tableRow).join('\n') };
  }
  return { kind: 'paragraph', text: lines.map((l) => normalizeInline(l).trim()).join(' ') };
}

/**
 * Reads Markdown into blocks: ATX (`# x`) and Setext (`x\n===`) headings become heading blocks,
 * fenced code becomes code blocks (verbatim), lists keep one "- item" line per item, pipe tables
 * become rows of " | "-joined cells, other text splits into paragraphs on blank lines.
 * A YAML front-matter block is skipped; its `title:` is returned.
 */
export function markdownBlocks(source: string): { blocks: RawBlock[]; title?: string } {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: RawBlock[] = [];
  let title: string | undefined;
  let i = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, j) => j > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end > 0) {
      for (const l of lines.slice(1, end)) {
        const m = /^title:\s*["']?(.*?)["']?\s*$/.exec(l);
        if (m?.[1]) title = m[1];
      }
      i = end + 1;
    }
  }
  let para: string[] = [];
  const flush = (): void => {
    const b = paragraphBlock(para);
    if (b) blocks.push(b);
    para = [];
  };
  for (; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence && !(fence[1][0] === '`' && fence[2].includes('`'))) {
      flush();
      const marker = fence[1];
      const body: string[] = [];
      for (i++; i < lines.length; i++) {
        const close = lines[i].trim();
        if (close.startsWith(marker[0].repeat(marker.length)) && /^(`+|~+)$/.test(close)) break;
        body.push(lines[i].replace(/\s+$/, ''));
      }
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      flush();
      blocks.push({ kind: 'heading', level: atx[1].length, text: normalizeInline(atx[2] ?? '').trim() });
      continue;
    }
    if (para.length > 0 && !LIST_ITEM.test(para[0]) && !TABLE_ROW.test(para[0]) && (SETEXT_1.test(line) || SETEXT_2.test(line))) {
      const text = para.map((l) => normalizeInline(l).trim()).join(' ');
      para = [];
      blocks.push({ kind: 'heading', level: SETEXT_1.test(line) ? 1 : 2, text });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      flush();
      continue;
    }
    // A list or table directly after a paragraph line starts its own block.
    if (para.length > 0 && LIST_ITEM.test(line) && !LIST_ITEM.test(para[0])) flush();
    if (para.length > 0 && TABLE_ROW.test(line) !== TABLE_ROW.test(para[para.length - 1])) flush();
    para.push(line);
  }
  flush();
  title ??= blocks.find((b) => b.kind === 'heading' && b.level === 1)?.text;
  return { blocks, title };
}

/**
 * Extracts a plain-text or Markdown file (one page). Decoding: BOM (UTF-8/UTF-16), else UTF-8,
 * else windows-1252 with a warning.
 *
 * @example
 * const doc = extractText(await readFile('notes.md'), 'markdown');
 */
export function extractText(buf: Uint8Array, format: 'text' | 'markdown'): ExtractedDocument {
  const decoded = decodeText(buf);
  const warnings: ExtractedDocument['warnings'] = [];
  if (decoded.fallback) {
    warnings.push({ code: 'ENCODING_FALLBACK', message: `Not valid UTF-8: read as ${decoded.encoding}.` });
  }
  let blocks: RawBlock[];
  let title: string | undefined;
  if (format === 'markdown') {
    ({ blocks, title } = markdownBlocks(decoded.text));
  } else {
    blocks = plainTextBlocks(decoded.text);
  }
  const page = buildPage(1, blocks, new HeadingTracker());
  const meta: ExtractedDocument['meta'] = { pageCount: 1 };
  if (title) meta.title = title;
  return { format, meta, pages: [page], warnings };
}
