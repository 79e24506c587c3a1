import path from 'node:path';
import { SearchMode } from '../../contract';
import { EmbedderSettings } from '../config';
import type { EvalResult } from '../eval/run';
import { UsageError, type Command } from './command';
import { parseRefinements } from './search';
import { ProgressBar, printJson, style, table } from './output';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Measure retrieval quality on a BEIR-format dataset (nDCG@10, Recall@100, MRR@10)',
  usage: 'quarry eval beir <dir> [--mode hybrid|vector|text|all] [--split test|train] [--embedder use|hash] [--mmr LAMBDA] [--page-cap N] [--per-query] [--json]',
  details:
    'The corpus is indexed once into <data-dir>/eval/ and reused. --mode all reports text, vector and hybrid\n' +
    '(the default configuration) side by side. Text mode alone needs no embedding and runs in seconds.',
  options: {
    mode: { type: 'string', short: 'm' },
    split: { type: 'string' },
    embedder: { type: 'string' },
    'dense-weight': { type: 'string' },
    fusion: { type: 'string' },
    'heading-boost': { type: 'string' },
    'per-query': { type: 'boolean' },
    mmr: { type: 'string' },
    'page-cap': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ dataDir, args, values, io }) {
    const [kind, dir] = args;
    if (kind !== 'beir' || !dir) throw new UsageError('Usage: quarry eval beir <dir>');
    const modeArg = String(values.mode ?? 'hybrid');
    const modes: SearchMode[] = modeArg === 'all' ? ['text', 'vector', 'hybrid'] : [SearchMode.parse(modeArg)];
    const split = String(values.split ?? 'test');
    const embedder = EmbedderSettings.parse({ kind: values.embedder ?? 'use' });
    const { diversity } = parseRefinements(values);
    const { loadBeir } = await import('../eval/beir');
    const { evaluate, openBeirIndex } = await import('../eval/run');
    const ds = await loadBeir(path.resolve(dir), split);
    const bar = new ProgressBar(io.err);
    const lexicalOnly = modes.every((m) => m === 'text');
    const engine = await openBeirIndex(ds, {
      cacheRoot: path.join(dataDir, 'eval'),
      name: path.basename(path.resolve(dir)),
      embedder,
      lexicalOnly,
      onProgress: (d, t) => bar.update(d, t, 'indexing corpus'),
    });
    try {
      const results: EvalResult[] = [];
      for (const mode of modes) {
        let fusion = engine.fusion();
        if (values['dense-weight'] !== undefined) fusion = { ...fusion, denseWeight: Number(values['dense-weight']), source: 'command line' };
        if (values.fusion !== undefined) fusion = { ...fusion, method: values.fusion === 'rrf' ? 'rrf' : 'minmax', source: 'command line' };
        const headingBoost = values['heading-boost'] === undefined ? undefined : Number(values['heading-boost']);
        results.push(await evaluate(engine, ds, mode, { fusion, headingBoost, diversity, onProgress: (d, t) => bar.update(d, t, `${mode} queries`) }));
      }
      bar.done();
      if (values.json) {
        const strip = (r: EvalResult) => (values['per-query'] ? r : { ...r, perQuery: undefined });
        printJson(io, results.length === 1 ? strip(results[0]) : { split, results: results.map(strip) });
        return 0;
      }
      io.out.write(`${style(io.out, 'bold', path.basename(dir))} (${split} split, ${ds.queries.length} queries, ${ds.corpus.length} documents)\n\n`);
      io.out.write(
        table(
          ['mode', 'nDCG@10', 'Recall@100', 'MRR@10', 'embedder', 'fusion', 'time'],
          results.map((r) => [r.mode, r['ndcg@10'].toFixed(4), r['recall@100'].toFixed(4), r['mrr@10'].toFixed(4), r.embedder, r.fusion ? `${r.fusion.method} dense=${r.fusion.denseWeight}` : '—', `${(r.tookMs / 1000).toFixed(1)}s`]),
        ),
      );
      return 0;
    } finally {
      await engine.close();
    }
  },
};
