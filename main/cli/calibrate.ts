import { QUERY_BUILDERS, type QueryBuilder } from '../search/calibrate-queries';
import { UsageError, type Command } from './command';
import { openEngine } from './lazy';
import { ProgressBar, printJson, style, table } from './output';

const STAGES = { sample: 'sampling passages', retrieve: 'retrieving candidates', score: 'scoring fusion settings' } as const;

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: 'Tune hybrid-search fusion weights on this library (no relevance judgements needed)',
  usage: 'quarry calibrate [--sample N] [--seed S] [--builder masked|sentence|keyterms|mixed] [--json]',
  details:
    'Samples passages, builds a query from each (default: one of its sentences with its rarest words\n' +
    'removed, as if described in other words), and measures which fusion setting (min-max or RRF,\n' +
    'dense weight 0..1) finds the source document best. The result is stored with the index and\n' +
    'becomes the default fusion for the current embedder; `quarry status` shows it. Settings within\n' +
    'two standard errors of the best are resolved toward lexical search.',
  options: {
    sample: { type: 'string' },
    seed: { type: 'string' },
    builder: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ dataDir, values, io }) {
    const int = (name: string): number | undefined => {
      const v = values[name];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n)) throw new UsageError(`--${name} takes a whole number, got "${String(v)}".`);
      return n;
    };
    const builder = values.builder === undefined ? undefined : String(values.builder);
    if (builder !== undefined && !QUERY_BUILDERS.includes(builder as QueryBuilder)) throw new UsageError(`--builder is one of ${QUERY_BUILDERS.join(', ')}.`);
    const engine = await openEngine({ dataDir, lockWaitMs: 5000 });
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    const bar = new ProgressBar(io.err);
    try {
      const info = await engine.calibrate(
        { sampleSize: int('sample'), seed: int('seed'), builder: builder as QueryBuilder | undefined },
        { signal: abort.signal, onProgress: (p) => bar.update(p.done, p.total, STAGES[p.stage]) },
      );
      bar.done();
      if (values.json) {
        printJson(io, info);
        return 0;
      }
      const key = (m: string, w: number): string => `${m} ${w}`;
      const chosen = key(info.config.method, info.config.denseWeight);
      const rows = [...info.grid]
        .sort((a, b) => b.ndcg10 - a.ndcg10)
        .slice(0, 8)
        .map((g) => [key(g.method, g.denseWeight) === chosen ? `${key(g.method, g.denseWeight)} ←` : key(g.method, g.denseWeight), g.ndcg10.toFixed(4), g.mrr10.toFixed(4)]);
      io.out.write(table(['fusion (top 8 of ' + info.grid.length + ')', 'nDCG@10', 'MRR@10'], rows));
      io.out.write(
        `\n${style(io.out, 'bold', 'chosen')}: ${info.config.method}, dense weight ${info.config.denseWeight} — nDCG@10 ${info.score.toFixed(4)} ` +
          `(best ${info.bestScore.toFixed(4)}, lexical only ${info.lexicalScore.toFixed(4)}, noise ±${info.noise.toFixed(4)})\n` +
          `${info.queries} ${info.builder} queries from ${info.documents} documents (${info.chunks} passages), embedder ${info.embedderId}, ${(info.tookMs / 1000).toFixed(1)} s\n`,
      );
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      bar.done();
      await engine.close();
    }
  },
};
