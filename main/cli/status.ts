import { openEngine } from './lazy';
import type { Command } from './command';
import { printJson, style } from './output';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show counts, the embedder, fusion weights, jobs and failures',
  usage: 'quarry status [--json]',
  options: { json: { type: 'boolean' } },
  async run({ dataDir, values, io }) {
    const engine = await openEngine({ dataDir, readOnly: true });
    try {
      const s = await engine.handlers['library.status']({});
      if (values.json) {
        printJson(io, s);
        return 0;
      }
      const line = (k: string, v: string): void => void io.out.write(`${style(io.out, 'dim', k.padEnd(12))} ${v}\n`);
      line('library', s.dataDir);
      line('documents', `${s.documents} in ${s.collections.length} collection(s)${s.collections.length ? ': ' + s.collections.map((c) => `${c.name} (${c.documents})`).join(', ') : ''}`);
      line('passages', String(s.chunks));
      line('embedder', `${s.embedder.id} (${s.embedder.kind}, ${s.embedder.dimension}-d)`);
      if (s.rebuild) {
        line('rebuilding', s.rebuild.error ? `index for ${s.rebuild.target} failed: ${s.rebuild.error}` : `index for ${s.rebuild.target}: ${s.rebuild.done}/${s.rebuild.total} documents (searches use ${s.embedder.id} until it is done)`);
      }
      line('fusion', `${s.fusion.method}, dense weight ${s.fusion.denseWeight}${s.fusion.source ? ` — ${s.fusion.source}` : ''}`);
      if (s.calibration) {
        const c = s.calibration;
        const state = c.stale ? style(io.out, 'yellow', `stale: ${c.staleReason}`) : 'current';
        const use = c.inUse ? '' : ' — not in use: settings.json sets fusion for this embedder';
        line('calibration', `${c.config.method} ${c.config.denseWeight}, nDCG@10 ${c.score.toFixed(3)} (lexical only ${c.lexicalScore.toFixed(3)}, noise ±${c.noise.toFixed(3)}, ${c.queries} queries, ${c.createdAt.slice(0, 10)}) — ${state}${use}`);
      } else line('calibration', `none for ${s.embedder.id} — run \`quarry calibrate\` to tune fusion on this library`);
      if (s.calibrating) line('calibrating', `${s.calibrating.stage} ${s.calibrating.done}/${s.calibrating.total}`);
      if (s.answer) {
        const breakers = s.answer.providers.map((p) => `${p.provider} (${p.model}) ${p.state}${p.failures ? `, ${p.failures} failure(s)` : ''}`).join('; ');
        line('answers', `${s.answer.chain.join(' → ')}${s.answer.sendsData ? ' — sends passages to a remote model' : ' — nothing leaves this machine'}`);
        if (breakers) line('providers', breakers);
      }
      line('indexes', `full-text ${s.indexes.fts ? 'yes' : 'not yet'}, vector ${s.indexes.vector ? 'ANN' : 'exact search'}`);
      line('jobs', `${s.jobs.queued} queued, ${s.jobs.running} running, ${s.jobs.done} done, ${s.jobs.failed} failed`);
      if (s.failures.length) {
        io.out.write(`\n${style(io.out, 'red', `${s.failures.length} failed document(s):`)}\n`);
        for (const f of s.failures) io.out.write(`  ${f.code}  ${f.path}\n    ${f.message}${f.hint ? `\n    ${f.hint}` : ''}\n`);
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
