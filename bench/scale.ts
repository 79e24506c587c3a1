/**
 * Library-scale vector index benchmark (issue 5, item 5). Builds libraries of N chunks grown
 * from real SciFact passages and their real USE vectors (bench/library.ts: scaledChunk), caches
 * them, and for each vector index configuration reports build time, index size, peak RSS,
 * vector search p50/p95 and recall@10 against exact search, and hybrid p50/p95 through the
 * real Searcher. Each build and each configuration runs in its own child process, so peak RSS
 * is that step's own.
 *
 * Run: npm run bench -- scale [--chunks 100000,1000000] [--configs ivf_flat,ivf_pq,...]
 *        [--queries 300] [--hybrid-queries 200] [--pool <quarry data dir with a use-512 index>]
 * Libraries are cached under QUARRY_BENCH_CACHE (default ~/.cache/quarry-bench); delete a
 * folder to rebuild it. Query vectors are real USE embeddings of the SciFact test queries;
 * their embedding time is not in the latencies (bench/embed.ts measures it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printTable, round, shared, writeResult } from './common';
import { loadQueryVectors, readLines } from './library';
import { INDEX_CONFIGS } from './scale-configs';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string' },
    configs: { type: 'string' },
    queries: { type: 'string' },
    'hybrid-queries': { type: 'string' },
    pool: { type: 'string' },
    'pool-size': { type: 'string' },
  },
});
const sizes = (values.chunks ?? '100000').split(',').map(Number);
const configs = (values.configs ?? INDEX_CONFIGS.map((c) => c.name).join(',')).split(',').filter(Boolean);
for (const c of configs) if (!INDEX_CONFIGS.some((x) => x.name === c)) throw new Error(`unknown config ${c} (have ${INDEX_CONFIGS.map((x) => x.name).join(', ')})`);
const nQueries = Number(values.queries ?? 300);
const nHybrid = Number(values['hybrid-queries'] ?? 200);
const cacheRoot = process.env.QUARRY_BENCH_CACHE ?? path.join(homedir(), '.cache', 'quarry-bench');
const poolTag = values.pool ? 'evalpool' : `abs${values['pool-size'] ?? 1500}`;

const { analyzeQuery } = await import('../main/search/query');
const rawQueries = (await readLines(shared('eval', 'scifact', 'queries.test.jsonl'))).map((l) => (JSON.parse(l) as { text: string }).text).slice(0, nQueries);
// The searcher embeds the analysed text; ground truth and lookups use the same string.
const queryTexts = rawQueries.map((q) => analyzeQuery(q).text || q);
const queryFile = path.join(cacheRoot, 'queries.json');
await mkdir(cacheRoot, { recursive: true });
const t0 = performance.now();
const qv = await loadQueryVectors(cacheRoot, queryTexts);
await writeFile(queryFile, JSON.stringify({ raw: rawQueries, texts: queryTexts, vectors: queryTexts.map((t) => Array.from(qv.get(t)!)) }));
console.log(`query vectors ready (${round((performance.now() - t0) / 1000)} s)`);

/** Runs one step in a child process and returns the JSON it wrote. */
async function child(args: string[]): Promise<Record<string, unknown>> {
  const out = path.join(cacheRoot, `step-${process.pid}.json`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'scale-child.ts'), ...args, '--out', out], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`step ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
}

const results: Record<string, unknown>[] = [];
const rows: (string | number)[][] = [];
for (const size of sizes) {
  const dir = path.join(cacheRoot, `scale-${size}-${poolTag}-v1`);
  const metaFile = path.join(dir, 'complete.json');
  if (!existsSync(metaFile)) {
    console.log(`building ${size} chunks in ${dir} ...`);
    const meta = await child(['build', '--dir', dir, '--chunks', String(size), ...(values.pool ? ['--pool', values.pool] : []), '--cache', cacheRoot, '--pool-size', values['pool-size'] ?? '1500']);
    await writeFile(metaFile, JSON.stringify({ ...meta, loadAverage: loadavg() }));
  }
  const library = JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, unknown>;
  console.log(`library ${size}: ${JSON.stringify(library)}`);
  const exactFile = path.join(dir, `exact-${nQueries}.json`);
  if (!existsSync(exactFile)) await child(['exact', '--dir', dir, '--queries', queryFile, '--hybrid', String(size > 200_000 ? 0 : nHybrid), '--write', exactFile]);
  const exact = JSON.parse(await readFile(exactFile, 'utf8')) as Record<string, unknown>;
  const entry: Record<string, unknown> = { chunks: size, library, exact: { ...exact, ids: undefined }, configs: [] as unknown[] };
  rows.push([size, 'none (exact)', '', '—', '—', exact.peakRssMb as number, exact.vectorP50 as number, exact.vectorP95 as number, 1, (exact.hybridP50 as number) ?? '—', (exact.hybridP95 as number) ?? '—']);
  for (const name of configs) {
    const started = performance.now();
    try {
      const r = await child(['config', '--dir', dir, '--name', name, '--queries', queryFile, '--exact', exactFile, '--hybrid', String(nHybrid)]);
      (entry.configs as unknown[]).push(r);
      for (const s of r.settings as Record<string, number | string>[]) {
        rows.push([size, name, s.tuning, r.buildSeconds as number, r.indexMb as number, r.peakRssMb as number, s.vectorP50, s.vectorP95, s.recall10, s.hybridP50, s.hybridP95]);
      }
    } catch (e) {
      (entry.configs as unknown[]).push({ name, error: (e as Error).message, seconds: round((performance.now() - started) / 1000) });
      rows.push([size, name, 'failed', '', '', '', '', '', '', '', '']);
    }
  }
  results.push(entry);
  // Written after each size, so a time-boxed 1M run still leaves its 100k figures.
  await writeResult(`scale-${sizes.join('-')}`, { queries: nQueries, hybridQueries: nHybrid, vectors: 'real USE vectors of SciFact passages, scaled by perturbation (bench/library.ts scaledChunk)', results });
}
printTable(['chunks', 'config', 'query settings', 'build s', 'index MB', 'peak RSS MB', 'vec p50', 'vec p95', 'recall@10', 'hybrid p50', 'hybrid p95'], rows);
console.log(`written bench/results/scale-${sizes.join('-')}.json (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
