/**
 * One step of bench/scale.ts, in its own process so its peak RSS is its own:
 *   build  --dir D --chunks N [--pool P] --cache C   grow and index a library (no vector index)
 *   exact  --dir D --queries Q --hybrid H --write F  drop any vector index; exact ground truth
 *   config --dir D --name X --queries Q --exact F    build index X; sweep its query settings
 *   profile --dir D [--name X] --queries Q           time each stage of hybrid search
 * Each writes its figures as JSON to --out.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as lancedb from '@lancedb/lancedb';
import type { Embedder } from '../main/embed/types';
import { defaultFusion } from '../main/search/fusion';
import { Searcher } from '../main/search/searcher';
import { treeBytes } from '../main/store/cache';
import { CHUNK_COLUMNS } from '../main/store/schema';
import { chunkTableName, Store, type DocumentRecord } from '../main/store/store';
import { applyTuning, tuningFor, type VectorQueryTuning } from '../main/store/vector-index';
import { percentile, round } from './common';
import { buildScaledLibrary, loadPassagePool } from './library';
import { INDEX_CONFIGS, tuningLabel } from './scale-configs';

/** Total size of the files under `dir`, in MB. */
async function duMb(dir: string): Promise<number> {
  return round((await treeBytes(dir)) / 2 ** 20);
}

function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024);
}

interface QueryFile {
  raw: string[];
  texts: string[];
  vectors: number[][];
}

/** Returns the precomputed USE vector of each query text: the searcher's path, minus embedding time. */
class LookupEmbedder implements Embedder {
  readonly info = { id: 'use-512', dimension: 512, kind: 'use' as const };
  constructor(private readonly vectors: Map<string, Float32Array>) {}
  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = this.vectors.get(t);
      if (!v) throw new Error(`no precomputed vector for query ${JSON.stringify(t)}`);
      return v;
    });
  }
  async close(): Promise<void> {}
}

async function timeQueries<T>(n: number, run: (i: number) => Promise<T>): Promise<{ times: number[]; out: T[] }> {
  for (let i = 0; i < Math.min(30, n); i++) await run(i); // warm caches (the first pass after a build reads the index from disk)
  const times: number[] = [];
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    out.push(await run(i));
    times.push(performance.now() - s);
  }
  return { times, out };
}

async function hybridFigures(store: Store, q: QueryFile, n: number): Promise<{ hybridP50: number; hybridP95: number }> {
  const docs = new Map<string, DocumentRecord>((await store.loadDocuments()).map((d) => [d.docId, d]));
  const embedder = new LookupEmbedder(new Map(q.texts.map((t, i) => [t, Float32Array.from(q.vectors[i])])));
  const searcher = new Searcher({ store, embedder: async () => embedder, docs: () => docs, fusion: () => defaultFusion('use-512') });
  const { times, out } = await timeQueries(Math.min(n, q.raw.length), (i) => searcher.search({ query: q.raw[i], k: 10, mode: 'hybrid', filters: {} }));
  if (out.some((r) => r.results.length === 0)) throw new Error('a hybrid query returned nothing');
  return { hybridP50: round(percentile(times, 50)), hybridP95: round(percentile(times, 95)) };
}

/**
 * Where a hybrid query's time goes, stage by stage, on the index the table has: BM25 alone,
 * vector alone (each as the searcher asks: 50 candidates, all chunk columns), both side by
 * side, and the whole Searcher (the rest is fusion, exact-unit promotion and snippets). Also
 * each retriever fetching only ids and scores, to see what the columns cost.
 */
