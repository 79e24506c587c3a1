/**
 * Hybrid search latency at library scale: builds libraries of N chunks from real SciFact text
 * (scaled up by recombining sentences), then times in-process hybrid, text and vector queries.
 * Run: npx tsx bench/search-latency.ts [--sizes 10000,100000] [--queries 200]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SearchMode } from '../contract';
import { percentile, printTable, round, writeResult } from './common';
import { buildSyntheticLibrary, loadSciFactText } from './library';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, queries: { type: 'string' } } });
const sizes = (values.sizes ?? '10000,100000').split(',').map(Number);
const nQueries = Number(values.queries ?? 200);

const { sentences, queries } = await loadSciFactText();
const results: Record<string, unknown>[] = [];
for (const size of sizes) {
  const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
  try {
    const { engine, loadMs, indexMs } = await buildSyntheticLibrary(dir, { chunks: size, sentences });
    const row: Record<string, unknown> = { chunks: size, loadSeconds: round(loadMs / 1000), indexSeconds: round(indexMs / 1000), indexes: engine.store.indexState };
    for (const mode of ['hybrid', 'text', 'vector'] as SearchMode[]) {
      const fusion = { method: 'minmax' as const, denseWeight: 0.2, rrfK: 60 };
      // Warm up caches, then time.
      for (const q of queries.slice(0, 10)) await engine.searcher.search({ query: q, k: 10, mode, filters: {} }, { fusion });
      const times: number[] = [];
      for (const q of queries.slice(0, nQueries)) {
        const s = performance.now();
        await engine.searcher.search({ query: q, k: 10, mode, filters: {} }, { fusion });
        times.push(performance.now() - s);
      }
      row[`${mode}P50`] = round(percentile(times, 50));
      row[`${mode}P95`] = round(percentile(times, 95));
    }
    results.push(row);
    await engine.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
printTable(
  ['chunks', 'load s', 'index s', 'hybrid p50', 'hybrid p95', 'text p50', 'text p95', 'vector p50', 'vector p95'],
  results.map((r) => [r.chunks as number, r.loadSeconds as number, r.indexSeconds as number, r.hybridP50 as number, r.hybridP95 as number, r.textP50 as number, r.textP95 as number, r.vectorP50 as number, r.vectorP95 as number]),
);
console.log(`written ${await writeResult('search-latency', { queries: nQueries, embedder: 'hash-512 (a fast stand-in: the query-embedding time of a real model is measured by bench/embed.ts and adds to hybrid and vector latency)', results })}`);
