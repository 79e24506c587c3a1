import type { Block, ExtractedPage } from './types';

/** A block before it has offsets: what every format's walker produces. */
export interface RawBlock {
  kind: Block['kind'];
  text: string;
  /** Heading level 1..6 (headings only). */
  level?: number;
}

/**
 * Keeps the chain of headings above the current position. Formats feed it headings in document
 * order; every block gets a copy of the path as it stood when the block was met.
 */
export class HeadingTracker {
  private readonly stack: { level: number; text: string }[] = [];

  /** Enters a heading: it replaces every heading at its level or deeper. */
  enter(level: number, text: string): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].level >= level) this.stack.pop();
    this.stack.push({ level, text });
  }

  /** The current path, outermost first. */
  path(): string[] {
    return this.stack.map((h) => h.text);
  }
}

/**
 * Joins blocks into a page: text is the blocks joined by a blank line, and every block records
 * its [start, end) in that text and its heading path (a heading's own path includes itself).
 * Blocks that are empty after trimming are dropped, so offsets never point at nothing.
 *
 * @example
 * const tracker = new HeadingTracker();
 * const page = buildPage(1, [{ kind: 'heading', level: 1, text: 'Intro' }, { kind: 'paragraph', text: 'Hi.' }], tracker);
 * // page.text === 'Intro\n\nHi.', page.blocks[1].headingPath === ['Intro']
 */
export function buildPage(pageNumber: number, raw: RawBlock[], tracker: HeadingTracker): ExtractedPage {
  const blocks: Block[] = [];
  let text = '';
  for (const b of raw) {
    // Code keeps its indentation; everything else is trimmed.
    const t = b.kind === 'code' ? b.text.replace(/^(?:[ \t]*\n)+|\s+$/g, '') : b.text.trim();
    if (!t.trim()) continue;
    if (b.kind === 'heading') tracker.enter(b.level ?? 1, t);
    if (text) text += '\n\n';
    const start = text.length;
    text += t;
    const block: Block = { kind: b.kind, text: t, start, end: text.length, headingPath: tracker.path() };
    if (b.kind === 'heading') block.level = b.level ?? 1;
    blocks.push(block);
  }
  return { page: pageNumber, text, blocks };
}

// Spaces of every width collapse to one ASCII space; controls (other than \n and \t) and
// zero-width marks vanish: they break tokenisers and are invisible to the reader anyway.
const SPACES = /[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B\u200C\u200D\u2060\uFEFF]/g;

/** Collapses runs of spaces within a line and removes invisible control characters. */
export function normalizeInline(s: string): string {
  return s.replace(INVISIBLE, '').replace(SPACES, ' ');
}

/**
 * Normalises a multi-line string: CRLF/CR → LF, spaces collapsed per line, trailing spaces
 * dropped, and runs of blank lines collapsed to one.
 */
export function normalizeText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => normalizeInline(line).trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
