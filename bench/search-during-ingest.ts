/**
 * Search latency while a bulk ingest runs: a library of generated documents is ingested and
 * indexed first, searches (hybrid, distinct SciFact queries, so every query embedding is a cache
 * miss) are timed at a steady rate with the engine idle, then again while a second, larger
 * folder is ingested. Prints p50/p95/max for both phases (target: p95 < 100 ms during ingest)
 * and the ingest's files/min.
 * Run: npx tsx bench/search-during-ingest.ts [--base 40] [--bulk 150] [--rate 4] [--embedder use|hash]
 *   [--corpus-share 0.2] (copies of the shared corpus in the bulk folder: long PDFs read beside search)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../main/engine';
import { percentile, printTable, round, writeResult } from './common';
import { loadSciFactText } from './library';
import { generateMixedFolder, loadAbstracts } from './mixed-folder';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '40' },
    bulk: { type: 'string', default: '150' },
    rate: { type: 'string', default: '4' },
    'idle-queries': { type: 'string', default: '40' },
    embedder: { type: 'string', default: 'use' },
    /** Share of the bulk folder that is copies of the shared corpus (long, odd and broken files). */
    'corpus-share': { type: 'string', default: '0' },
    name: { type: 'string' },
  },
});
const embedder = values.embedder === 'hash' ? { kind: 'hash' as const } : { kind: 'use' as const };
const intervalMs = 1000 / Number(values.rate);

/** Runs searches every intervalMs until stop() says so; an overrunning search delays the next. */
async function searchLoop(engine: Engine, queries: string[], stop: () => boolean): Promise<number[]> {
  const times: number[] = [];
  let next = performance.now();
  while (!stop() && queries.length > 0) {
    const q = queries.shift() as string;
    const t = performance.now();
    await engine.handlers['search.query']({ query: q, k: 10, mode: 'hybrid', filters: {} });
    times.push(performance.now() - t);
    next += intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = performance.now();
  }
  return times;
}

const stats = (t: number[]) => ({ n: t.length, p50: round(percentile(t, 50)), p95: round(percentile(t, 95)), max: round(Math.max(...t)) });

const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-sdi-'));
const load0 = loadavg()[0];
try {
  const abstracts = await loadAbstracts();
  const { queries: testQueries } = await loadSciFactText();
  const queries = [...new Set(testQueries)];
  const base = await generateMixedFolder(path.join(dir, 'base'), { files: Number(values.base), corpusShare: 0, abstracts, seed: 1 });
  const bulk = await generateMixedFolder(path.join(dir, 'bulk'), { files: Number(values.bulk), corpusShare: Number(values['corpus-share']), abstracts, seed: 2 });
  const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder });
  try {
    await engine.handlers['library.ingest']({ paths: [base.dir], collection: 'base', tags: [] });
    await engine.queue.whenIdle();
    await engine.maintain({ optimize: true });
    // Warm-up: the first query starts the query worker and loads its model.
    await engine.handlers['search.query']({ query: 'warm up the query path', k: 10, mode: 'hybrid', filters: {} });

    const idle = await searchLoop(engine, queries.splice(0, Number(values['idle-queries'])), () => false);
    const t0 = performance.now();
    await engine.handlers['library.ingest']({ paths: [bulk.dir], collection: 'bulk', tags: [] });
    let ingesting = true;
    const finished = engine.queue.whenIdle().then(() => (ingesting = false));
    const during = await searchLoop(engine, queries, () => !ingesting);
    await finished;
    const ingestSeconds = (performance.now() - t0) / 1000;
    const chunks = [...engine.documents().values()].filter((d) => d.collection === 'bulk').reduce((a, d) => a + d.chunks, 0);
    const id = (await engine.embedder()).info.id;
    const rows = [
      ['idle', ...Object.values(stats(idle))],
      ['during ingest', ...Object.values(stats(during))],
    ];
    printTable(['phase', 'searches', 'p50 ms', 'p95 ms', 'max ms'], rows);
    console.log(`bulk ingest: ${bulk.files} files, ${chunks} chunks in ${round(ingestSeconds)} s (${round(bulk.files / (ingestSeconds / 60))} files/min, ${round(chunks / ingestSeconds, 2)} chunks/s) with ${id}`);
    console.log(`load average ${round(load0, 2)} at start, ${round(loadavg()[0], 2)} at end`);
    console.log(
      `written ${await writeResult(values.name ?? 'search-during-ingest', {
        embedder: id,
        searchesPerSecond: Number(values.rate),
        baseFiles: base.files,
        bulkFiles: bulk.files,
        idle: stats(idle),
        duringIngest: stats(during),
        ingest: { seconds: round(ingestSeconds), chunks, filesPerMinute: round(bulk.files / (ingestSeconds / 60)) },
        loadAverageAtStart: round(load0, 2),
      })}`,
    );
  } finally {
    await engine.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
