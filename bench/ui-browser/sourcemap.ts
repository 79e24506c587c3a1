/**
 * Just enough of source map v3 to attribute the minified bundle: decode the mappings, find the
 * original position of a generated one, and name a source's origin (npm package or app
 * folder). Written out (about 60 lines) rather than adding a dependency to the project.
 */
import path from 'node:path';
import { REPO } from '../common';

export interface SourceMapV3 {
  sources: string[];
  sourcesContent?: (string | null)[];
  names?: string[];
  mappings: string;
}

/** One mapping segment: generated column, then source index, original line and column, name index (-1 when absent). */
export type Segment = [genCol: number, src: number, line: number, col: number, name: number];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Decodes `mappings` into segments per generated line (segments without a source get src -1). */
export function decodeMappings(map: SourceMapV3): Segment[][] {
  let src = 0;
  let line = 0;
  let col = 0;
  let name = 0;
  return map.mappings.split(';').map((l) => {
    let gen = 0;
    const segs: Segment[] = [];
    for (const raw of l.split(',')) {
      if (!raw) continue;
      const v = vlq(raw);
      gen += v[0];
      if (v.length >= 4) {
        src += v[1];
        line += v[2];
        col += v[3];
        if (v.length >= 5) name += v[4];
        segs.push([gen, src, line, col, v.length >= 5 ? name : -1]);
      } else segs.push([gen, -1, 0, 0, -1]);
    }
    return segs;
  });
}

/** The segment covering a generated position (0-based line and column), if any. */
export function lookup(lines: Segment[][], line: number, column: number): Segment | undefined {
  const segs = lines[line];
  if (!segs?.length) return undefined;
  let lo = 0;
  let hi = segs.length - 1;
  if (segs[0][0] > column) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid][0] <= column) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo][1] >= 0 ? segs[lo] : undefined;
}

/** A source path relative to the repository ("renderer/App.tsx", "node_modules/react-dom/…"). */
export function repoPath(mapDir: string, source: string): string {
  return path.relative(REPO, path.resolve(mapDir, source)).split(path.sep).join('/');
}

/** Origin of a repository-relative source: its npm package, else "app: <top folder>/". */
export function origin(source: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (m) return m[1];
  const top = /^([^/]+)\//.exec(source);
  return top && !source.startsWith('..') ? `app: ${top[1]}/` : 'other';
}

/**
 * The name a function is known by in its original source line: `function X`, `const X =`,
 * `X: (` or `X(`. Minified profiles name functions `e` or `m`; the source says `onKey`.
 */
export function nameAt(line: string | undefined, column: number): string | undefined {
  if (!line) return undefined;
  const patterns = [/function\s*\*?\s*([A-Za-z_$][\w$]*)/, /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=/, /([A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s*)?(?:function\b|\()/, /([A-Za-z_$][\w$]*)\s*\(/];
  // Prefer a name at or after the mapped column, then anywhere on the line.
  for (const text of [line.slice(column), line]) {
    for (const re of patterns) {
      const m = re.exec(text);
      if (m && !['if', 'for', 'while', 'switch', 'return', 'catch'].includes(m[1])) return m[1];
    }
  }
  return undefined;
}
