/**
 * Joins consecutive chunk texts that overlap (each chunk repeats the last sentences of the one
 * before it), dropping each repeated part, so a section reads once.
 */
export function joinOverlapping(parts: string[]): string {
  let out = parts[0] ?? '';
  for (const next of parts.slice(1)) {
    let cut = 0;
    // The longest suffix of `out` that is a prefix of `next` (bounded: overlaps are a few sentences).
    for (let len = Math.min(out.length, next.length, 4000); len >= 20; len--) {
      if (out.endsWith(next.slice(0, len))) {
        cut = len;
        break;
      }
    }
    out += (cut ? '' : '\n') + next.slice(cut);
  }
  return out;
}
