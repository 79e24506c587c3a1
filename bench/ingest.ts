/**
 * End-to-end ingest (parse, chunk, embed, index) with the default embedder: wall-clock time,
 * chunks/s, time per stage summed over files (stages of different files overlap, so the wall
 * clock should approach the slowest stage rather than the sum) and peak RSS.
 * Run: npx tsx bench/ingest.ts [--files a.pdf,b.docx] [--embedder use|hash]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../main/engine';
import type { StageTimings } from '../main/jobs/journal';
import { printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { files: { type: 'string' }, embedder: { type: 'string' }, name: { type: 'string' } } });
const files = values.files
  ? values.files.split(',')
  : [
      shared('corpus', 'pdf', 'long_real', 'pdfjs__TAMReview.pdf'),
      shared('corpus', 'pdf', 'long_real', 'pdfjs__pdkids.pdf'),
      shared('corpus', 'pdf', 'long_real', 'docling__redp5110_sampled.pdf'),
      shared('corpus', 'pdf', 'long_real', 'unstructured__DA-619p.pdf'),
    ];
const embedder = values.embedder === 'hash' ? { kind: 'hash' as const } : { kind: 'use' as const };

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-ingest-'));
try {
  const engine = await createEngine({ dataDir: dir, embedder });
  const t0 = performance.now();
  const { jobIds } = await engine.handlers['library.ingest']({ paths: files, collection: 'bench', tags: [] });
  await engine.queue.whenIdle();
  const wallMs = performance.now() - t0;
  await engine.maintain({ optimize: true });
  const byId = new Map(engine.queue.list().map((j) => [j.jobId, j]));
  const jobs = jobIds.map((id) => byId.get(id)!);
  const sum: StageTimings = { hashMs: 0, parseMs: 0, chunkMs: 0, embedMs: 0, indexMs: 0 };
  const rows: (string | number)[][] = [];
  let chunks = 0;
  let pages = 0;
  for (const j of jobs) {
    const doc = j.docId ? engine.documents().get(j.docId) : undefined;
    chunks += doc?.chunks ?? 0;
    pages += doc?.pages ?? 0;
    const t = j.timings ?? sum;
    for (const k of Object.keys(sum) as (keyof StageTimings)[]) sum[k] += j.timings?.[k] ?? 0;
    rows.push([path.basename(j.path), j.state, doc?.pages ?? 0, doc?.chunks ?? 0, t.parseMs, t.chunkMs, t.embedMs, t.indexMs]);
  }
  const embedderId = (await engine.embedder()).info.id;
  await engine.close();
  clearInterval(sampler);
  printTable(['file', 'state', 'pages', 'chunks', 'parse ms', 'chunk ms', 'embed ms', 'index ms'], rows);
  const stageSum = Object.values(sum).reduce((a, b) => a + b, 0);
  const slowest = Math.max(...Object.values(sum));
  console.log(
    `\n${files.length} files, ${pages} pages, ${chunks} chunks in ${round(wallMs / 1000)} s → ${round(chunks / (wallMs / 1000))} chunks/s, ${round(pages / (wallMs / 1000))} pages/s (${embedderId})`,
  );
  console.log(`sum of stages ${round(stageSum / 1000)} s, slowest stage ${round(slowest / 1000)} s, wall ${round(wallMs / 1000)} s (overlap ratio sum/wall ${round(stageSum / wallMs, 2)})`);
  console.log(`peak RSS ${round(peakRss / 2 ** 20)} MB`);
  console.log(
    `written ${await writeResult(values.name ?? 'ingest', { embedder: embedderId, files: files.map((f) => path.basename(f)), pages, chunks, wallSeconds: round(wallMs / 1000, 2), chunksPerSecond: round(chunks / (wallMs / 1000), 2), stagesMs: sum, peakRssMB: round(peakRss / 2 ** 20) })}`,
  );
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
