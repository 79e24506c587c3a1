import path from 'node:path';
import { SearchMode } from '../../contract';
import { EmbedderSettings } from '../config';
import type { EvalResult } from '../eval/run';
import type { RunFile } from '../eval/run-file';
import { UsageError, type Command, type CommandContext } from './command';
import { compareCommand, gateCommand } from './eval-gate';
import { ProgressBar, printJson, style, table } from './output';
import { parseRefinements } from './search';

const USAGE = [
  'quarry eval beir <dir> [--mode hybrid|vector|text|all] [--split test|train] [--embedder use|hash] [--mmr LAMBDA] [--page-cap N] [--option KEY=VALUE]... [--query-option KEY=VALUE]... [--label L] [--save NAME | --no-save] [--per-query] [--json]',
  'quarry eval runs [--json]',
  'quarry eval compare <run> <run> [...] [--out report.md|report.html] [--top N] [--json]',
  'quarry eval gate [--baseline FILE] [--dataset DIR] [--cache DIR] [--update [--note TEXT]] [--json]',
].join('\n       ');

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Measure retrieval quality on a BEIR-format dataset, compare saved runs, and gate on a baseline',
  usage: USAGE,
  details: [
    'beir     indexes the corpus once into <data-dir>/eval/ (reused later), runs the queries, prints',
    '         nDCG@10, Recall@100 and MRR@10, and saves each mode\'s run with per-query diagnostics to',
    '         <data-dir>/eval/runs/<name>.json (--save NAME, else an automatic name; --no-save skips it).',
    '         --mode all runs text, vector and hybrid (the default configuration). --option KEY=VALUE',
    '         passes a searcher option through as data (JSON values: --option exact=false --option',
    '         softBoost=0.2); --query-option KEY=VALUE adds a SearchQuery field to every query (e.g.',
    '         rerank=true); --mmr LAMBDA / --page-cap N diversify; --dense-weight W and --fusion rrf|minmax',
    '         override the fusion. The configuration is recorded in the run as data.',
    'runs     lists the saved runs, newest first.',
    'compare  compares runs (names from `eval runs`, or run files) against the first: a Markdown report',
    '         on stdout, or --out report.md / report.html (self-contained, inline SVG charts).',
    'gate     the CI quality gate: rebuilds a fresh SciFact index (embeddings come from a persistent',
    '         cache: --cache DIR, env QUARRY_EVAL_CACHE, else <data-dir>/eval/embed-cache), runs the',
    '         default configuration on the baseline\'s split, and exits 3 when nDCG@10 falls more than',
    '         the baseline\'s tolerance (0.01) below bench/baselines/scifact.json. --update rewrites the',
    '         baseline from this run instead.',
  ].join('\n'),
  options: {
    mode: { type: 'string', short: 'm' },
    split: { type: 'string' },
    embedder: { type: 'string' },
    'dense-weight': { type: 'string' },
    fusion: { type: 'string' },
    'heading-boost': { type: 'string' },
    option: { type: 'string', multiple: true },
    'query-option': { type: 'string', multiple: true },
    mmr: { type: 'string' },
    'page-cap': { type: 'string' },
    label: { type: 'string' },
    save: { type: 'string' },
    'no-save': { type: 'boolean' },
    top: { type: 'string' },
    'per-query': { type: 'boolean' },
    out: { type: 'string' },
    baseline: { type: 'string' },
    dataset: { type: 'string' },
    cache: { type: 'string' },
    update: { type: 'boolean' },
    note: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const [kind] = ctx.args;
    if (kind === 'beir') return beir(ctx);
    if (kind === 'runs') return runs(ctx);
    if (kind === 'compare') return compareCommand(ctx);
    if (kind === 'gate') return gateCommand(ctx);
    throw new UsageError(kind ? `Unknown eval command "${kind}".` : 'Name an eval command: beir, runs, compare or gate.');
  },
};

/** `--option KEY=VALUE` pairs as a record; values parse as JSON when they can (numbers, booleans). */
export function parseOptions(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option takes KEY=VALUE (got "${p}").`);
    const raw = p.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: keep the text.
    }
    out[p.slice(0, eq)] = value;
  }
  return out;
}

function positiveInt(v: string | boolean | string[] | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} takes a positive whole number.`);
  return n;
}

