/**
 * Cross-encoder reranking cost per query on SciFact (hybrid search, top-30 reranked): the
 * reranker's own time, the whole search's, how often the default 300 ms budget holds (fully or
 * partly), and the longest event-loop stall meanwhile. The model runs on the reranker thread by
 * default; `--thread main` runs it in-process, where onnxruntime-node's synchronous forward pass
 * stalls the event loop (the reason for the thread). Quality is not measured: the only reranker
 * here is the stand-in with random weights. `--model` takes any cross-encoder folder.
 * Run: npx tsx bench/rerank.ts [--model DIR] [--dtype fp32|q8] [--thread worker|main] [--queries 100] [--top-n 30] [--cache DIR]
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadBeir } from '../main/eval/beir';
import { openBeirIndex } from '../main/eval/run';
import type { RerankerSetup } from '../main/search/rerank';
import { TransformersReranker } from '../main/search/rerank-model';
import { percentile, printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { model: { type: 'string' }, queries: { type: 'string' }, dtype: { type: 'string' }, thread: { type: 'string' }, cache: { type: 'string' }, 'top-n': { type: 'string' } } });
const model = path.resolve(values.model ?? shared('models', 'synthetic-bert-rerank'));
const dtype = values.dtype === 'q8' ? 'q8' : 'fp32';
const thread = values.thread === 'main' ? 'main' : 'worker';
const nQueries = Number(values.queries ?? 100);
const topN = Number(values['top-n'] ?? 30);
const cacheRoot = values.cache ?? process.env.QUARRY_BENCH_CACHE ?? path.join(homedir(), '.cache', 'quarry-bench');

const ds = await loadBeir(shared('eval', 'scifact'), 'test');
const engine = await openBeirIndex(ds, { cacheRoot, name: 'scifact', embedder: { kind: 'use' }, lexicalOnly: false, onProgress: (d, t) => process.stderr.write(`\rindexing ${d}/${t}`) });
const queries = ds.queries.slice(0, nQueries).map((q) => q.text);

function setupFor(batchSize: number, budgetMs: number): { setup: RerankerSetup; reranker: Promise<TransformersReranker> } {
  const reranker = TransformersReranker.create({ model, modelsDir: path.join(engine.dataDir, 'models'), batchSize, dtype, thread });
  return { reranker, setup: { model, budgetMs, topN, get: () => reranker } };
}

interface Phase {
  name: string;
  searchP50: number;
  searchP95: number;
  rerankP50?: number;
  rerankP95?: number;
  applied?: string;
  loopP99: number;
  loopMax: number;
}

async function phase(name: string, setup: RerankerSetup | undefined): Promise<Phase> {
  // Warm up (model load, caches) outside the measurement.
  for (const q of queries.slice(0, 5)) await engine.searcher.search({ query: q, k: 10, mode: 'hybrid', filters: {}, rerank: Boolean(setup) }, { reranker: setup });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const search: number[] = [];
  const rerank: number[] = [];
  let applied = 0;
  let partial = 0;
  loop.enable();
  for (const q of queries) {
    const t0 = performance.now();
    const res = await engine.searcher.search({ query: q, k: 10, mode: 'hybrid', filters: {}, rerank: Boolean(setup) }, { reranker: setup });
    search.push(performance.now() - t0);
    if (res.rerank) rerank.push(res.rerank.tookMs);
    if (res.rerank?.reason === 'applied') applied++;
    if (res.rerank?.reason === 'partial') partial++;
  }
  loop.disable();
  return {
    name,
    searchP50: round(percentile(search, 50)),
    searchP95: round(percentile(search, 95)),
    ...(setup ? { rerankP50: round(percentile(rerank, 50)), rerankP95: round(percentile(rerank, 95)), applied: `${applied}+${partial} partial/${queries.length}` } : {}),
    loopP99: round(loop.percentile(99) / 1e6),
    loopMax: round(loop.max / 1e6),
  };
}

const rows: Phase[] = [await phase('fused only', undefined)];
const runs: [string, number, number][] = [
  [`top-${topN}, batches of 4, no budget`, 4, 10_000],
  [`top-${topN}, one batch, no budget`, topN, 10_000],
  [`top-${topN}, batches of 4, 300 ms budget`, 4, 300],
];
for (const [name, batch, budget] of runs) {
  const { setup, reranker } = setupFor(batch, budget);
  rows.push(await phase(name, setup));
  await (await reranker).close();
}
await engine.close();

printTable(
  ['run', 'search p50 ms', 'search p95 ms', 'rerank p50 ms', 'rerank p95 ms', 'applied', 'event-loop p99 ms', 'event-loop max ms'],
  rows.map((r) => [r.name, r.searchP50, r.searchP95, r.rerankP50 ?? '—', r.rerankP95 ?? '—', r.applied ?? '—', r.loopP99, r.loopMax]),
);
console.log(`written ${await writeResult('rerank', { model: path.basename(model), dtype, thread, queries: queries.length, topN, runs: rows })}`);
