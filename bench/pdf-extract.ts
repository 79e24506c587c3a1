/**
 * PDF text extraction speed: `npx tsx bench/pdf-extract.ts [--repeat N] [--only name]`.
 *
 * For every PDF in shared corpus/pdf/long_real (QUARRY_SHARED, default ../shared) it times
 * poppler's `pdftotext` (the baseline, measured in the same run), then our extraction in-thread,
 * with 1 worker thread and with 2 worker threads started cold (a fresh pool: thread start, tsx,
 * pdfjs load included), and with 2 warm workers (the pool kept from a previous document, as when
 * ingesting a folder); best of N runs each. Prints pages/s, the ratios of 2 workers to
 * pdftotext, and the token overlap with pdftotext's text (a quality check: speed must not come
 * from dropping text). Writes bench/results/pdf-extract.json.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { extractPdf, extractPdfParallel } from '../main/ingest/pdf';
import { closePdfWorkerPool } from '../main/ingest/pdf-pool';
import { loadPdfjs } from '../main/ingest/pdfjs';
import type { ExtractedDocument } from '../main/ingest/types';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..');
const SHARED = path.resolve(process.env.QUARRY_SHARED ?? path.join(REPO, '..', 'shared'));
const DIR = path.join(SHARED, 'corpus', 'pdf', 'long_real');
const PDFTOTEXT = '/usr/bin/pdftotext';
const TIME = '/usr/bin/time';

interface Timing {
  seconds: number;
  cpuSeconds: number;
  pagesPerSecond: number;
}

interface Row {
  file: string;
  pages: number;
  pdftotext: Timing;
  inThread: Timing;
  worker1Cold: Timing;
  worker2Cold: Timing;
  worker2Warm: Timing;
  ratio2ColdToPdftotext: number;
  ratio2WarmToPdftotext: number;
  cpuRatio2ToPdftotext: number;
  tokenOverlapWithPdftotext: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Timed<T> {
  /** Wall-clock seconds of the fastest run. */
  seconds: number;
  /** CPU seconds (all threads) of that run. */
  cpu: number;
  value: T;
}

/** Best of `repeat` runs by wall clock; `cpuOf` reports CPU for work done outside this process. */
async function best<T>(repeat: number, fn: () => Promise<T>, setup?: () => Promise<unknown>, cpuOf?: (v: T) => number): Promise<Timed<T>> {
  let out: Timed<T> | undefined;
  for (let i = 0; i < repeat; i++) {
    await setup?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = cpuOf ? cpuOf(value) : (c.user + c.system) / 1e6;
    if (!out || seconds < out.seconds) out = { seconds, cpu, value };
  }
  return out as Timed<T>;
}

