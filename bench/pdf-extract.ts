/**
 * PDF text extraction speed: `npm run bench -- pdf-extract [--repeat N] [--only name]`.
 *
 * For every PDF in shared corpus/pdf/long_real (QUARRY_SHARED, default ../shared) it times
 * poppler's `pdftotext` (the baseline, measured in the same run), then our extraction: in this
 * thread alone, and the way ingestion reads a file (`extractFile`: up to 40 pages in this
 * thread, longer ones in this thread beside one worker per other core), with the worker pool
 * fresh (cold: thread start and pdfjs load included) and kept from a previous document (warm);
 * best of N runs each. Then the whole folder as an ingest reads it: the files back to back, as
 * many at a time as the ingest queue parses (settings' ingest.concurrency, 2), the pool kept
 * between them — once from a fresh pool, then best of N. Ratios are pdftotext's time (one
 * core: it has no threads) over ours (both cores). Also prints the token overlap with
 * pdftotext's text (a quality check: speed must not come from dropping text). Writes
 * bench/results/pdf-extract.json.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Settings } from '../main/config';
import { extractFile } from '../main/ingest';
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
  /** Two workers only, fresh: how long PDFs were read before this thread read beside them. */
  worker2Cold: Timing;
  ingestCold: Timing;
  ingestWarm: Timing;
  ratioColdToPdftotext: number;
  ratioWarmToPdftotext: number;
  cpuRatioToPdftotext: number;
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
    const w2 = await best(repeat, () => extractPdfParallel(full, { workers: 2 }), closePdfWorkerPool);
    const cold = await best(repeat, () => extractFile(full), closePdfWorkerPool);
    // Warm: the pool keeps the worker of a first (untimed) run, as from the previous file of a folder.
    const warm = await best(repeat, () => extractFile(full), async () => {
      await closePdfWorkerPool();
      await extractFile(full);
    });
    const pages = warm.value.pages.length;
    const text = (d: ExtractedDocument): string => d.pages.map((p) => p.text).join('\n');
    const pps = (t: Timed<unknown>): Timing => ({ seconds: r2(t.seconds), cpuSeconds: r2(t.cpu), pagesPerSecond: r1(pages / t.seconds) });
    rows.push({
      file,
      pages,
      pdftotext: pps(base),
      inThread: pps(inThread),
      worker2Cold: pps(w2),
      ingestCold: pps(cold),
      ingestWarm: pps(warm),
      ratioColdToPdftotext: r2(base.seconds / cold.seconds),
      ratioWarmToPdftotext: r2(base.seconds / warm.seconds),
      // What we would reach with both cores to ourselves: pdftotext's CPU time over half of ours
      // (the machine may be shared, so wall-clock ratios move with other people's load).
      cpuRatioToPdftotext: r2(base.cpu / (warm.cpu / 2)),
      tokenOverlapWithPdftotext: r2(overlap(text(warm.value), base.value.text)),
    });
    const row = rows[rows.length - 1];
    console.error(`${file}: ${pages} pages, ratio cold ${row.ratioColdToPdftotext}, warm ${row.ratioWarmToPdftotext}`);
  }
  // The folder as an ingest reads it.
  const concurrency = Settings.parse({}).ingest.concurrency;
  const folderPass = (): Promise<number> => {
    let next = 0;
    let pages = 0;
    const lane = async (): Promise<void> => {
      while (next < files.length) {
        const doc = await extractFile(path.join(DIR, files[next++]));
        pages += doc.pages.length;
      }
    };
    return Promise.all(Array.from({ length: concurrency }, lane)).then(() => pages);
  };
  await closePdfWorkerPool();
  const folderCold = await best(1, folderPass);
  const folderWarm = await best(repeat, folderPass);
  const sum = (f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const pages = sum((r) => r.pages);
  const pdftotextSeconds = sum((r) => r.pdftotext.seconds);
  const total = {
    pages,
    pdftotextPagesPerSecond: r1(pages / pdftotextSeconds),
    inThreadPagesPerSecond: r1(pages / sum((r) => r.inThread.seconds)),
    worker2ColdPagesPerSecond: r1(pages / sum((r) => r.worker2Cold.seconds)),
    ingestColdPagesPerSecond: r1(pages / sum((r) => r.ingestCold.seconds)),
    ingestWarmPagesPerSecond: r1(pages / sum((r) => r.ingestWarm.seconds)),
    ratioColdToPdftotext: r2(pdftotextSeconds / sum((r) => r.ingestCold.seconds)),
    ratioWarmToPdftotext: r2(pdftotextSeconds / sum((r) => r.ingestWarm.seconds)),
    cpuRatioToPdftotext: r2(sum((r) => r.pdftotext.cpuSeconds) / (sum((r) => r.ingestWarm.cpuSeconds) / 2)),
    /** The headline: the folder read as an ingest reads it, `concurrency` files at a time. */
    folder: {
      concurrency,
      firstPassSeconds: r2(folderCold.seconds),
      firstPassPagesPerSecond: r1(folderCold.value / folderCold.seconds),
      firstPassRatioToPdftotext: r2(pdftotextSeconds / folderCold.seconds),
      seconds: r2(folderWarm.seconds),
      cpuSeconds: r2(folderWarm.cpu),
      pagesPerSecond: r1(folderWarm.value / folderWarm.seconds),
      ratioToPdftotext: r2(pdftotextSeconds / folderWarm.seconds),
    },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const headers = ['file', 'pages', 'pdftotext p/s', 'in-thread', '2w cold', 'ingest cold', 'ingest warm', 'cold ratio', 'warm ratio', 'cpu ratio', 'overlap'];
  const table = rows.map((r) => [
    r.file,
    r.pages,
    r.pdftotext.pagesPerSecond,
    r.inThread.pagesPerSecond,
    r.worker2Cold.pagesPerSecond,
    r.ingestCold.pagesPerSecond,
    r.ingestWarm.pagesPerSecond,
    r.ratioColdToPdftotext,
    r.ratioWarmToPdftotext,
    r.cpuRatioToPdftotext,
    r.tokenOverlapWithPdftotext,
  ]);
  table.push([
    'TOTAL (one file at a time)',
    total.pages,
    total.pdftotextPagesPerSecond,
    total.inThreadPagesPerSecond,
    total.worker2ColdPagesPerSecond,
    total.ingestColdPagesPerSecond,
    total.ingestWarmPagesPerSecond,
    total.ratioColdToPdftotext,
    total.ratioWarmToPdftotext,
    total.cpuRatioToPdftotext,
    '',
  ]);
  const cells = [headers, ...table.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [i, r] of cells.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((n) => '-'.repeat(n)).join('  '));
  }
  console.log(`pages/s; ratios = pdftotext time / ours; cpu ratio = pdftotext CPU / (our warm CPU / 2); best of ${repeat} run(s) each`);
  const f = total.folder;
  console.log(
    `\nThe folder as an ingest reads it (${f.concurrency} files at a time, readers kept between files): ${f.pagesPerSecond} pages/s, ` +
      `${f.ratioToPdftotext}x pdftotext (${total.pdftotextPagesPerSecond} pages/s); first pass from a fresh pool ${f.firstPassPagesPerSecond} pages/s, ${f.firstPassRatioToPdftotext}x. ` +
      `Peak RSS ${total.peakRssMb} MB; load average before: ${loadBefore}`,
  );
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
