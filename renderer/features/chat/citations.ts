import type { Citation } from '../../../contract';
import { citationPageEnd } from '../viewer/target';

/** A piece of an answer: plain text, or a citation marker's numbers. */
export type AnswerPart = { kind: 'text'; text: string } | { kind: 'cite'; numbers: number[] };

/** Citation markers as the answers module normalises them: `[1]`, `[1, 3]` (and `[2-4]` while streaming). */
const MARKER = /\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]/g;

function numbers(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const range = /(\d+)\s*[–-]\s*(\d+)/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b >= a && b - a <= 10) for (let i = a; i <= b; i++) out.push(i);
    } else {
      const n = /\d+/.exec(part);
      if (n) out.push(Number(n[0]));
    }
  }
  return [...new Set(out)];
}

/**
 * Splits an answer into text and citation markers, for drawing markers as chips. Only numbers
 * in `known` become chips (a marker naming a source that was not given stays text), so a
 * half-streamed answer never shows a chip that leads nowhere.
 */
export function answerParts(text: string, known: ReadonlySet<number>): AnswerPart[] {
  const parts: AnswerPart[] = [];
  let pos = 0;
  for (const m of text.matchAll(MARKER)) {
    const nums = numbers(m[1]!).filter((n) => known.has(n));
    if (!nums.length) continue;
    const at = m.index ?? 0;
    // The space before a marker belongs to the chip, not to the sentence.
    const before = text.slice(pos, at).replace(/\s+$/, '');
    if (before) parts.push({ kind: 'text', text: before });
    parts.push({ kind: 'cite', numbers: nums });
    pos = at + m[0].length;
  }
  if (pos < text.length) parts.push({ kind: 'text', text: text.slice(pos) });
  return parts;
}

/**
 * An answer as plain text for the clipboard: the text with its `[n]` markers as written, then
 * the numbered sources ("[1] report.pdf — page 4"), so the numbers still lead somewhere once
 * pasted.
 */
export function answerCopyText(answer: string, citations: readonly Pick<Citation, 'n' | 'docName' | 'page' | 'pageEnd' | 'start' | 'end'>[]): string {
  const text = answer.trim();
  if (!citations.length) return text;
  const sources = citations.map((c) => {
    const end = citationPageEnd(c);
    return `[${c.n}] ${c.docName} — ${end > c.page ? `pages ${c.page}–${end}` : `page ${c.page}`}`;
  });
  return `${text}\n\nSources\n${sources.join('\n')}`;
}