/** pdftotext's text and CPU seconds, timed by /usr/bin/time when it exists. */
async function pdftotext(file: string): Promise<{ text: string; cpu: number }> {
  if (existsSync(TIME)) {
    const { stdout, stderr } = await run(TIME, ['-f', 'CPU %U %S', PDFTOTEXT, '-enc', 'UTF-8', file, '-'], { maxBuffer: 1 << 28 });
    const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
    return { text: stdout, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
  }
  return { text: (await run(PDFTOTEXT, ['-enc', 'UTF-8', file, '-'], { maxBuffer: 1 << 28 })).stdout, cpu: NaN };
}

function tokens(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** Multiset F1 of word tokens: 1 = the same words in any order. */
function overlap(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  let common = 0;
  let na = 0;
  let nb = 0;
  for (const n of ta.values()) na += n;
  for (const n of tb.values()) nb += n;
  for (const [t, n] of ta) common += Math.min(n, tb.get(t) ?? 0);
  return na + nb === 0 ? 1 : (2 * common) / (na + nb);
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r1 = (x: number): number => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  if (!existsSync(DIR)) throw new Error(`Benchmark input missing: ${DIR}. Set QUARRY_SHARED to the shared/ folder.`);
  if (!existsSync(PDFTOTEXT)) throw new Error(`${PDFTOTEXT} is missing: install poppler-utils for the baseline.`);
  const repeat = Number(arg('repeat') ?? 1);
  const loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const only = arg('only');
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.pdf') && (!only || f.includes(only))).sort();
  const rows: Row[] = [];
  // Load pdfjs in this thread before timing anything (under tsx it takes ~1 s once).
  await loadPdfjs();
  for (const file of files) {
    const full = path.join(DIR, file);
    const data = new Uint8Array(await readFile(full));
    const base = await best(repeat, () => pdftotext(full), undefined, (v) => v.cpu);
    const inThread = await best(repeat, () => extractPdf(data, { fileName: file }));
    const w1 = await best(repeat, () => extractPdfParallel(full, { workers: 1 }), closePdfWorkerPool);
    const w2 = await best(repeat, () => extractPdfParallel(full, { workers: 2 }), closePdfWorkerPool);
    // Warm: the pool keeps the two workers of a first (untimed) run.
    const warm = await best(repeat, () => extractPdfParallel(full, { workers: 2 }), async () => {
      await closePdfWorkerPool();
      await extractPdfParallel(full, { workers: 2 });
    });
    const pages = w2.value.pages.length;
    const text = (d: ExtractedDocument): string => d.pages.map((p) => p.text).join('\n');
    const pps = (t: Timed<unknown>): Timing => ({ seconds: r2(t.seconds), cpuSeconds: r2(t.cpu), pagesPerSecond: r1(pages / t.seconds) });
    rows.push({
      file,
      pages,
      pdftotext: pps(base),
      inThread: pps(inThread),
      worker1Cold: pps(w1),
      worker2Cold: pps(w2),
      worker2Warm: pps(warm),
      ratio2ColdToPdftotext: r2(base.seconds / w2.seconds),
      ratio2WarmToPdftotext: r2(base.seconds / warm.seconds),
      // What 2 workers would reach with both cores to themselves: pdftotext's CPU time over half
      // of ours (the machine is shared, so wall-clock ratios move with other people's load).
      cpuRatio2ToPdftotext: r2(base.cpu / (warm.cpu / 2)),
      tokenOverlapWithPdftotext: r2(overlap(text(w2.value), base.value.text)),
    });
    const row = rows[rows.length - 1];
    console.error(`${file}: ${pages} pages, ratio cold ${row.ratio2ColdToPdftotext}, warm ${row.ratio2WarmToPdftotext}`);
  }
  const sum = (f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const pages = sum((r) => r.pages);
  const total = {
    pages,
    pdftotextPagesPerSecond: r1(pages / sum((r) => r.pdftotext.seconds)),
    inThreadPagesPerSecond: r1(pages / sum((r) => r.inThread.seconds)),
    worker1ColdPagesPerSecond: r1(pages / sum((r) => r.worker1Cold.seconds)),
    worker2ColdPagesPerSecond: r1(pages / sum((r) => r.worker2Cold.seconds)),
    worker2WarmPagesPerSecond: r1(pages / sum((r) => r.worker2Warm.seconds)),
    ratio2ColdToPdftotext: r2(sum((r) => r.pdftotext.seconds) / sum((r) => r.worker2Cold.seconds)),
    ratio2WarmToPdftotext: r2(sum((r) => r.pdftotext.seconds) / sum((r) => r.worker2Warm.seconds)),
    cpuRatio2ToPdftotext: r2(sum((r) => r.pdftotext.cpuSeconds) / (sum((r) => r.worker2Warm.cpuSeconds) / 2)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const headers = ['file', 'pages', 'pdftotext p/s', 'in-thread', '1w cold', '2w cold', '2w warm', 'cold ratio', 'warm ratio', 'cpu ratio', 'overlap'];
  const table = rows.map((r) => [
    r.file,
    r.pages,
    r.pdftotext.pagesPerSecond,
    r.inThread.pagesPerSecond,
    r.worker1Cold.pagesPerSecond,
    r.worker2Cold.pagesPerSecond,
    r.worker2Warm.pagesPerSecond,
    r.ratio2ColdToPdftotext,
    r.ratio2WarmToPdftotext,
    r.cpuRatio2ToPdftotext,
    r.tokenOverlapWithPdftotext,
  ]);
  table.push([
    'TOTAL',
    total.pages,
    total.pdftotextPagesPerSecond,
    total.inThreadPagesPerSecond,
    total.worker1ColdPagesPerSecond,
    total.worker2ColdPagesPerSecond,
    total.worker2WarmPagesPerSecond,
    total.ratio2ColdToPdftotext,
    total.ratio2WarmToPdftotext,
    total.cpuRatio2ToPdftotext,
    '',
  ]);
  const cells = [headers, ...table.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [i, r] of cells.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((n) => '-'.repeat(n)).join('  '));
  }
  console.log(`pages/s; ratios = pdftotext time / 2-worker time; cpu ratio = pdftotext CPU / (2-worker warm CPU / 2); peak RSS ${total.peakRssMb} MB; best of ${repeat} run(s) each; load average before: ${loadBefore}`);
  await closePdfWorkerPool();
  const out = path.join(REPO, 'bench', 'results', 'pdf-extract.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ name: 'pdf-extract', at: new Date().toISOString(), node: process.version, cpus: availableParallelism(), loadBefore, repeat, total, rows }, null, 2));
  console.log(`wrote ${path.relative(REPO, out)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
