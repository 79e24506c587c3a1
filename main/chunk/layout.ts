/**
 * Turns an ExtractedDocument into what the packer works on: sentence-sized atoms with exact
 * page offsets, grouped into blocks (paragraphs, list items, tables) and sections (the spans
 * between headings). Everything later refers back to these offsets, so every non-blank
 * character of every readable page lands in exactly one atom.
 */
import type { Block, ExtractedDocument, ExtractedPage } from '../ingest/types';
import { CharClass, charClass, isCloser, isSpace } from './chars';
import { splitSentences } from './sentences';
import { tokenUnits } from './tokens';

/** A sentence (or a table row, a code line, or a word window of an over-long sentence). */
export interface Atom {
  /** Index into Layout.pages. */
  page: number;
  /** [start, end) in the page text, with no white space at either end. */
  start: number;
  end: number;
  /** Estimated size in TOKEN_UNITS. */
  units: number;
  /** The sentence goes on in the next atom (a paragraph running onto the next page). */
  glued: boolean;
  /** Pages with no text (scans, unreadable or blank pages) lie before it: no chunk spans that. */
  gapBefore: boolean;
  /** Part of a heading: overlap never carries headings into the next chunk. */
  heading: boolean;
}

/** Consecutive atoms [first, last] (inclusive) that the packer prefers to keep together. */
export interface LayoutBlock {
  first: number;
  last: number;
}

/** The span from one heading to the next (or the text before the first heading). */
export interface Section {
  /** 0-based, in reading order; `${docId}:s${index}`. */
  index: number;
  headingPath: string[];
  blocks: LayoutBlock[];
  /** Whether anything other than its heading belongs to it. */
  hasBody: boolean;
}

export interface Layout {
  /** The pages that have text, in order. */
  pages: ExtractedPage[];
  atoms: Atom[];
  sections: Section[];
}

interface PageBlock {
  kind: Block['kind'];
  start: number;
  end: number;
  /** null for text between or outside the extractor's blocks: it belongs to the current section. */
  headingPath: string[] | null;
}

/**
 * Lays a document out into atoms, blocks and sections.
 * @param splitUnits sentences larger than this are cut at word boundaries
 * @param windowUnits the largest word window such a sentence is cut into
 */
export function layoutDocument(doc: ExtractedDocument, splitUnits: number, windowUnits: number): Layout {
  const layout: Layout = { pages: [], atoms: [], sections: [] };
  let section: Section | undefined;
  let prevDocIndex = -1;
  let lastBlockKind: Block['kind'] | undefined;
  doc.pages.forEach((page, docIndex) => {
    if (page.needsOcr || page.error || typeof page.text !== 'string') return;
    const blocks = pageBlocks(page);
    if (blocks.length === 0) return;
    const pageIndex = layout.pages.push(page) - 1;
    const adjacent = prevDocIndex >= 0 && docIndex === prevDocIndex + 1;
    prevDocIndex = docIndex;
    let pageStarted = false;
    for (const pb of blocks) {
      const first = layout.atoms.length;
      addAtoms(layout.atoms, page.text, pageIndex, pb, splitUnits, windowUnits);
      const last = layout.atoms.length - 1;
      if (first > last) continue;
      const opensPage = !pageStarted;
      pageStarted = true;
      if (opensPage && first > 0 && !adjacent) layout.atoms[first].gapBefore = true;
      if (pb.kind === 'heading') {
        for (let a = first; a <= last; a++) layout.atoms[a].heading = true;
        section = newSection(layout, headingPathOf(pb, page.text));
        section.blocks.push({ first, last });
      } else {
        section ??= newSection(layout, pb.headingPath ?? []);
        const prevBlock = section.blocks[section.blocks.length - 1];
        const continues =
          opensPage && adjacent && prevBlock !== undefined && lastBlockKind === 'paragraph' && pb.kind === 'paragraph' &&
          continuesOnNextPage(layout, prevBlock.last, first);
        if (continues) {
          layout.atoms[prevBlock.last].glued = true;
          prevBlock.last = last;
        } else {
          section.blocks.push({ first, last });
        }
        section.hasBody = true;
      }
      lastBlockKind = pb.kind;
    }
  });
  return layout;
}

function newSection(layout: Layout, headingPath: string[]): Section {
  const section: Section = { index: layout.sections.length, headingPath: [...headingPath], blocks: [], hasBody: false };
  layout.sections.push(section);
  return section;
}

