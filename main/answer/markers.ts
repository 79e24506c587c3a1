import { holdBackFrom } from './stream';

/**
 * Citation markers as models write them: `[1]`, `[1, 3]`, `[2-4]`, `[Source 2]`. The optional
 * leading whitespace is captured so a removed marker takes its space with it.
 */
const MARKER = /(\s*)\[(?:sources?\s*)?(\d{1,3}(?:\s*(?:[,;]|[-–])\s*(?:sources?\s*)?\d{1,3})*)\]/gi;

/** The numbers in a marker's inside: "1, 3" → [1, 3]; "2-4" → [2, 3, 4]. */
export function parseMarker(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const range = /(\d+)\s*[-–]\s*(?:sources?\s*)?(\d+)/i.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      // A range is only a range when short and ascending; "[1-200]" is not a citation list.
      if (b >= a && b - a <= 10) for (let i = a; i <= b; i++) out.push(i);
      continue;
    }
    const n = /\d+/.exec(part);
    if (n) out.push(Number(n[0]));
  }
  return [...new Set(out)];
}

/** A citation marker found in a text. */
export interface Marker {
  numbers: number[];
  /** [start, end) of the bracketed marker (without leading whitespace). */
  start: number;
  end: number;
}

/** All citation markers of a text. */
export function findMarkers(text: string): Marker[] {
  const out: Marker[] = [];
  for (const m of text.matchAll(MARKER)) {
    const start = (m.index ?? 0) + m[1].length;
    out.push({ numbers: parseMarker(m[2]), start, end: (m.index ?? 0) + m[0].length });
  }
  return out;
}

/**
 * Rewrites citation markers: numbers for which `isValid` is false (sources that were never
 * given) are removed, a marker left empty disappears with its leading space, and the rest are
 * normalised to `[1]` / `[1, 3]`. Returns the text and the removed numbers.
 */
export function cleanCitations(text: string, isValid: (n: number) => boolean): { text: string; removed: number[] } {
  const removed = new Set<number>();
  const out = text.replace(MARKER, (_all, ws: string, inner: string) => {
    const nums = parseMarker(inner);
    const kept = nums.filter((n) => isValid(n));
    for (const n of nums) if (!isValid(n)) removed.add(n);
    return kept.length === 0 ? '' : `${ws}[${kept.join(', ')}]`;
  });
  return { text: out, removed: [...removed].sort((a, b) => a - b) };
}

/** Text with all citation markers taken out (for scoring a sentence's words). */
export function stripMarkers(text: string): string {
  return text.replace(MARKER, '').trim();
}

/** How much of streamed text can be cleaned and shown now (see IncrementalText). */
export function citationStableEnd(raw: string): number {
  return holdBackFrom(raw, '[', ']', 24);
}

/**
 * New numbers for the sources an answer cites, in order of first appearance: the first number
 * cited becomes 1, the next new one 2, and so on. A prefix of a text gets a prefix of the full
 * text's mapping, so streamed text can be renumbered as it arrives.
 */
export function appearanceOrder(text: string): Map<number, number> {
  const order = new Map<number, number>();
  for (const m of findMarkers(text)) for (const n of m.numbers) if (!order.has(n)) order.set(n, order.size + 1);
  return order;
}

/**
 * Rewrites the markers of a text with `map` (old number → new), each marker's numbers
 * ascending: with `appearanceOrder(text)`, "A [3]. B [1, 3]." becomes "A [1]. B [1, 2].".
 * Numbers the map lacks are kept as they are.
 */
export function renumberCitations(text: string, map: ReadonlyMap<number, number>): string {
  return text.replace(MARKER, (_all, ws: string, inner: string) => {
    const nums = [...new Set(parseMarker(inner).map((n) => map.get(n) ?? n))].sort((a, b) => a - b);
    return `${ws}[${nums.join(', ')}]`;
  });
}
