/**
 * End-to-end ingest (parse, chunk, embed, index): wall-clock time, chunks/s, time per stage
 * summed over files (stages of different files overlap, so the wall clock should approach the
 * slowest stage rather than the sum), peak RSS, the embedding cache's hit rate, and — with the
 * USE embedder — the model's standalone throughput on the same chunk texts, measured in the same
 * run right after the ingest (a fresh, uncached pool given every text in one call: its best
 * case). The ratio of the two says how much of the model's speed the pipeline keeps. Both clocks
 * start with the model loaded in every worker (~1 s and ~2 CPU-s, paid once per app start):
 * the standalone run warms up first, so the pipeline's pool does too.
 * Run: npx tsx bench/ingest.ts [--files a.pdf,b.docx | --mixed 300] [--embedder use|hash]
 *      [--concurrency 2] [--batch 32] [--reingest] [--name ingest]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CachedEmbedder } from '../main/embed/cache';
import { UseEmbedder } from '../main/embed/use';
import { createEngine } from '../main/engine';
import type { StageTimings } from '../main/jobs/journal';
import { printTable, round, shared, writeResult } from './common';
import { generateMixedFolder } from './mixed-folder';

const { values } = parseArgs({
  options: {
    files: { type: 'string' },
    mixed: { type: 'string' },
    embedder: { type: 'string' },
    name: { type: 'string' },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    reingest: { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
  },
});
const embedder = values.embedder === 'hash' ? { kind: 'hash' as const } : { kind: 'use' as const };
const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-ingest-'));
const load0 = loadavg()[0];

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
try {
  let files: string[];
  if (values.mixed) {
    // Corpus copies are left out: the long PDFs would dominate a small folder.
    const folder = await generateMixedFolder(path.join(dir, 'docs'), { files: Number(values.mixed), corpusShare: 0 });
    files = [folder.dir];
    console.log(`generated ${folder.files} files: ${JSON.stringify(folder.generated)}`);
  } else {
    files = values.files
      ? values.files.split(',')
      : [
          shared('corpus', 'pdf', 'long_real', 'pdfjs__TAMReview.pdf'),
          shared('corpus', 'pdf', 'long_real', 'pdfjs__pdkids.pdf'),
          shared('corpus', 'pdf', 'long_real', 'docling__redp5110_sampled.pdf'),
          shared('corpus', 'pdf', 'long_real', 'unstructured__DA-619p.pdf'),
        ];
  }
  const dataDir = path.join(dir, 'lib');
  const batch = values.batch ? Number(values.batch) : undefined;
  if (batch) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ ingest: { embedBatchSize: batch } }));
  }
  const engine = await createEngine({ dataDir, embedder, concurrency: values.concurrency ? Number(values.concurrency) : undefined });
  const serving = await engine.embedder();
  const pool = serving instanceof CachedEmbedder && serving.inner instanceof UseEmbedder ? serving.inner : undefined;
  // Straight to the pool, not through the cache: these texts are not the library's.
  if (pool) await pool.embed(Array.from({ length: pool.workers * 8 }, (_, i) => `Warm-up passage ${i}: every worker loads the model before the clock starts.`));
  const warm = pool?.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { jobIds } = await engine.handlers['library.ingest']({ paths: files, collection: 'bench', tags: [] });
  await engine.queue.whenIdle();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const batcher = engine.queue.batcher.stats();
  // Worker-busy time over workers × wall: whether the pipeline kept the model fed. On a shared
  // machine wall-clock rates swing with other load; this ratio does not depend on it as much.
  const after = pool?.stats();
  const poolStats =
    pool && warm && after
      ? { batches: after.batches - warm.batches, texts: after.texts - warm.texts, busyMs: after.busyMs - warm.busyMs, workers: pool.workers }
      : undefined;
  const feed = poolStats ? poolStats.busyMs / (poolStats.workers * wallMs) : undefined;
  await engine.maintain({ optimize: true });
  const byId = new Map(engine.queue.list().map((j) => [j.jobId, j]));
  const jobs = jobIds.map((id) => byId.get(id)!);
  const sum: StageTimings = { hashMs: 0, parseMs: 0, chunkMs: 0, embedMs: 0, indexMs: 0 };
  const rows: (string | number)[][] = [];
  let chunks = 0;
  let pages = 0;
  let failed = 0;
  for (const j of jobs) {
    const doc = j.docId ? engine.documents().get(j.docId) : undefined;
    chunks += doc?.chunks ?? 0;
    pages += doc?.pages ?? 0;
    if (j.state !== 'done') failed++;
    const t = j.timings ?? sum;
    for (const k of Object.keys(sum) as (keyof StageTimings)[]) sum[k] += j.timings?.[k] ?? 0;
    if (jobs.length <= 20) rows.push([path.basename(j.path), j.state, doc?.pages ?? 0, doc?.chunks ?? 0, t.parseMs, t.chunkMs, t.embedMs, t.indexMs]);
  }
  const embedderId = (await engine.embedder()).info.id;

  // Re-ingest: `library.reindex` of every document reads each file again although its content is
  // unchanged, so every chunk goes through the embedding stage and should hit the cache.
  let reingest: { seconds: number; texts: number; cacheHits: number; hitRate: number } | undefined;
  if (values.reingest) {
    const t1 = performance.now();
    const again = { jobIds: [] as string[] };
    for (const docId of [...engine.documents().keys()]) again.jobIds.push(...(await engine.handlers['library.reindex']({ docId })).jobIds);
    await engine.queue.whenIdle();
    const list = new Map(engine.queue.list().map((j) => [j.jobId, j]));
    let texts = 0;
    let cacheHits = 0;
    for (const id of again.jobIds) {
      texts += list.get(id)?.embedding?.texts ?? 0;
      cacheHits += list.get(id)?.embedding?.cacheHits ?? 0;
    }
    reingest = { seconds: round((performance.now() - t1) / 1000, 2), texts, cacheHits, hitRate: texts ? round(cacheHits / texts, 4) : 1 };
  }

  // The model alone on the same texts, in the same run (USE only: the hash embedder is no model).
  let standalone: { chunksPerSecond: number; seconds: number; feed: number } | undefined;
  if (embedder.kind === 'use' && !values['no-baseline']) {
    const texts: string[] = [];
    for (const j of jobs) if (j.docId) for (const r of await engine.store.chunksByDoc(j.docId)) texts.push(r.text);
    await engine.close();
    const use = new UseEmbedder();
    await use.embed(texts.slice(0, 16)); // start the workers and load the model
    const s = performance.now();
    const busy0 = use.stats().busyMs;
    await use.embed(texts);
    const ms = performance.now() - s;
    const feedAlone = (use.stats().busyMs - busy0) / (use.workers * ms);
    await use.close();
    standalone = { chunksPerSecond: round(texts.length / (ms / 1000), 2), seconds: round(ms / 1000, 2), feed: round(feedAlone, 3) };
  } else await engine.close();
  clearInterval(sampler);

  if (rows.length) printTable(['file', 'state', 'pages', 'chunks', 'parse ms', 'chunk ms', 'embed ms', 'index ms'], rows);
  const stageSum = Object.values(sum).reduce((a, b) => a + b, 0);
  const slowest = Math.max(...Object.values(sum));
  const chunksPerSecond = chunks / (wallMs / 1000);
  console.log(
    `\n${jobs.length} files (${failed} failed), ${pages} pages, ${chunks} chunks in ${round(wallMs / 1000)} s → ${round(chunksPerSecond)} chunks/s, ${round(jobs.length / (wallMs / 60000))} files/min (${embedderId}, batch ${batch ?? 'default'}, concurrency ${values.concurrency ?? 'default'})`,
  );
  console.log(`sum of stages ${round(stageSum / 1000)} s, slowest stage ${round(slowest / 1000)} s, wall ${round(wallMs / 1000)} s (overlap ratio sum/wall ${round(stageSum / wallMs, 2)})`);
  console.log(`embedder calls ${batcher.calls}, mean ${round(batcher.sent / Math.max(1, batcher.calls))} texts per call, embedder busy ${round(batcher.busyMs / 1000)} s of ${round(wallMs / 1000)} s`);
  console.log(`process CPU ${round(cpuSeconds)} s over ${round(wallMs / 1000)} s wall (${round(cpuSeconds / (wallMs / 1000), 2)} cores)`);
  if (poolStats && feed !== undefined) {
    console.log(`USE pool: ${poolStats.batches} batches, ${round(poolStats.texts / Math.max(1, poolStats.batches))} texts per batch, workers busy ${round(feed * 100)}% of wall × ${poolStats.workers} workers`);
  }
  if (standalone) console.log(`standalone USE workers busy ${round(standalone.feed * 100)}%`);
  if (standalone) console.log(`standalone USE on the same ${chunks} texts: ${standalone.chunksPerSecond} chunks/s → pipeline keeps ${round((100 * chunksPerSecond) / standalone.chunksPerSecond)}%`);
  if (reingest) console.log(`re-ingest (hashes forgotten): ${reingest.cacheHits}/${reingest.texts} cache hits (${round(reingest.hitRate * 100, 2)}%) in ${reingest.seconds} s`);
  console.log(`peak RSS ${round(peakRss / 2 ** 20)} MB; load average ${round(load0, 2)} at start, ${round(loadavg()[0], 2)} at end`);
  console.log(
    `written ${await writeResult(values.name ?? 'ingest', {
      embedder: embedderId,
      files: values.mixed ? `${values.mixed} generated mixed files` : files.map((f) => path.basename(f)),
      batch: batch ?? null,
      concurrency: values.concurrency ? Number(values.concurrency) : null,
      jobs: jobs.length,
      failed,
      pages,
      chunks,
      wallSeconds: round(wallMs / 1000, 2),
      chunksPerSecond: round(chunksPerSecond, 2),
      filesPerMinute: round(jobs.length / (wallMs / 60000), 1),
      stagesMs: sum,
      batcher,
      pool: poolStats,
      poolBusyShare: feed !== undefined ? round(feed, 3) : undefined,
      cpuSeconds: round(cpuSeconds, 1),
      standalone,
      pipelineToStandalone: standalone ? round(chunksPerSecond / standalone.chunksPerSecond, 3) : undefined,
      reingest,
      peakRssMB: round(peakRss / 2 ** 20),
      loadAverageAtStart: round(load0, 2),
    })}`,
  );
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
