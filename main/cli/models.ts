import path from 'node:path';
import { UsageError, type Command } from './command';
import { ProgressBar, formatBytes, printJson, style, table } from './output';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List downloadable models and their state, or download one (with progress, resume and checksum)',
  usage: 'quarry models list [--json] | quarry models pull <id>',
  details: 'Models land in <data-dir>/models/<id>/. An interrupted download resumes where it stopped.',
  options: { json: { type: 'boolean' } },
  async run({ dataDir, args, values, io }) {
    const [sub, id] = args;
    const { listModels, pullModel } = await import('../embed');
    const dir = path.join(dataDir, 'models');
    if (sub === 'list' || sub === undefined) {
      const models = await listModels(dir);
      if (values.json) {
        printJson(io, { dir, models });
        return 0;
      }
      io.out.write(
        table(
          ['id', 'kind', 'state', 'size', 'license'],
          models.map((m) => [m.id, m.kind, m.state, m.bytesTotal ? formatBytes(m.bytesTotal) : '?', m.license]),
        ),
      );
      io.out.write(style(io.out, 'dim', `\nThe Universal Sentence Encoder (use-512) ships with Quarry and needs no download.\nDownload others with: quarry models pull <id>\n`));
      return 0;
    }
    if (sub !== 'pull' || !id) throw new UsageError('Use `quarry models list` or `quarry models pull <id>`.');
    const bar = new ProgressBar(io.err);
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const status = await pullModel(id, {
        dir,
        signal: ac.signal,
        onProgress: (p) => {
          const total = p.bytesTotal ?? p.fileBytesTotal ?? 0;
          const done = p.bytesTotal ? p.bytesDone : p.fileBytesDone;
          const eta = total && p.bytesPerSecond > 0 ? (total - done) / p.bytesPerSecond : undefined;
          bar.update(Math.round(done / 1e6), Math.round(total / 1e6), `MB ${p.file} (${formatBytes(p.bytesPerSecond)}/s)`, eta);
        },
      });
      bar.done();
      if (values.json) printJson(io, status);
      else io.out.write(`${style(io.out, 'green', 'installed')} ${status.id} in ${status.dir} (${formatBytes(status.bytesOnDisk)})\n`);
      return 0;
    } finally {
      bar.done();
      process.off('SIGINT', onSigint);
    }
  },
};
