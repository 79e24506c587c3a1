/**
 * Does fusion calibration find good weights without relevance judgements? Calibrates on the
 * SciFact corpus alone (pseudo-queries from its passages; no qrels), then scores with SciFact's
 * qrels the calibrated setting and a sweep of every grid setting. Target: the calibrated
 * setting lands within 0.01 nDCG@10 of the sweep's best on the test split.
 *
 * The sweep retrieves each real query's text and vector candidates once through the searcher
 * (200 each, as `quarry eval beir` does) and re-fuses them in memory; the calibrated setting is
 * also run through the full search path (evaluate()) as a check that the two agree.
 * Run: npx tsx bench/calibration.ts [--cache DIR] [--embedder use|hash] [--builders sentence,keyterms,masked,mixed] [--sample 300] [--seed 1]
 * [--reuse-sweep: take the qrels sweep from the last bench/results/calibration.json instead of recomputing it]
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FusionConfig } from '../contract';
import type { Engine } from '../main/engine';
import { loadBeir, type BeirDataset } from '../main/eval/beir';
import { scoreRun } from '../main/eval/metrics';
import { evaluate, openBeirIndex } from '../main/eval/run';
import { calibrateFusion, type CalibrationRun } from '../main/search/calibrate';
import { defaultGrid, rankDocuments, type GridPoint } from '../main/search/calibrate-grid';
import { QUERY_BUILDERS, type QueryBuilder } from '../main/search/calibrate-queries';
import { fuse, type Ranked } from '../main/search/fusion';
import { analyzeQuery } from '../main/search/query';
import { promoteExact, SOFT_BOOST } from '../main/search/searcher';
import type { ScoredRow } from '../main/store/store';
import { printTable, REPO, round, shared, writeResult } from './common';

const { values } = parseArgs({
  options: { cache: { type: 'string' }, embedder: { type: 'string' }, builders: { type: 'string' }, sample: { type: 'string' }, seed: { type: 'string' }, 'reuse-sweep': { type: 'boolean' } },
});
const cacheRoot = values.cache ?? process.env.QUARRY_BENCH_CACHE ?? path.join(homedir(), '.cache', 'quarry-bench');
// The default builder first: its choice is also checked through the full search path.
const builders = (values.builders?.split(',') ?? ['masked', 'sentence', 'keyterms', 'mixed']) as QueryBuilder[];
for (const b of builders) if (!QUERY_BUILDERS.includes(b)) throw new Error(`unknown builder ${b} (have ${QUERY_BUILDERS.join(', ')})`);
const sampleSize = Number(values.sample ?? 300);
const seed = Number(values.seed ?? 1);
const embedder = values.embedder === 'hash' ? ({ kind: 'hash' } as const) : ({ kind: 'use' } as const);
const dir = shared('eval', 'scifact');

interface Candidates {
  text: Ranked[];
  vector: Ranked[];
  docOf: Map<string, string>;
  rows: Map<string, ScoredRow>;
  query: string;
}

/** Each real query's candidates through the searcher, fetched once. */
async function candidates(engine: Engine, ds: BeirDataset, n: number): Promise<Map<string, Candidates>> {
  const out = new Map<string, Candidates>();
  let done = 0;
  for (const q of ds.queries) {
    const base = { query: q.text, k: n, filters: {}, rerank: false };
    const [t, v] = await Promise.all([
      engine.searcher.search({ ...base, mode: 'text' }, { candidates: n, exact: false }),
      engine.searcher.search({ ...base, mode: 'vector' }, { candidates: n, exact: false }),
    ]);
    const docOf = new Map<string, string>();
    const rows = new Map<string, ScoredRow>();
    for (const r of [...t.results, ...v.results]) {
      docOf.set(r.chunkId, r.docId);
      rows.set(r.chunkId, { id: r.chunkId, doc_id: r.docId, collection: '', ordinal: 0, text: r.text, heading: '', section_id: r.sectionId, page_start: r.page, page_end: r.pageEnd, char_start: r.start, char_end: r.end, tokens: 0 });
    }
    out.set(q.id, { query: q.text, docOf, rows, text: t.results.map((r) => ({ id: r.chunkId, score: r.score })), vector: v.results.map((r) => ({ id: r.chunkId, score: r.score })) });
    if (++done % 50 === 0) process.stderr.write(`\rcandidates ${done}/${ds.queries.length}`);
  }
  process.stderr.write('\n');
  return out;
}

/** nDCG@10 with the qrels for one fusion setting, fused in memory exactly as the search path does. */
function truth(c: Map<string, Candidates>, ds: BeirDataset, g: GridPoint): number {
  const config: FusionConfig = { method: g.method, denseWeight: g.denseWeight, rrfK: 60 };
  const run = new Map<string, string[]>();
  for (const [qid, x] of c) {
    const fused = promoteExact(fuse(config, x.text, g.denseWeight > 0 ? x.vector : []), [], x.rows, analyzeQuery(x.query), SOFT_BOOST);
    run.set(qid, rankDocuments(fused, x.docOf));
  }
  return scoreRun(run, ds.qrels).mean.ndcg10;
}