function headingPathOf(pb: PageBlock, text: string): string[] {
  if (pb.headingPath && pb.headingPath.length > 0) return pb.headingPath;
  return [text.slice(pb.start, pb.end).replace(/\s+/g, ' ')];
}

/**
 * A paragraph that ends a page without final punctuation, followed by one that starts the next
 * page in lower case, is one paragraph broken by the page: keep its sentence together.
 */
function continuesOnNextPage(layout: Layout, prevAtom: number, nextAtom: number): boolean {
  const a = layout.atoms[prevAtom];
  const b = layout.atoms[nextAtom];
  const prevText = layout.pages[a.page].text;
  let p = a.end - 1;
  while (p > a.start && isCloser(prevText.charCodeAt(p))) p--;
  if (/[.!?…。！？:;]/.test(prevText[p])) return false;
  const next = layout.pages[b.page].text.codePointAt(b.start) ?? 0;
  return /\p{Ll}/u.test(String.fromCodePoint(next));
}

/**
 * The page's blocks in order, clamped to the text, trimmed, without overlaps; text the
 * extractor left outside every block becomes a paragraph so that nothing is dropped.
 */
function pageBlocks(page: ExtractedPage): PageBlock[] {
  const text = page.text;
  const n = text.length;
  const raw = (Array.isArray(page.blocks) ? page.blocks : [])
    .filter((b) => Number.isFinite(b.start) && Number.isFinite(b.end))
    .map((b, i) => ({ b, i }))
    .sort((x, y) => x.b.start - y.b.start || x.i - y.i);
  const out: PageBlock[] = [];
  const push = (kind: Block['kind'], s: number, e: number, headingPath: string[] | null): void => {
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s < e) out.push({ kind, start: s, end: e, headingPath });
  };
  let pos = 0;
  for (const { b } of raw) {
    const s = Math.max(pos, Math.min(n, Math.max(0, Math.floor(b.start))));
    const e = Math.min(n, Math.max(0, Math.floor(b.end)));
    if (e <= s) continue;
    push('paragraph', pos, s, null);
    push(b.kind, s, e, Array.isArray(b.headingPath) ? b.headingPath : []);
    pos = e;
  }
  push('paragraph', pos, n, null);
  return out;
}

function addAtoms(atoms: Atom[], text: string, page: number, pb: PageBlock, splitUnits: number, windowUnits: number): void {
  const add = (s: number, e: number): void => {
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s >= e) return;
    const units = tokenUnits(text.slice(s, e));
    if (units > splitUnits) addWordWindows(atoms, text, page, s, e, units, windowUnits);
    else atoms.push({ page, start: s, end: e, units, glued: false, gapBefore: false, heading: false });
  };
  if (pb.kind === 'table' || pb.kind === 'code') {
    // Rows and code lines are the sentences of tables and code.
    let s = pb.start;
    for (let i = pb.start; i < pb.end; i++) {
      if (text.charCodeAt(i) === 0x0a) {
        add(s, i);
        s = i + 1;
      }
    }
    add(s, pb.end);
    return;
  }
  for (const span of splitSentences(text.slice(pb.start, pb.end))) add(pb.start + span.start, pb.start + span.end);
}

/**
 * The last resort for a sentence over the limit: cut it into nearly equal windows at word
 * boundaries (white space, or between ideographs, which CJK writes without spaces). A single
 * word larger than a window stays whole.
 */
function addWordWindows(atoms: Atom[], text: string, page: number, start: number, end: number, total: number, windowUnits: number): void {
  const count = Math.ceil(total / windowUnits);
  const limit = Math.ceil(total / count);
  let winStart = -1;
  let winEnd = -1;
  let acc = 0;
  const flush = (): void => {
    if (winStart < 0) return;
    atoms.push({ page, start: winStart, end: winEnd, units: acc, glued: false, gapBefore: false, heading: false });
    winStart = -1;
    acc = 0;
  };
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    let j = i;
    while (j < end) {
      const code = text.codePointAt(j) ?? 0;
      if (isSpace(code)) break;
      const cls = charClass(code);
      const width = code > 0xffff ? 2 : 1;
      if (cls === CharClass.Ideograph || cls === CharClass.Hangul) {
        if (j === i) j += width; // an ideograph is a word of its own
        break;
      }
      j += width;
    }
    const units = tokenUnits(text.slice(i, j));
    if (winStart >= 0 && acc + units > limit) flush();
    if (winStart < 0) winStart = i;
    winEnd = j;
    acc += units;
    i = j;
  }
  flush();
}
