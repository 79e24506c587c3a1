/**
 * SciFact retrieval quality: text (BM25), vector, and the default hybrid configuration through
 * the real search path, plus a fusion grid (RRF and min-max at several dense weights) tuned on
 * the train split and reported on the test split — the data behind the defaults in
 * main/search/fusion.ts. The corpus index is built once (embedding ~5k abstracts) and cached.
 * Run: npx tsx bench/scifact.ts [--embedder use|hash] [--cache DIR]
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FusionConfig } from '../contract';
import { loadBeir, type BeirDataset } from '../main/eval/beir';
import { scoreRun } from '../main/eval/metrics';
import { evaluate, openBeirIndex } from '../main/eval/run';
import type { Engine } from '../main/engine';
import { fuse } from '../main/search/fusion';
import { analyzeQuery } from '../main/search/query';
import { promoteExact, SOFT_BOOST } from '../main/search/searcher';
import type { ScoredRow } from '../main/store/store';
import { printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { embedder: { type: 'string' }, cache: { type: 'string' } } });
const embedder = values.embedder === 'hash' ? { kind: 'hash' as const } : { kind: 'use' as const };
const cacheRoot = values.cache ?? process.env.QUARRY_BENCH_CACHE ?? path.join(homedir(), '.cache', 'quarry-bench');
const dir = shared('eval', 'scifact');

/** Raw candidate lists per query, fetched once, so fusion settings can be compared offline. */
async function candidates(engine: Engine, ds: BeirDataset) {
  const out = new Map<string, { query: string; text: { id: string; score: number }[]; vector: { id: string; score: number }[]; doc: Map<string, string>; rows: Map<string, ScoredRow> }>();
  const emb = await engine.embedder();
  for (const q of ds.queries) {
    const [vec] = await emb.embed([q.text], { kind: 'query' });
    const { MatchQuery } = await import('@lancedb/lancedb');
    const [t, v] = await Promise.all([engine.store.textSearch(new MatchQuery(q.text, 'text'), 200), engine.store.vectorSearch(vec, 200)]);
    const doc = new Map<string, string>();
    const rows = new Map<string, ScoredRow>();
    for (const r of [...t, ...v]) {
      doc.set(r.id, r.doc_id);
      rows.set(r.id, r);
    }
    out.set(q.id, { query: q.text, rows, text: t.map((r) => ({ id: r.id, score: r._score ?? 0 })), vector: v.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) })), doc });
  }
  return out;
}

function ndcgFor(cands: Awaited<ReturnType<typeof candidates>>, ds: BeirDataset, config: FusionConfig, softBoost: number): number {
  const run = new Map<string, string[]>();
  for (const [qid, c] of cands) {
    // The same exact-unit handling as the search path (strict lookups have no extra candidates here).
    const fused = promoteExact(fuse(config, c.text, c.vector), [], c.rows, analyzeQuery(c.query), softBoost);
    const seen = new Set<string>();
    const ranked: string[] = [];
    for (const f of fused) {
      const d = c.doc.get(f.id)!;
      if (!seen.has(d)) {
        seen.add(d);
        ranked.push(d);
      }
    }
    run.set(qid, ranked);
  }
  return scoreRun(run, ds.qrels).mean.ndcg10;
}

const train = await loadBeir(dir, 'train');
const test = await loadBeir(dir, 'test');
const t0 = performance.now();
const engine = await openBeirIndex(test, {
  cacheRoot,
  name: 'scifact',
  embedder,
  lexicalOnly: false,
  onProgress: (d, t) => process.stderr.write(`\rindexing ${d}/${t}`),
});
process.stderr.write('\n');
const indexSeconds = round((performance.now() - t0) / 1000);
try {
  const grid: FusionConfig[] = [];
  for (const method of ['rrf', 'minmax'] as const) for (const w of [0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7]) grid.push({ method, denseWeight: w, rrfK: 60 });
  const trainC = await candidates(engine, train);
  const testC = await candidates(engine, test);
  const rows = [];
  for (const softBoost of [0, SOFT_BOOST]) {
    for (const g of grid) rows.push({ ...g, softBoost, train: round(ndcgFor(trainC, train, g, softBoost), 4), test: round(ndcgFor(testC, test, g, softBoost), 4) });
  }
  const best = rows.reduce((a, b) => (b.train > a.train ? b : a));
  printTable(['fusion', 'dense weight', 'exact boost', 'nDCG@10 train', 'nDCG@10 test'], rows.map((r) => [r.method, r.denseWeight, r.softBoost, r.train, r.test]));
  console.log(`best on train: ${best.method} dense=${best.denseWeight} exact boost=${best.softBoost} (test ${best.test})\n`);

  const modes = [];
  for (const mode of ['text', 'vector', 'hybrid'] as const) {
    const r = await evaluate(engine, test, mode);
    modes.push({ mode, ndcg10: r['ndcg@10'], recall100: r['recall@100'], mrr10: r['mrr@10'], fusion: r.fusion, seconds: round(r.tookMs / 1000) });
  }
  printTable(['mode (real search path, test)', 'nDCG@10', 'Recall@100', 'MRR@10', 'fusion'], modes.map((m) => [m.mode === 'hybrid' ? 'hybrid (default config)' : m.mode, m.ndcg10, m.recall100, m.mrr10, m.fusion ? `${m.fusion.method} ${m.fusion.denseWeight}` : '-']));
  const text = modes.find((m) => m.mode === 'text')!;
  const hybrid = modes.find((m) => m.mode === 'hybrid')!;
  console.log(`\ndefault hybrid − text = ${round(hybrid.ndcg10 - text.ndcg10, 4)} (must be ≥ 0)`);
  console.log(`written ${await writeResult('scifact', { embedder: (await engine.embedder()).info.id, indexSeconds, grid: rows, bestOnTrain: best, modes })}`);
} finally {
  await engine.close();
}
