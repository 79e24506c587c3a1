import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSamples } from '../../main/demo/samples';
import { SearchQuery, type SearchQuery as SearchQueryInput } from '../../contract';
import { createEngine, type Engine } from '../../main/engine';

function search(engine: Engine, q: SearchQueryInput) {
  return engine.handlers['search.query'](SearchQuery.parse(q));
}
import { runCli, startCli } from '../helpers/cli';
import { tempDir } from '../helpers/shared';

/** A library folder whose settings pick the fast hash embedder (the USE path is tested elsewhere). */
async function hashLibrary(dir: string): Promise<string> {
  const lib = path.join(dir, 'lib');
  await mkdir(lib, { recursive: true });
  await writeFile(path.join(lib, 'settings.json'), JSON.stringify({ embedder: { kind: 'hash' } }));
  return lib;
}

/** Many distinct files, so an ingest runs long enough to be interrupted. */
async function manyFiles(dir: string, n: number): Promise<string> {
  const folder = path.join(dir, 'many');
  await mkdir(folder, { recursive: true });
  const words = 'pump seal valve sensor pressure flow motor bearing impeller casing voltage fault'.split(' ');
  for (let i = 0; i < n; i++) {
    const paras = Array.from({ length: 30 }, (_, p) => `Paragraph ${p} of note ${i}: ` + Array.from({ length: 60 }, (_, w) => words[(i * 7 + p * 3 + w) % words.length]).join(' ') + ` code Z-${1000 + i}.`);
    await writeFile(path.join(folder, `note-${String(i).padStart(3, '0')}.md`), `# Note ${i}\n\n${paras.join('\n\n')}\n`);
  }
  return folder;
}