async function profile(lanceDir: string, q: QueryFile, n: number, table: lancedb.Table): Promise<Record<string, unknown>> {
  const store = await Store.open(lanceDir, { embedderId: 'use-512', dimension: 512, readOnly: true });
  const { analyzeQuery } = await import('../main/search/query');
  const texts = q.raw.slice(0, n).map((r) => analyzeQuery(r).text);
  const vec = (i: number) => Float32Array.from(q.vectors[i]);
  const stat = async (label: string, run: (i: number) => Promise<unknown>) => {
    const { times } = await timeQueries(texts.length, run);
    return [label, { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), mean: round(times.reduce((a, b) => a + b, 0) / times.length) }] as const;
  };
  const tuning = (await table.listIndices()).find((i) => i.columns.includes('vector'))?.indexType;
  // Late materialisation: both retrievers return row ids and scores only; the chunk columns
  // of the union are fetched in one take (what fusion needs first, what snippets need after).
  const lateColumns = async (i: number) => {
    const [t, v] = await Promise.all([
      table.query().fullTextSearch(new lancedb.MatchQuery(texts[i], 'text')).select(['_score']).withRowId().limit(50).toArray(),
      applyTuning(table.vectorSearch(Array.from(vec(i))).distanceType('cosine').select(['_distance']).withRowId().limit(50), tuningFor(tuning), 50).toArray(),
    ]);
    const ids = [...new Set([...t, ...v].map((r) => r._rowid as bigint))];
    return table.takeRowIds(ids).select(CHUNK_COLUMNS).toArray();
  };
  const stages = [
    await stat('text (50, all columns)', (i) => store.textSearch(new lancedb.MatchQuery(texts[i], 'text'), 50)),
    await stat('text (50, id+score)', (i) => table.query().fullTextSearch(new lancedb.MatchQuery(texts[i], 'text')).select(['id', '_score']).limit(50).toArray()),
    await stat('vector (50, all columns)', (i) => store.vectorSearch(vec(i), 50)),
    await stat('vector (10, all columns)', (i) => store.vectorSearch(vec(i), 10)),
    await stat('vector (50, id+distance)', (i) => applyTuning(table.vectorSearch(Array.from(vec(i))).distanceType('cosine').select(['id', '_distance']).limit(50), tuningFor(tuning), 50).toArray()),
    await stat('text + vector in parallel', (i) => Promise.all([store.textSearch(new lancedb.MatchQuery(texts[i], 'text'), 50), store.vectorSearch(vec(i), 50)])),
    await stat('late columns: ids in parallel, then one take', lateColumns),
    await stat('text + vector in parallel (again)', (i) => Promise.all([store.textSearch(new lancedb.MatchQuery(texts[i], 'text'), 50), store.vectorSearch(vec(i), 50)])),
    await stat('late columns (again)', lateColumns),
  ];
  const hybrid = await hybridFigures(store, q, n);
  store.close();
  return { indexType: tuning, stages: Object.fromEntries(stages), searcher: hybrid };
}

// Query steps open the store read-only: no schema migration of a cached library, no index
// built behind the benchmark's back.
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' }, chunks: { type: 'string' }, pool: { type: 'string' }, cache: { type: 'string' }, 'pool-size': { type: 'string' },
    queries: { type: 'string' }, hybrid: { type: 'string' }, write: { type: 'string' }, name: { type: 'string' }, exact: { type: 'string' }, out: { type: 'string' },
  },
});