const key = (g: GridPoint): string => `${g.method} ${g.denseWeight}`;
const test = await loadBeir(dir, 'test');
const train = await loadBeir(dir, 'train');
const engine = await openBeirIndex(test, { cacheRoot, name: 'scifact', embedder, lexicalOnly: false, onProgress: (d, t) => process.stderr.write(`\rindexing ${d}/${t}`) });
try {
  const grid = defaultGrid();
  const t0 = performance.now();
  let sweep: (GridPoint & { test: number; train: number })[];
  const previous = path.join(REPO, 'bench', 'results', `calibration${embedder.kind === 'hash' ? '-hash' : ''}.json`);
  if (values['reuse-sweep'] && existsSync(previous)) {
    sweep = (JSON.parse(await readFile(previous, 'utf8')) as { sweep: (GridPoint & { test: number; train: number })[] }).sweep;
  } else {
    const testC = await candidates(engine, test, 200);
    const trainC = await candidates(engine, train, 200);
    sweep = grid.map((g) => ({ ...g, test: truth(testC, test, g), train: truth(trainC, train, g) }));
  }
  const sweepSeconds = round((performance.now() - t0) / 1000);
  const bestTest = sweep.reduce((a, b) => (b.test > a.test ? b : a));
  const bestTrain = sweep.reduce((a, b) => (b.train > a.train ? b : a));

  const runs: { builder: QueryBuilder; run: CalibrationRun; testNdcg: number; trainNdcg: number; gap: number; load: number[] }[] = [];
  for (const builder of builders) {
    const run = await calibrateFusion(
      { searcher: engine.searcher, chunksByDoc: (id) => engine.store.chunksByDoc(id), docs: () => engine.documents(), embedder: () => engine.embedder() },
      { sampleSize, seed, builder, onProgress: (p) => process.stderr.write(`\r${builder}: ${p.stage} ${p.done}/${p.total}   `) },
    );
    process.stderr.write('\n');
    const chosen = sweep.find((s) => key(s) === key(run.selection.chosen))!;
    runs.push({ builder, run, testNdcg: chosen.test, trainNdcg: chosen.train, gap: bestTest.test - chosen.test, load: loadavg() });
  }

  const calibCols = runs.map((r) => new Map(r.run.grid.map((g) => [key(g), g.ndcg10])));
  printTable(
    ['fusion', 'dense', 'SciFact test', 'SciFact train', ...runs.map((r) => `calib:${r.builder}`)],
    sweep.map((s, i) => [s.method, s.denseWeight, round(s.test, 4), round(s.train, 4), ...calibCols.map((c) => round(c.get(key(grid[i])) ?? NaN, 4))]),
  );
  console.log(`\nbest on test: ${key(bestTest)} → ${round(bestTest.test, 4)}; best on train: ${key(bestTrain)} → ${round(bestTrain.train, 4)} (sweep candidates ${sweepSeconds}s)\n`);
  printTable(
    ['builder', 'queries', 'chosen', 'calib nDCG', 'lexical', 'noise (SE)', 'spread', 'test nDCG', 'best − chosen', 'within 0.01', 'seconds'],
    runs.map((r) => {
      const s = r.run.selection;
      return [r.builder, s.queries, key(s.chosen), round(s.chosen.ndcg10, 4), round(s.lexical.ndcg10, 4), round(s.noise, 4), round(s.spread, 4), round(r.testNdcg, 4), round(r.gap, 4), r.gap <= 0.01 ? 'yes' : 'NO', round(r.run.tookMs / 1000)];
    }),
  );
  // The default builder's choice through the full search path (evaluate), as a check on the in-memory sweep.
  const main = runs[0];
  const c = main.run.selection.chosen;
  const full = await evaluate(engine, test, 'hybrid', { fusion: { method: c.method, denseWeight: c.denseWeight, rrfK: 60 } });
  console.log(`\n${main.builder}: ${key(c)} through the search path: nDCG@10 ${full['ndcg@10']} (in-memory sweep ${round(main.testNdcg, 4)})`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(
    `written ${await writeResult(`calibration${embedder.kind === 'hash' ? '-hash' : ''}`, {
      embedder: (await engine.embedder()).info.id,
      sampleSize,
      seed,
      sweep: sweep.map((s) => ({ method: s.method, denseWeight: s.denseWeight, test: round(s.test, 4), train: round(s.train, 4) })),
      bestTest: { ...bestTest, test: round(bestTest.test, 4) },
      bestTrain: { ...bestTrain, train: round(bestTrain.train, 4) },
      calibrations: runs.map((r) => ({
        builder: r.builder,
        queries: r.run.selection.queries,
        chosen: key(r.run.selection.chosen),
        calibScore: round(r.run.selection.chosen.ndcg10, 4),
        lexicalScore: round(r.run.selection.lexical.ndcg10, 4),
        noise: round(r.run.selection.noise, 4),
        spread: round(r.run.selection.spread, 4),
        testNdcg: round(r.testNdcg, 4),
        trainNdcg: round(r.trainNdcg, 4),
        gapToBest: round(r.gap, 4),
        within001: r.gap <= 0.01,
        seconds: round(r.run.tookMs / 1000),
        loadAverage: r.load.map((x) => round(x, 2)),
        grid: r.run.grid.map((g) => ({ method: g.method, denseWeight: g.denseWeight, ndcg10: round(g.ndcg10, 4), mrr10: round(g.mrr10, 4) })),
      })),
      fullPathCheck: { builder: main.builder, config: key(c), ndcg10: full['ndcg@10'], inMemory: round(main.testNdcg, 4) },
    })}`,
  );
} finally {
  await engine.close();
}