/** Waits until `n` jobs are done in a library's journal. */
async function jobsDone(lib: string, n: number): Promise<void> {
  const journal = path.join(lib, 'jobs.jsonl');
  for (let i = 0; i < 600; i++) {
    const text = existsSync(journal) ? await readFile(journal, 'utf8') : '';
    if ((text.match(/"state":"done"/g) ?? []).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} jobs done in ${journal}`);
}

/** The pid that holds a library's lock: the process doing the work. */
async function lockOwner(lib: string): Promise<number> {
  const file = path.join(lib, 'quarry.lock');
  for (let i = 0; i < 400; i++) {
    try {
      return (JSON.parse(await readFile(file, 'utf8')) as { pid: number }).pid;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`no lock in ${lib}`);
}

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, …]; [] once it is gone. */
function procStat(pid: number): string[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** "R", "S", "Z" …: a process's state on Linux; "gone" once it no longer exists. */
function procState(pid: number): string {
  return procStat(pid)[0] ?? 'gone';
}

/** Whether a process has ended (gone, or exited and waiting to be reaped) within `ms`. */
async function endsWithin(pid: number, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 20))) {
    if (['gone', 'Z', 'X'].includes(procState(pid))) return true;
  }
  return false;
}

describe('quarry CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('prints help and rejects bad usage with exit code 1', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ingest .*search .*docs/s);
    const bad = await runCli(['search']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Usage: quarry search');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(1);
  });

  it('ingests with --json, reports failures with exit code 2, and searches with --json', async () => {
    const lib = await hashLibrary(path.join(dir, 'a'));
    const samples = await writeSamples(path.join(dir, 'a', 'samples'));
    await writeFile(path.join(dir, 'a', 'zero.txt'), '');
    const r = await runCli(['--data-dir', lib, 'ingest', path.join(dir, 'a', 'samples'), path.join(dir, 'a', 'zero.txt'), path.join(dir, 'a', 'nope.pdf'), '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.ingested).toBe(samples.length);
    expect(report.unchanged).toBe(0);
    expect(report.failed.map((f: { code: string }) => f.code).sort()).toEqual(['FILE_EMPTY', 'FILE_NOT_FOUND']);

    const again = JSON.parse((await runCli(['--data-dir', lib, 'ingest', path.join(dir, 'a', 'samples'), '--json'])).stdout);
    expect(again).toEqual({ ingested: 0, unchanged: samples.length, failed: [] });

    const s = await runCli(['--data-dir', lib, 'search', 'E-4012', '-k', '3', '--json']);
    expect(s.code).toBe(0);
    const res = JSON.parse(s.stdout);
    expect(res.query).toBe('E-4012');
    expect(typeof res.tookMs).toBe('number');
    expect(res.results[0]).toMatchObject({ page: expect.any(Number), docName: expect.any(String), retrievers: expect.arrayContaining(['exact']) });
    expect(Object.keys(res.results[0]).sort()).toEqual(['chunkId', 'docId', 'docName', 'page', 'pageEnd', 'path', 'retrievers', 'score', 'snippet', 'text'].sort());

    const docFilter = JSON.parse((await runCli(['--data-dir', lib, 'search', 'pump', '--doc', 'pump-maintenance-manual', '--json'])).stdout);
    expect(docFilter.results.every((x: { docName: string }) => x.docName === 'pump-maintenance-manual.pdf')).toBe(true);

    const docs = JSON.parse((await runCli(['--data-dir', lib, 'docs', '--json'])).stdout);
    // The empty file is listed too, as a failed document with its reason (the missing one is not).
    expect(docs.documents.length).toBe(samples.length + 1);
    expect(docs.documents.find((d: { name: string }) => d.name === 'zero.txt')).toMatchObject({ status: 'failed', error: { code: 'FILE_EMPTY' } });
    const status = JSON.parse((await runCli(['--data-dir', lib, 'status', '--json'])).stdout);
    expect(status).toMatchObject({ documents: samples.length + 1, embedder: { id: 'hash-256' }, indexes: { fts: true } });
    // No model configured: answers are extractive and nothing leaves the machine.
    expect(status.answer).toMatchObject({ chain: ['extractive'], sendsData: false });

    const rm = await runCli(['--data-dir', lib, 'remove', 'battery-research-summary']);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toContain('Removed battery-research-summary.md');
  });

  it('resumes after kill -9 mid-ingest with no duplicate or orphan chunks', async () => {
    const lib = await hashLibrary(path.join(dir, 'k'));
    const folder = await manyFiles(path.join(dir, 'k'), 60);
    const first = startCli(['--data-dir', lib, 'ingest', folder]);
    const worker = await lockOwner(lib);
    // Wait until a few files are done, then kill without warning the pid the user sees.
    await jobsDone(lib, 5);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    // On Linux that pid is a launcher (bin/arena.js); the work it started dies with it.
    expect(await endsWithin(worker, 2000)).toBe(true);

    const second = await runCli(['--data-dir', lib, 'ingest', folder, '--json']);
    expect(second.code).toBe(0);
    expect(second.stderr + second.stdout).not.toMatch(/error/i);

    const engine = await createEngine({ dataDir: lib, readOnly: true, embedder: { kind: 'hash' } });
    try {
      const docs = [...engine.documents().values()];
      expect(docs).toHaveLength(60);
      expect(docs.every((d) => d.status === 'ready')).toBe(true);
      const expected = docs.reduce((a, d) => a + d.chunks, 0);
      expect(await engine.store.countChunks()).toBe(expected); // no duplicates, no orphans
      const res = await search(engine, { query: 'Z-1042', k: 1, mode: 'text' });
      expect(res.results[0].docName).toBe('note-042.md');
    } finally {
      await engine.close();
    }
  });

  it.runIf(process.platform === 'linux')('runs the work with two malloc arenas behind a launcher that Ctrl+C reaches once', async () => {
    const lib = await hashLibrary(path.join(dir, 'c'));
    const folder = await manyFiles(path.join(dir, 'c'), 60);
    // As a user starts it: no MALLOC_ARENA_MAX in the environment.
    const first = startCli(['--data-dir', lib, 'ingest', folder], { MALLOC_ARENA_MAX: undefined });
    const worker = await lockOwner(lib);
    expect(worker).not.toBe(first.child.pid);
    expect(Number(procStat(worker)[1])).toBe(first.child.pid); // its parent is the launcher
    expect(readFileSync(`/proc/${worker}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');

    await jobsDone(lib, 3);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    // Stopped gracefully, once: the interrupted exit code, one message, the lock released.
    expect(stopped, stopped.stderr).toMatchObject({ code: 130 });
    expect(stopped.stderr.match(/Stopping…/g)).toHaveLength(1);
    expect(existsSync(path.join(lib, 'quarry.lock'))).toBe(false);
    expect(await endsWithin(worker, 2000)).toBe(true);

    // A value the user set is kept, and then nothing is relaunched.
    const own = startCli(['--data-dir', lib, 'ingest', folder], { MALLOC_ARENA_MAX: '4' });
    expect(await lockOwner(lib)).toBe(own.child.pid);
    expect((await own.done).code).toBe(0);
  });

  it('refuses a second writer on the same library with a clear message', async () => {
    const lib = await hashLibrary(path.join(dir, 'l'));
    // Enough files that the first is still writing when the second has started (~1 s).
    const folder = await manyFiles(path.join(dir, 'l'), 150);
    const first = startCli(['--data-dir', lib, 'ingest', folder]);
    for (let i = 0; i < 200 && !existsSync(path.join(lib, 'quarry.lock')); i++) await new Promise((r) => setTimeout(r, 50));
    const second = await runCli(['--data-dir', lib, 'ingest', folder, '--wait', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('STORE_LOCKED');
    expect(second.stderr).toMatch(/Another Quarry process \(pid \d+/);
    // Readers are not blocked by the writer.
    const reader = await runCli(['--data-dir', lib, 'status', '--json']);
    expect(reader.code).toBe(0);
    const done = await first.done;
    expect(done.code).toBe(0);
  });
});