async function main(): Promise<Record<string, unknown>> {
  const dir = values.dir!;
  const lanceDir = path.join(dir, 'lancedb');
  const step = positionals[0];
  if (step === 'build') {
    const { passages, source } = await loadPassagePool({ from: values.pool, cacheDir: values.cache!, size: Number(values['pool-size'] ?? 1500) });
    const chunks = Number(values.chunks);
    let last = 0;
    const { store, loadMs, indexMs } = await buildScaledLibrary(lanceDir, {
      chunks, pool: passages,
      onProgress: (done) => {
        if (done - last >= chunks / 10 || done === chunks) console.log(`  ${done} chunks written (${round(performance.now() / 1000)} s)`);
        if (done - last >= chunks / 10) last = done;
      },
    });
    const rows = await store.countChunks();
    store.close();
    // Old versions from the bulk load are not part of the library's footprint.
    const db = await lancedb.connect(lanceDir);
    const table = await db.openTable(chunkTableName('use-512'));
    await table.optimize({ cleanupOlderThan: new Date() });
    table.close();
    return { rows, pool: source, loadSeconds: round(loadMs / 1000), ftsIndexAndCompactSeconds: round(indexMs / 1000), diskMb: await duMb(lanceDir), peakRssMb: peakRssMb() };
  }
  const q = JSON.parse(await readFile(values.queries!, 'utf8')) as QueryFile;
  const n = q.vectors.length;
  const nHybrid = Number(values.hybrid ?? 200);
  const db = await lancedb.connect(lanceDir);
  const table = await db.openTable(chunkTableName('use-512'));
  if (step === 'exact') {
    const vec = (await table.listIndices()).find((i) => i.columns.includes('vector'));
    if (vec) await table.dropIndex(vec.name);
    const store = await Store.open(lanceDir, { embedderId: 'use-512', dimension: 512, readOnly: true, vectorIndexThreshold: Number.POSITIVE_INFINITY });
    if (store.indexState.vector) throw new Error('the vector index is still there');
    const { times, out } = await timeQueries(n, (i) => store.vectorSearch(Float32Array.from(q.vectors[i]), 10));
    // At 1M chunks exact hybrid search costs minutes; the parent may skip it (--hybrid 0).
    const hybrid = nHybrid > 0 ? await hybridFigures(store, q, nHybrid) : {};
    const result = { vectorP50: round(percentile(times, 50)), vectorP95: round(percentile(times, 95)), ...hybrid, peakRssMb: peakRssMb(), ids: out.map((rows) => rows.map((r) => r.id)) };
    await writeFile(values.write!, JSON.stringify(result));
    store.close();
    return result;
  }
  if (step === 'config') {
    const config = INDEX_CONFIGS.find((c) => c.name === values.name);
    if (!config) throw new Error(`unknown config ${values.name}`);
    const exactIds = (JSON.parse(await readFile(values.exact!, 'utf8')) as { ids: string[][] }).ids;
    const rows = await table.countRows();
    const t0 = performance.now();
    await table.createIndex('vector', { config: config.index(rows, 512), replace: true });
    const buildSeconds = round((performance.now() - t0) / 1000);
    const buildRssMb = peakRssMb();
    const info = (await table.listIndices()).find((i) => i.columns.includes('vector'));
    const settings: Record<string, unknown>[] = [];
    for (const tuning of config.settings as VectorQueryTuning[]) {
      const store = await Store.open(lanceDir, { embedderId: 'use-512', dimension: 512, readOnly: true, vectorQuery: tuning });
      const { times, out } = await timeQueries(n, (i) => store.vectorSearch(Float32Array.from(q.vectors[i]), 10));
      const recall = out.reduce((acc, got, i) => acc + got.filter((r) => exactIds[i].includes(r.id)).length / Math.max(1, exactIds[i].length), 0) / n;
      const hybrid = await hybridFigures(store, q, nHybrid);
      settings.push({ tuning: tuningLabel(tuning), vectorP50: round(percentile(times, 50)), vectorP95: round(percentile(times, 95)), recall10: round(recall, 3), ...hybrid });
      console.log(`  ${config.name} ${tuningLabel(tuning)}: ${JSON.stringify(settings.at(-1))}`);
      store.close();
    }
    return {
      name: config.name, describe: config.describe(rows), indexType: info?.indexType, buildSeconds, indexMb: round((info?.sizeBytes ?? 0) / 2 ** 20),
      buildRssMb, peakRssMb: peakRssMb(), settings,
    };
  }
  if (step === 'profile') {
    // --name X builds that index first; without it the index the table has is profiled.
    const config = INDEX_CONFIGS.find((c) => c.name === values.name);
    if (config) await table.createIndex('vector', { config: config.index(await table.countRows(), 512), replace: true });
    return profile(lanceDir, q, nHybrid, table);
  }
  throw new Error(`unknown step ${step}`);
}

await writeFile(values.out!, JSON.stringify(await main()));
