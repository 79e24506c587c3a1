import { normalizeInline } from './page';

/** The fields of a pdfjs TextItem that layout uses. */
export interface PdfTextItem {
  str: string;
  dir?: string;
  /** [a, b, c, d, e, f]: text direction (a, b), glyph height (c, d), origin (e, f). */
  transform: number[];
  width: number;
  height: number;
}

/** A paragraph as laid out on one page, before headings are decided across the document. */
export interface PdfParagraph {
  kind: 'paragraph' | 'list';
  text: string;
  /** Character-weighted font size, user-space units. */
  size: number;
  lineCount: number;
}

interface Part {
  text: string;
  /** Position along the baseline and across it, in the text's own rotated frame. */
  x: number;
  y: number;
  w: number;
  size: number;
  rtl: boolean;
  /** Baseline direction, tenths of a radian: parts only share a line with the same angle. */
  angle: number;
}

interface Line {
  angle: number;
  y: number;
  size: number;
  parts: Part[];
  text: string;
  xStart: number;
  xEnd: number;
}

// Compatibility characters that pdfjs's normalisation would otherwise fold: Latin ligatures
// (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ), Hebrew/Arabic presentation forms (so Arabic is searchable), and a few
// others. NFKC on just these code points is what pdfjs does, at a fraction of the cost.
const COMPAT = /[\uFB00-\uFDFF\uFE70-\uFEFF]/g;

/** Replaces ligatures and presentation forms by their plain letters (ﬁ → fi, ﬄ → ffl, ...). */
export function repairLigatures(s: string): string {
  return s.replace(COMPAT, (c) => c.normalize('NFKC'));
}

