/**
 * The 10,000-file ingest: generates a folder of mixed documents (bench/mixed-folder.ts: text,
 * Markdown, HTML, PDF and DOCX made of SciFact abstracts, plus copies of the shared corpus),
 * ingests it with the real CLI in a child process, kills that process with SIGKILL once about
 * half the files are done, runs the same command again (it resumes) and checks the library:
 * every file indexed exactly once (ready documents = files − failures, failures only among the
 * corpus copies, no duplicate chunk ids, no orphan chunks), the CLI's peak RSS (VmHWM, worker
 * threads included, summed over the launcher and the process it runs the work in) under 1.5 GB,
 * files/min before and after the kill.
 *
 * Run: npx tsx bench/ingest-10k.ts [--files 10000] [--embedder use|hash] [--kill-at 0.5]
 *      [--corpus-share 0.025] [--skip-long]
 * With USE (the default) a full 10,000-file run takes hours on two cores; measure files/min on a
 * smaller --files and run the full size with --embedder hash. The JSON says which embedder ran.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../main/engine';
import { chunkTableName } from '../main/store/store';
import { REPO, round, writeResult } from './common';
import { generateMixedFolder } from './mixed-folder';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    embedder: { type: 'string', default: 'use' },
    'kill-at': { type: 'string', default: '0.5' },
    'corpus-share': { type: 'string', default: '0.025' },
    'skip-long': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const nFiles = Number(values.files);
const killAt = Number(values['kill-at']);
const embedder = values.embedder === 'hash' ? { kind: 'hash' as const } : { kind: 'use' as const };
const RSS_LIMIT_MB = 1536;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssMB: number;
  doneAtEnd: number;
}

/** Lines `"state":"done"` in the journal, read incrementally (the file grows to megabytes). */
class JournalWatch {
  private offset = 0;
  private tail = '';
  done = 0;
  constructor(private readonly file: string) {}
  async poll(): Promise<number> {
    if (!existsSync(this.file)) return this.done;
    const fh = await open(this.file, 'r');
    try {
      const { size } = await fh.stat();
      if (size < this.offset) {
        // Compacted on open (a new run): count again from the start.
        this.offset = 0;
        this.tail = '';
        this.done = 0;
      }
      if (size === this.offset) return this.done;
      const buf = Buffer.alloc(size - this.offset);
      await fh.read(buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.tail + buf.toString('utf8');
      const lines = text.split('\n');
      this.tail = lines.pop() ?? '';
      for (const l of lines) if (l.includes('"state":"done"')) this.done++;
      return this.done;
    } finally {
      await fh.close();
    }
  }
}

/** Peak resident memory of a process (VmHWM covers all its threads), in MB; 0 once it is gone. */
async function vmHwmMB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A process and its descendants (from /proc/<pid>/task/<tid>/children). */
async function processTree(pid: number): Promise<number[]> {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = await readFile(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8');
      out.push(...children.split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Peak memory of the CLI: the sum of VmHWM over the pid started and its descendants. On Linux
 * that pid is a thin launcher that runs the work in a child with two malloc arenas
 * (bin/arena.js); the sum of the peaks bounds what both held at once from above.
 */
async function treeHwmMB(pid: number): Promise<number> {
  const peaks = await Promise.all((await processTree(pid)).map(vmHwmMB));
  return peaks.reduce((a, b) => a + b, 0);
}

/** Runs `quarry ingest` on the folder; with `killAfterDone`, SIGKILLs it once that many jobs are done. */
async function runCli(dataDir: string, folder: string, killAfterDone?: number): Promise<RunResult> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'quarry.js'), '--data-dir', dataDir, 'ingest', folder, '--json', '--wait', '30'], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const watch = new JournalWatch(path.join(dataDir, 'jobs.jsonl'));
  let peak = 0;
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    peak = Math.max(peak, await treeHwmMB(child.pid as number));
    const done = await watch.poll();
    if (killAfterDone !== undefined && done >= killAfterDone && running) {
      child.kill('SIGKILL');
      break;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
  }
  const { code, signal } = await exited;
  return { code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000, peakRssMB: round(peak), doneAtEnd: await watch.poll() };
}

const root = await mkdtemp(path.join(tmpdir(), 'quarry-bench-10k-'));
const load0 = loadavg();
try {
  const tg = performance.now();
  const folder = await generateMixedFolder(path.join(root, 'docs'), {
    files: nFiles,
    corpusShare: Number(values['corpus-share']),
    excludeCorpus: values['skip-long'] ? (f) => f.includes(`${path.sep}long_real${path.sep}`) : undefined,
  });
  const genSeconds = (performance.now() - tg) / 1000;
  console.log(`generated ${folder.files} files (${round(folder.bytes / 2 ** 20)} MB generated + ${folder.corpusCopies.length} corpus copies) in ${round(genSeconds)} s: ${JSON.stringify(folder.generated)}`);
  const dataDir = path.join(root, 'lib');
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ embedder }));

  const killAfter = Math.max(1, Math.floor(nFiles * killAt));
  const first = await runCli(dataDir, folder.dir, killAfter);
  if (first.signal !== 'SIGKILL') throw new Error(`The first run ended before the kill (code ${first.code}): ${first.stderr.slice(-2000)}`);
  console.log(`run 1: killed with SIGKILL after ${first.doneAtEnd} files done in ${round(first.seconds)} s (${round(first.doneAtEnd / (first.seconds / 60))} files/min), peak RSS ${first.peakRssMB} MB`);
  const second = await runCli(dataDir, folder.dir);
  if (second.code !== 0 && second.code !== 2) throw new Error(`The resumed run failed (code ${second.code}): ${second.stderr.slice(-2000)}`);
  const report = JSON.parse(second.stdout) as { ingested: number; unchanged: number; failed: { path: string; code: string }[]; embedding?: { texts: number; cacheHits: number } };
  const resumedFiles = nFiles - first.doneAtEnd;
  console.log(`run 2: ${report.ingested} ingested, ${report.unchanged} unchanged, ${report.failed.length} failed in ${round(second.seconds)} s (${round(resumedFiles / (second.seconds / 60))} files/min over the ${resumedFiles} left), peak RSS ${second.peakRssMB} MB`);

  // Check the library with a read-only engine (what `quarry status` would open).
  const engine = await createEngine({ dataDir, readOnly: true, embedder });
  const checks: Record<string, boolean> = {};
  let chunkRows = 0;
  let distinctIds = 0;
  let orphanDocs = 0;
  const docs = [...engine.documents().values()];
  const failures = new Map<string, number>();
  try {
    const ready = docs.filter((d) => d.status === 'ready');
    const failed = docs.filter((d) => d.status === 'failed');
    for (const d of failed) failures.set(d.error?.code ?? '?', (failures.get(d.error?.code ?? '?') ?? 0) + 1);
    const copies = new Set(folder.corpusCopies.map((f) => path.basename(f)));
    const failedGenerated = failed.filter((d) => !/^c\d+-/.test(d.name) || !copies.has(d.name.replace(/^c\d+-/, '')));
    const table = await engine.store.db.openTable(chunkTableName(engine.store.embedderId));
    const rows = (await table.query().select(['id', 'doc_id']).toArray()) as { id: string; doc_id: string }[];
    chunkRows = rows.length;
    distinctIds = new Set(rows.map((r) => r.id)).size;
    const live = new Set(docs.map((d) => d.docId));
    orphanDocs = new Set(rows.filter((r) => !live.has(r.doc_id)).map((r) => r.doc_id)).size;
    checks.everyFileHasOneDocument = docs.length === nFiles && new Set(docs.map((d) => d.path)).size === nFiles;
    checks.readyEqualsFilesMinusFailures = ready.length === nFiles - failed.length && failed.length === report.failed.length;
    checks.failuresOnlyAmongCorpusCopies = failedGenerated.length === 0;
    checks.noDocumentLeftProcessing = docs.every((d) => d.status !== 'processing');
    checks.noDuplicateChunkIds = distinctIds === chunkRows;
    checks.chunkCountsMatch = chunkRows === ready.reduce((a, d) => a + d.chunks, 0);
    checks.noOrphanChunks = orphanDocs === 0;
    checks.reportCoversEveryFile = report.ingested + report.unchanged + report.failed.length === nFiles;
    checks.peakRssUnderLimit = Math.max(first.peakRssMB, second.peakRssMB) < RSS_LIMIT_MB;
  } finally {
    await engine.close();
  }
  const totalSeconds = first.seconds + second.seconds;
  for (const [k, ok] of Object.entries(checks)) console.log(`${ok ? 'ok  ' : 'FAIL'} ${k}`);
  console.log(`${nFiles} files in ${round(totalSeconds)} s of ingest (${round(nFiles / (totalSeconds / 60))} files/min overall, ${embedder.kind}); ${chunkRows} chunks; failures ${JSON.stringify(Object.fromEntries(failures))}`);
  console.log(`load average ${load0.map((x) => round(x, 2)).join(' ')} at start, ${loadavg().map((x) => round(x, 2)).join(' ')} at end`);
  const file = await writeResult(`ingest-10k-${embedder.kind}-${nFiles}`, {
    embedder: embedder.kind === 'hash' ? 'hash-256 (fast stand-in; no model)' : 'use-512',
    files: nFiles,
    generated: folder.generated,
    corpusCopies: folder.corpusCopies.length,
    generateSeconds: round(genSeconds),
    run1: { killedAfterDone: first.doneAtEnd, seconds: round(first.seconds), filesPerMinute: round(first.doneAtEnd / (first.seconds / 60)), peakRssMB: first.peakRssMB },
    run2: { seconds: round(second.seconds), filesLeft: resumedFiles, filesPerMinute: round(resumedFiles / (second.seconds / 60)), peakRssMB: second.peakRssMB, report: { ingested: report.ingested, unchanged: report.unchanged, failed: report.failed.length, embedding: report.embedding } },
    totalSeconds: round(totalSeconds),
    filesPerMinute: round(nFiles / (totalSeconds / 60)),
    chunks: chunkRows,
    failures: Object.fromEntries(failures),
    peakRssMB: Math.max(first.peakRssMB, second.peakRssMB),
    rssLimitMB: RSS_LIMIT_MB,
    checks,
    loadAverageAtStart: load0.map((x) => round(x, 2)),
  });
  console.log(`written ${file}`);
  if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
} finally {
  if (values.keep) console.log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
