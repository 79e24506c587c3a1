import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..');

/** ../shared, through QUARRY_SHARED; benchmarks that need it say so clearly when it is missing. */
export function shared(...parts: string[]): string {
  const root = process.env.QUARRY_SHARED ?? path.resolve(REPO, '..', 'shared');
  const p = path.join(root, ...parts);
  if (!existsSync(p)) throw new Error(`Benchmark input missing: ${p}. Set QUARRY_SHARED to the shared/ folder.`);
  return p;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function writeResult(name: string, data: unknown): Promise<string> {
  const dir = path.join(REPO, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  // The machine's load when the run ended: figures taken on a busy 2-core box read differently.
  const loadAverage = loadavg().map((x) => Math.round(x * 100) / 100);
  await writeFile(file, JSON.stringify({ name, at: new Date().toISOString(), node: process.version, cpus: availableParallelism(), loadAverage, ...(data as object) }, null, 2));
  return file;
}

export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const w = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [i, r] of cells.entries()) {
    console.log(r.map((c, j) => c.padEnd(w[j])).join('  '));
    if (i === 0) console.log(w.map((n) => '-'.repeat(n)).join('  '));
  }
}