const BULLET = /^\s*(?:[•●○◦▪▫■□‣⁃∙·\u2022\uF0B7\uF0A7-]\s+|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s+)/i;
const CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;
const HYPHENATED = /\p{L}[-\u2010\u00AD]$/u;
const STARTS_LOWER = /^\p{Ll}/u;
const SENTENCE_END = /[.!?:;。！？]["'”’)\]]?$/;

function toParts(items: PdfTextItem[]): Part[] {
  const parts: Part[] = [];
  for (const it of items) {
    if (!it.str || !it.transform) continue;
    const text = repairLigatures(it.str);
    if (!text.trim()) continue;
    const [a, b, c, d, e, f] = it.transform;
    const norm = Math.hypot(a, b) || 1;
    const cos = a / norm;
    const sin = b / norm;
    // Rotate into the text's own frame so rotated pages and vertical labels lay out the same way.
    parts.push({
      text,
      x: e * cos + f * sin,
      y: -e * sin + f * cos,
      w: it.width || 0,
      size: Math.hypot(c, d) || it.height || 1,
      rtl: it.dir === 'rtl',
      angle: Math.round(Math.atan2(sin, cos) * 10),
    });
  }
  return parts;
}

/** Groups parts (in content-stream order) into lines: same direction, baselines within half a size. */
function groupLines(parts: Part[]): Line[] {
  const lines: Line[] = [];
  let cur: Line | null = null;
  for (const p of parts) {
    const angle = p.angle;
    if (cur && cur.angle === angle && Math.abs(p.y - cur.y) <= 0.5 * Math.max(p.size, cur.size)) {
      // Fake-bold PDFs draw the same string twice a hair apart: keep one.
      const dup = cur.parts.some((q) => q.text === p.text && Math.abs(q.x - p.x) < p.size * 0.2 && Math.abs(q.y - p.y) < p.size * 0.2);
      if (!dup) cur.parts.push(p);
      if (p.size > cur.size) cur.size = p.size;
      continue;
    }
    cur = { angle, y: p.y, size: p.size, parts: [p], text: '', xStart: 0, xEnd: 0 };
    lines.push(cur);
  }
  for (const l of lines) finishLine(l);
  return lines.filter((l) => l.text);
}

/** Orders a line's parts by position (right to left for RTL lines) and joins them, spacing gaps. */
function finishLine(line: Line): void {
  let rtlChars = 0;
  let chars = 0;
  for (const p of line.parts) {
    chars += p.text.length;
    if (p.rtl) rtlChars += p.text.length;
  }
  const rtl = rtlChars * 2 > chars;
  const parts = line.parts.slice().sort((p, q) => (rtl ? q.x + q.w - (p.x + p.w) : p.x - q.x));
  let text = '';
  let prev: Part | null = null;
  for (const p of parts) {
    if (prev) {
      const gap = rtl ? prev.x - (p.x + p.w) : p.x - (prev.x + prev.w);
      if (gap > 0.15 * Math.min(p.size, prev.size) && !/\s$/.test(text) && !/^\s/.test(p.text)) text += ' ';
    }
    text += p.text;
    prev = p;
  }
  line.text = normalizeInline(text).trim();
  line.xStart = Math.min(...parts.map((p) => p.x));
  line.xEnd = Math.max(...parts.map((p) => p.x + p.w));
  // The line's size is what most of its characters use (a superscript must not make it a heading).
  const bySize = new Map<number, number>();
  for (const p of parts) bySize.set(p.size, (bySize.get(p.size) ?? 0) + p.text.length);
  line.size = [...bySize].sort((a, b) => b[1] - a[1])[0][0];
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Joins a paragraph's lines: end-of-line hyphens are undone, CJK lines join without a space. */
export function joinLines(lines: string[]): string {
  let out = '';
  for (const line of lines) {
    if (!out) {
      out = line;
    } else if (out.endsWith('\u00AD')) {
      out = out.slice(0, -1) + line;
    } else if (HYPHENATED.test(out) && STARTS_LOWER.test(line)) {
      out = out.slice(0, -1) + line;
    } else if (CJK.test(out[out.length - 1]) && CJK.test(line[0])) {
      out += line;
    } else {
      out += ' ' + line;
    }
  }
  return out.replace(/\u00AD/g, '');
}

function isBreak(a: Line, b: Line, spacing: number): boolean {
  if (a.angle !== b.angle) return true;
  const dy = a.y - b.y;
  const size = Math.max(a.size, b.size);
  if (dy < -0.5 * size) return true; // moved up: a new column or an out-of-order box
  if (Math.abs(a.size - b.size) > 0.15 * size) return true; // heading against body text
  const limit = spacing > 0 ? Math.max(spacing * 1.4, spacing + 0.3 * size) : size * 1.7;
  if (dy > limit) return true;
  if (BULLET.test(b.text)) return true;
  // First-line indent after a finished sentence starts a new paragraph.
  if (b.xStart - a.xStart > 0.8 * b.size && b.xStart - a.xStart < 10 * b.size && SENTENCE_END.test(a.text)) return true;
  return false;
}

/**
 * Lays out one page's text items in reading order: items group into lines by baseline (in
 * content-stream order, so columns stay apart), each line is ordered by x, and lines group into
 * paragraphs at vertical gaps wider than the page's usual line spacing, size changes, bullets
 * and first-line indents. Ligatures are repaired, end-of-line hyphenation undone and
 * whitespace normalised. Consecutive bullet paragraphs form one list block, an item a line.
 */
export function layoutPage(items: PdfTextItem[]): PdfParagraph[] {
  const lines = groupLines(toParts(items));
  if (lines.length === 0) return [];
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const dy = lines[i - 1].y - lines[i].y;
    const size = Math.max(lines[i].size, lines[i - 1].size);
    if (dy > 0.5 * size && dy < 2.5 * size && Math.abs(lines[i].size - lines[i - 1].size) <= 0.15 * size) gaps.push(dy);
  }
  const spacing = median(gaps);
  const groups: Line[][] = [[lines[0]]];
  for (let i = 1; i < lines.length; i++) {
    if (isBreak(lines[i - 1], lines[i], spacing)) groups.push([lines[i]]);
    else groups[groups.length - 1].push(lines[i]);
  }
  const out: PdfParagraph[] = [];
  for (const g of groups) {
    const text = joinLines(g.map((l) => l.text));
    if (!text) continue;
    const bySize = new Map<number, number>();
    for (const l of g) bySize.set(l.size, (bySize.get(l.size) ?? 0) + l.text.length);
    const size = [...bySize].sort((a, b) => b[1] - a[1])[0][0];
    const bullet = BULLET.exec(text);
    const prev = out[out.length - 1];
    if (bullet && /^[•●○◦▪▫■□‣⁃∙·\u2022\uF0B7\uF0A7-]/.test(text.trim())) {
      const item = '- ' + text.slice(bullet[0].length).trim();
      if (prev?.kind === 'list') {
        prev.text += '\n' + item;
        prev.lineCount += g.length;
      } else {
        out.push({ kind: 'list', text: item, size, lineCount: g.length });
      }
      continue;
    }
    out.push({ kind: 'paragraph', text, size, lineCount: g.length });
  }
  return out;
}
