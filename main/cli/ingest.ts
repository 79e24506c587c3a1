import path from 'node:path';
import type { IngestReport } from '../../contract';
import { openEngine } from './lazy';
import { UsageError, type Command } from './command';
import { ProgressBar, printJson, style } from './output';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Add files or folders to the library (PDF, DOCX, text, Markdown, HTML)',
  usage: 'quarry ingest <files|folders...> [--collection C] [--tag T]... [--password P] [--json]',
  details:
    'Folders are walked recursively. A file already in the library with the same content is skipped;\n' +
    'a changed file has its passages replaced. Exit code 0 when all succeeded, 2 when some failed.',
  options: {
    collection: { type: 'string', short: 'c' },
    tag: { type: 'string', multiple: true },
    password: { type: 'string' },
    json: { type: 'boolean' },
    wait: { type: 'string' },
  },
  async run({ dataDir, args, values, io }) {
    if (args.length === 0) throw new UsageError('Name at least one file or folder to ingest.');
    const json = Boolean(values.json);
    const waitS = values.wait === undefined ? 10 : Number(values.wait);
    if (!Number.isFinite(waitS) || waitS < 0) throw new UsageError('--wait takes a number of seconds.');
    const bar = new ProgressBar(io.err);
    // A library written by an earlier version is upgraded on open (see store/migrate.ts).
    const onMigration = json ? undefined : (p: { done: number; total: number }): void => bar.update(p.done, p.total, 'upgrading the index for non-Latin text');
    const engine = await openEngine({ dataDir, lockWaitMs: waitS * 1000, onMigration });
    let interrupted = false;
    let stopped: () => void = () => undefined;
    // Closing the engine stops the queue without emptying it, so the wait for an idle queue
    // ends here instead (else the command never returned and Node exited with code 13).
    const whenStopped = new Promise<void>((resolve) => (stopped = resolve));
    const onSigint = (): void => {
      interrupted = true;
      io.err.write('\nStopping… unfinished files stay queued and resume on the next `quarry ingest`.\n');
      void engine.close().finally(stopped);
    };
    process.once('SIGINT', onSigint);
    try {
      const resumed = engine.queue.counts().queued;
      if (resumed > 0 && !json) io.err.write(`Resuming ${resumed} unfinished file(s) from an earlier run.\n`);
      const off = engine.on('ingest.progress', (p) => {
        const label = p.path ? `${p.stage} ${path.basename(p.path)}` : p.stage;
        if (!json && !interrupted) bar.update(p.filesDone, p.filesTotal, label, p.etaSeconds);
      });
      const { jobIds } = await engine.handlers['library.ingest']({
        paths: args,
        collection: String(values.collection ?? 'default'),
        tags: (values.tag as string[] | undefined) ?? [],
        password: values.password as string | undefined,
      });
      await Promise.race([engine.queue.whenIdle(), whenStopped]);
      off();
      bar.done();
      if (interrupted) return 130;
      await engine.maintain({ optimize: true });
      const jobs = new Map(engine.queue.list().map((j) => [j.jobId, j]));
      const rawJobs = jobIds.map((id) => jobs.get(id)!).filter(Boolean);
      const report: IngestReport = { ingested: 0, unchanged: 0, failed: [] };
      const docs = engine.documents();
      const embedding = { texts: 0, cacheHits: 0 };
      for (const j of rawJobs) {
        embedding.texts += j.embedding?.texts ?? 0;
        embedding.cacheHits += j.embedding?.cacheHits ?? 0;
        if (j.state === 'done') {
          if (j.unchanged) report.unchanged++;
          else report.ingested++;
        } else if (j.error) report.failed.push({ path: j.path, code: j.error.code, message: j.error.message, ...(j.error.hint ? { hint: j.error.hint } : {}) });
      }
      if (embedding.texts > 0) report.embedding = embedding;
      if (json) printJson(io, report);
      else {
        io.out.write(`${style(io.out, 'green', `${report.ingested} ingested`)}, ${report.unchanged} unchanged, ${report.failed.length ? style(io.out, 'red', `${report.failed.length} failed`) : '0 failed'}\n`);
        if (embedding.cacheHits > 0) io.out.write(`  ${embedding.cacheHits} of ${embedding.texts} passages came from the embedding cache\n`);
        for (const f of report.failed) {
          io.out.write(`  ${style(io.out, 'red', f.code)}  ${f.path}\n    ${f.message}\n`);
          if (f.hint) io.out.write(`    ${style(io.out, 'dim', f.hint)}\n`);
        }
        const warnings = rawJobs.flatMap((j) => (j.docId ? (docs.get(j.docId)?.warnings ?? []).map((w) => ({ w, name: docs.get(j.docId!)!.name })) : []));
        const ocr = warnings.filter(({ w }) => w.code === 'NO_TEXT');
        for (const { w, name } of ocr) io.out.write(`  ${style(io.out, 'yellow', 'warning')}  ${name}: ${w.message}\n`);
      }
      return report.failed.length ? 2 : 0;
    } finally {
      process.off('SIGINT', onSigint);
      await engine.close();
    }
  },
};
