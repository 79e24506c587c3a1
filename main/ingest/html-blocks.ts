import { DomUtils, ElementType, type parseDocument } from 'htmlparser2';
import type { RawBlock } from './page';

type DomDocument = ReturnType<typeof parseDocument>;
/** Any node of htmlparser2's DOM (text, comment, element, ...). */
export type DomNode = DomDocument['children'][number];
/** An element of htmlparser2's DOM. */
export type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;
type DomText = Extract<DomNode, { type: typeof ElementType.Text }>;
type DomParent = Extract<DomNode, { children: DomNode[] }>;

// domutils 4 no longer re-exports domhandler's guards; these are the same checks on `type`.
/** Whether a node is an element (script and style elements included). */
export function isElement(node: DomNode): node is DomElement {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}
function isText(node: DomNode): node is DomText {
  return node.type === ElementType.Text;
}
function isContainer(node: DomNode): node is DomParent {
  return node.type === ElementType.CDATA || node.type === ElementType.Root;
}

/** Never text a reader sees. */
const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'head', 'iframe', 'object', 'embed',
  'canvas', 'video', 'audio', 'select', 'option', 'textarea', 'button', 'input', 'map', 'dialog',
]);
/** Page furniture, dropped when the page marks its main content with <main> or <article>. */
const CHROME = new Set(['nav', 'footer', 'header', 'aside']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements that end the current paragraph before and after themselves. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'blockquote', 'dd', 'dt', 'dl', 'figure', 'figcaption',
  'address', 'header', 'footer', 'nav', 'aside', 'body', 'html', 'form', 'fieldset', 'legend',
  'details', 'summary', 'center', 'caption', 'hr', 'li', 'hgroup', 'search',
]);

/** Placeholder for <br> while whitespace collapses; becomes "\n" afterwards. */
const BR = '\u2028';

function collapse(s: string, keepBreaks: boolean): string {
  const flat = s.replace(/[ \t\r\n\f\u00A0]+/g, ' ');
  if (!keepBreaks) return flat.replaceAll(BR, ' ').replace(/ {2,}/g, ' ').trim();
  return flat
    .split(BR)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}

export interface HtmlWalkOptions {
  /** Drop nav/header/footer/aside outside <main>/<article> (set when the page has one). */
  dropChrome: boolean;
}

/**
 * Walks an HTML DOM into blocks: h1-h6 → headings, p/div/... → paragraphs, ul/ol → one list
 * block with a "- item" line per item (nested items indented), table → one table block with a
 * line per row and cells joined by " | ", pre → code. Script, style and other non-text elements
 * are skipped. Shared by the HTML reader and the DOCX reader (mammoth's output is HTML).
 */
export class HtmlBlockWalker {
  private readonly blocks: RawBlock[] = [];
  private inline = '';

  constructor(private readonly opts: HtmlWalkOptions) {}

  /** Walks the nodes and returns the blocks found, in document order. */
  walk(nodes: DomNode[]): RawBlock[] {
    for (const n of nodes) this.visit(n, false);
    this.flush();
    return this.blocks;
  }

  private flush(): void {
    const text = collapse(this.inline, true);
    this.inline = '';
    if (text) this.blocks.push({ kind: 'paragraph', text });
  }

  private visit(node: DomNode, insideMain: boolean): void {
    if (isText(node)) {
      this.inline += node.data;
      return;
    }
    if (!isElement(node)) {
      if (isContainer(node)) for (const c of node.children) this.visit(c, insideMain);
      return;
    }
    const name = node.name.toLowerCase();
    if (SKIPPED.has(name) || node.attribs.hidden !== undefined || node.attribs['aria-hidden'] === 'true') return;
    if (this.opts.dropChrome && !insideMain && (CHROME.has(name) || node.attribs.role === 'navigation')) return;
    const inMain = insideMain || name === 'main' || name === 'article';
    if (name === 'br') {
      this.inline += BR;
      return;
    }
    if (HEADINGS.has(name)) {
      this.flush();
      const text = collapse(inlineText(node), false);
      if (text) this.blocks.push({ kind: 'heading', level: Number(name[1]), text });
      return;
    }
    if (name === 'pre') {
      this.flush();
      const text = DomUtils.textContent(node).replace(/\r\n?/g, '\n').replace(/^\n+|\s+$/g, '');
      if (text.trim()) this.blocks.push({ kind: 'code', text });
      return;
    }
    if (name === 'ul' || name === 'ol') {
      this.flush();
      const lines: string[] = [];
      listLines(node, 0, lines);
      if (lines.length > 0) this.blocks.push({ kind: 'list', text: lines.join('\n') });
      return;
    }
    if (name === 'table') {
      this.flush();
      const rows = tableRows(node);
      if (rows.length > 0) this.blocks.push({ kind: 'table', text: rows.join('\n') });
      return;
    }
    const block = BLOCK.has(name);
    if (block) this.flush();
    else if (name === 'td' || name === 'th') this.inline += ' ';
    for (const c of node.children) this.visit(c, inMain);
    if (block) this.flush();
  }
}

/** All text below a node as one line (br and blocks become spaces), skipping non-text elements. */
export function inlineText(node: DomNode): string {
  if (isText(node)) return node.data;
  if (!isElement(node) && !isContainer(node)) return '';
  if (isElement(node)) {
    const name = node.name.toLowerCase();
    if (SKIPPED.has(name)) return '';
    if (name === 'br') return ' ';
    const sep = BLOCK.has(name) || HEADINGS.has(name) || name === 'td' || name === 'th' || name === 'tr' ? ' ' : '';
    return sep + node.children.map(inlineText).join('') + sep;
  }
  return node.children.map(inlineText).join('');
}

function childElements(node: DomElement): DomElement[] {
  return node.children.filter((c): c is DomElement => isElement(c));
}

function listLines(list: DomElement, depth: number, out: string[]): void {
  for (const li of childElements(list)) {
    const tag = li.name.toLowerCase();
    if (tag === 'ul' || tag === 'ol') {
      // Some generators nest a list directly in a list instead of inside an item.
      listLines(li, depth + 1, out);
      continue;
    }
    if (SKIPPED.has(tag)) continue;
    const nested: DomElement[] = [];
    let own = '';
    for (const c of li.children) {
      if (isElement(c) && (c.name === 'ul' || c.name === 'ol')) nested.push(c);
      else own += inlineText(c);
    }
    const text = collapse(own, false);
    if (text) out.push(`${'  '.repeat(depth)}- ${text}`);
    for (const n of nested) listLines(n, text ? depth + 1 : depth, out);
  }
}

function tableRows(table: DomElement): string[] {
  const rows: string[] = [];
  const visitRows = (el: DomElement): void => {
    for (const c of childElements(el)) {
      const tag = c.name.toLowerCase();
      if (tag === 'tr') {
        const cells = childElements(c)
          .filter((td) => td.name === 'td' || td.name === 'th')
          .map((td) => collapse(inlineText(td), false));
        if (cells.some(Boolean)) rows.push(cells.join(' | '));
      } else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') {
        visitRows(c);
      } else if (tag === 'caption') {
        const cap = collapse(inlineText(c), false);
        if (cap) rows.push(cap);
      }
    }
  };
  visitRows(table);
  return rows;
}
