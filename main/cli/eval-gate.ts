import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuarryError } from '../util/errors';
import { UsageError, type CommandContext } from './command';
import { ProgressBar, printJson, style } from './output';

/** Exit code of a gate that measured a drop beyond the tolerance (1 stays "usage or error"). */
export const EXIT_GATE_FAILED = 3;

/** The repository's baseline, next to the code that is measured against it. */
export function defaultBaselineFile(): string {
  return fileURLToPath(new URL('../../bench/baselines/scifact.json', import.meta.url));
}

/** `quarry eval compare <run> <run> [...] [--out FILE] [--top N] [--json]` */
export async function compareCommand({ dataDir, args, values, io }: CommandContext): Promise<number> {
  const refs = args.slice(1);
  if (refs.length < 2) throw new UsageError('Name at least two runs: quarry eval compare <run> <run> [...]');
  const { loadRun, runsDir } = await import('../eval/runs');
  const { compareRuns } = await import('../eval/compare');
  const { renderHtml, renderMarkdown } = await import('../eval/report');
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top <= 0) throw new UsageError('--top takes a positive whole number.');
  const dir = runsDir(dataDir);
  const runs = await Promise.all(refs.map((r) => loadRun(dir, r)));
  const comparison = compareRuns(runs, { top });
  if (values.json) {
    printJson(io, comparison);
    return 0;
  }
  const out = values.out === undefined ? undefined : String(values.out);
  if (!out) {
    io.out.write(renderMarkdown(comparison) + '\n');
    return 0;
  }
  const ext = path.extname(out).toLowerCase();
  if (ext !== '.md' && ext !== '.html' && ext !== '.htm') throw new UsageError(`--out must end in .md or .html (got "${out}").`);
  await writeFile(out, ext === '.md' ? renderMarkdown(comparison) + '\n' : renderHtml(comparison));
  for (const w of comparison.warnings) io.err.write(`${style(io.err, 'yellow', 'warning')}: ${w}\n`);
  io.out.write(`wrote ${path.resolve(out)}\n`);
  for (const p of comparison.pairs) {
    io.out.write(`${p.other} vs ${p.base}: Δ nDCG@10 ${p.meanDelta >= 0 ? '+' : ''}${p.meanDelta.toFixed(4)}, ${p.wins} wins / ${p.losses} losses / ${p.ties} ties, sign p=${p.signP.toFixed(4)}, randomisation p=${p.randomisationP.toFixed(4)}\n`);
  }
  return 0;
}