async function beir({ dataDir, args, values, io }: CommandContext): Promise<number> {
  const dir = args[1];
  if (!dir) throw new UsageError('Usage: quarry eval beir <dir>');
  const modeArg = String(values.mode ?? 'hybrid');
  const modes: SearchMode[] = modeArg === 'all' ? ['text', 'vector', 'hybrid'] : [SearchMode.parse(modeArg)];
  const split = String(values.split ?? 'test');
  const embedder = EmbedderSettings.parse({ kind: values.embedder ?? 'use' });
  const search = parseOptions((values.option as string[] | undefined) ?? []);
  const query = parseOptions((values['query-option'] as string[] | undefined) ?? []);
  const { diversity } = parseRefinements(values);
  const top = positiveInt(values.top, 'top', 10);
  const { loadBeir } = await import('../eval/beir');
  const { corpusKey, evaluate, openBeirIndex, queryFields } = await import('../eval/run');
  queryFields({ ...query, ...(diversity ? { diversity } : {}) }, 200, modes[0]); // a bad option fails before any indexing
  const { autoRunName, gitState, runsDir, safeRunName, saveRun, toRunFile } = await import('../eval/runs');
  const ds = await loadBeir(path.resolve(dir), split);
  const dataset = path.basename(path.resolve(dir));
  const bar = new ProgressBar(io.err);
  const lexicalOnly = modes.every((m) => m === 'text');
  const t0 = performance.now();
  const engine = await openBeirIndex(ds, { cacheRoot: path.join(dataDir, 'eval'), name: dataset, embedder, lexicalOnly, onProgress: (d, t) => bar.update(d, t, 'indexing corpus') });
  const indexSeconds = Math.round((performance.now() - t0) / 100) / 10;
  try {
    const results: EvalResult[] = [];
    for (const mode of modes) {
      let fusion = engine.fusion();
      if (values['dense-weight'] !== undefined) fusion = { ...fusion, denseWeight: Number(values['dense-weight']), source: 'command line' };
      if (values.fusion !== undefined) fusion = { ...fusion, method: values.fusion === 'rrf' ? 'rrf' : 'minmax', source: 'command line' };
      const headingBoost = values['heading-boost'] === undefined ? undefined : Number(values['heading-boost']);
      const label = values.label === undefined ? undefined : modes.length > 1 ? `${String(values.label)} ${mode}` : String(values.label);
      results.push(await evaluate(engine, ds, mode, { fusion, headingBoost, search, query, diversity, top, label, onProgress: (d, t) => bar.update(d, t, `${mode} queries`) }));
    }
    bar.done();
    const saved: string[] = [];
    if (!values['no-save']) {
      const git = await gitState(process.cwd());
      const key = corpusKey(ds);
      for (const r of results) {
        const name = values.save === undefined ? autoRunName(dataset, split, r.mode) : safeRunName(modes.length > 1 ? `${String(values.save)}-${r.mode}` : String(values.save));
        const run = toRunFile(r, { name, dataset, corpusKey: key, documents: ds.corpus.length, split, ...git, indexSeconds });
        saved.push(await saveRun(runsDir(dataDir), run));
      }
    }
    if (values.json) {
      const strip = (r: EvalResult) => (values['per-query'] ? r : { ...r, perQuery: undefined });
      printJson(io, results.length === 1 ? { ...strip(results[0]), saved: saved[0] } : { split, results: results.map(strip), saved });
      return 0;
    }
    io.out.write(`${style(io.out, 'bold', dataset)} (${split} split, ${ds.queries.length} queries, ${ds.corpus.length} documents)\n\n`);
    io.out.write(
      table(
        ['mode', 'nDCG@10', 'Recall@100', 'MRR@10', 'embedder', 'fusion', 'time'],
        results.map((r) => [r.mode, r['ndcg@10'].toFixed(4), r['recall@100'].toFixed(4), r['mrr@10'].toFixed(4), r.embedder, r.fusion ? `${r.fusion.method} dense=${r.fusion.denseWeight}` : '—', `${(r.tookMs / 1000).toFixed(1)}s`]),
      ),
    );
    if (values['per-query']) for (const r of results) io.out.write(`\n${style(io.out, 'bold', r.config.label)}\n${perQueryTable(r)}`);
    for (const f of saved) io.out.write(`\nsaved ${f}`);
    if (saved.length) io.out.write(`\nCompare runs with: quarry eval compare ${saved.map((f) => path.basename(f, '.json')).join(' ')}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

function perQueryTable(r: Pick<RunFile, 'perQuery'>): string {
  return table(
    ['query', 'nDCG@10', 'R@100', 'first rel.', 'relevant', 'top 3 (score, retrievers)'],
    r.perQuery.map((q) => [
      q.qid,
      q.ndcg10.toFixed(3),
      q.recall100.toFixed(2),
      q.firstRelevantRank === null ? '—' : String(q.firstRelevantRank),
      q.relevant.map((d) => `${d.id}@${d.rank ?? '—'}`).join(' '),
      q.top.slice(0, 3).map((d) => `${d.id} ${d.score.toFixed(3)} ${d.retrievers.join('+')}`).join('; '),
    ]),
    80,
  );
}

async function runs({ dataDir, values, io }: CommandContext): Promise<number> {
  const { listRuns, runsDir } = await import('../eval/runs');
  const dir = runsDir(dataDir);
  const { runs: list, unreadable } = await listRuns(dir);
  if (values.json) {
    printJson(io, { dir, runs: list, unreadable });
    return 0;
  }
  for (const f of unreadable) io.err.write(`${style(io.err, 'yellow', 'skipped')} ${f}: not a readable run file\n`);
  if (list.length === 0) {
    io.out.write(`No saved runs in ${dir}. Make one with: quarry eval beir <dir>\n`);
    return 0;
  }
  io.out.write(
    table(
      ['run', 'dataset', 'configuration', 'nDCG@10', 'Recall@100', 'MRR@10', 'commit', 'created'],
      list.map((r) => [r.name, `${r.dataset}/${r.split}`, r.label, r.aggregates['ndcg@10'].toFixed(4), r.aggregates['recall@100'].toFixed(4), r.aggregates['mrr@10'].toFixed(4), r.commit?.slice(0, 10) ?? '—', r.createdAt.slice(0, 19).replace('T', ' ')]),
    ),
  );
  return 0;
}