/** `quarry eval gate`: the default configuration on the baseline's dataset, held to the baseline. */
export async function gateCommand({ dataDir, values, io }: CommandContext): Promise<number> {
  const { readBaseline, checkGate, baselineFromRun, writeBaseline } = await import('../eval/gate');
  const { loadBeir } = await import('../eval/beir');
  const { corpusKey, evaluate, openBeirIndex } = await import('../eval/run');
  const { autoRunName, gitState, runsDir, saveRun, toRunFile } = await import('../eval/runs');
  const { CachedEmbedder, DEFAULT_EMBEDDER_CONFIG } = await import('../embed');

  const baselineFile = path.resolve(values.baseline === undefined ? defaultBaselineFile() : String(values.baseline));
  const update = Boolean(values.update);
  const baseline = existsSync(baselineFile) || !update ? await readBaseline(baselineFile) : undefined;
  const datasetName = baseline?.dataset ?? 'scifact';
  const split = baseline?.split ?? String(values.split ?? 'test');
  const sharedRoot = process.env.QUARRY_SHARED ?? path.join(path.dirname(baselineFile), '..', '..', '..', 'shared');
  const datasetDir = path.resolve(values.dataset === undefined ? path.join(sharedRoot, 'eval', datasetName) : String(values.dataset));
  if (!existsSync(datasetDir)) {
    throw new QuarryError('FILE_NOT_FOUND', `The ${datasetName} dataset is missing at ${datasetDir}.`, { hint: 'Point --dataset (or QUARRY_SHARED) at the shared test material.' });
  }
  const cacheDir = path.resolve(values.cache === undefined ? (process.env.QUARRY_EVAL_CACHE ?? path.join(dataDir, 'eval', 'embed-cache')) : String(values.cache));

  const ds = await loadBeir(datasetDir, split);
  // A copy of the dataset elsewhere is still the baseline's dataset: the corpus fingerprint, not
  // the folder name, decides whether the two can be compared.
  const bar = new ProgressBar(io.err);
  // A fresh index every time: the gate must measure today's chunking and indexing, not a cached
  // index built by older code. Only embeddings are reused, keyed by model and text hash, so a
  // changed passage is re-embedded and an unchanged one costs a disk read.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'quarry-gate-'));
  const t0 = performance.now();
  const engine = await openBeirIndex(ds, { cacheRoot: tmp, name: datasetName, embedder: DEFAULT_EMBEDDER_CONFIG, lexicalOnly: false, embedCacheDir: cacheDir, onProgress: (d, t) => bar.update(d, t, 'indexing corpus') });
  const indexSeconds = Math.round((performance.now() - t0) / 100) / 10;
  let result;
  let cache: { hits: number; misses: number; entries: number } | undefined;
  try {
    result = await evaluate(engine, ds, 'hybrid', { label: 'default', onProgress: (d, t) => bar.update(d, t, 'queries') });
    const emb = await engine.embedder();
    if (emb instanceof CachedEmbedder) cache = emb.stats();
  } finally {
    bar.done();
    await engine.close();
    await rm(tmp, { recursive: true, force: true });
  }
  const git = await gitState(process.cwd());
  const run = toRunFile(result, { name: autoRunName(`gate-${datasetName}`, split, 'default'), dataset: baseline?.dataset ?? path.basename(datasetDir), corpusKey: corpusKey(ds), documents: ds.corpus.length, split, ...git, indexSeconds });
  const saved = values['no-save'] ? undefined : await saveRun(runsDir(dataDir), run);
  const timing = { indexSeconds, querySeconds: Math.round(result.tookMs / 100) / 10, cache, cacheDir, loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100) };

  if (update) {
    const next = baselineFromRun(run, { tolerance: baseline?.tolerance, note: values.note === undefined ? baseline?.note : String(values.note) });
    await writeBaseline(baselineFile, next);
    if (values.json) printJson(io, { updated: baselineFile, baseline: next, previous: baseline?.['ndcg@10'], timing, saved });
    else io.out.write(`baseline ${baselineFile}: nDCG@10 ${baseline ? `${baseline['ndcg@10'].toFixed(4)} → ` : ''}${next['ndcg@10'].toFixed(4)} (commit ${next.commit?.slice(0, 10) ?? 'unknown'})\n`);
    return 0;
  }
  const verdict = checkGate(baseline!, run);
  if (values.json) {
    printJson(io, { ...verdict, baselineFile, baselineCommit: baseline!.commit, run: saved, timing });
  } else {
    io.out.write(`SciFact quality gate (${run.dataset}/${split}, ${run.aggregates.queries} queries, default configuration: ${run.config.label}, ${run.config.embedder}${run.config.fusion ? `, ${run.config.fusion.method} dense=${run.config.fusion.denseWeight}` : ''})\n`);
    io.out.write(`  baseline nDCG@10  ${verdict.baseline.toFixed(4)}  (commit ${baseline!.commit?.slice(0, 10) ?? 'unknown'}, ${baseline!.measuredAt.slice(0, 10)})\n`);
    io.out.write(`  measured nDCG@10  ${verdict.measured.toFixed(4)}  (Recall@100 ${run.aggregates['recall@100'].toFixed(4)}, MRR@10 ${run.aggregates['mrr@10'].toFixed(4)})\n`);
    for (const c of verdict.configChanges) io.out.write(`  configuration changed since the baseline: ${c}\n`);
    const cacheLine = cache ? `, embedding cache ${cache.hits} hits / ${cache.misses} misses` : '';
    io.out.write(`  index ${indexSeconds}s${cacheLine}, queries ${timing.querySeconds}s, load average ${timing.loadavg.join(' ')}\n`);
    if (saved) io.out.write(`  run saved to ${saved}\n`);
    io.out.write(`${style(io.out, verdict.pass ? 'green' : 'red', verdict.message)}\n`);
    if (!verdict.pass) io.out.write(`  See what changed: quarry eval compare <a saved run at the baseline commit> ${path.basename(saved ?? run.name, '.json')} --out report.html\n  If the drop is intended, run \`quarry eval gate --update --note "why"\` and commit the baseline.\n`);
  }
  return verdict.pass ? 0 : EXIT_GATE_FAILED;
}
