import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * The desktop build's engine, as Electron would start it: out/main/engine-host.js (built by
 * `electron-vite build` in run.js) in a child process. Electron gives a utilityProcess
 * `process.parentPort`; plain Node has no such thing, so a preload maps it onto the fork IPC
 * channel. What this proves, which no source-level test can: the bundled engine finds the PDF
 * and embedding worker files that the build emits beside it (a long PDF goes through the PDF
 * worker pool, every chunk through the Universal Sentence Encoder workers), its prompts and its
 * native modules, and answers the same protocol the Electron main process speaks.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const hostJs = path.join(root, 'out', 'main', 'engine-host.js');
const shared = process.env.QUARRY_SHARED ?? path.resolve(root, '..', 'shared');

const PARENT_PORT_SHIM = `
import { EventEmitter } from 'node:events';
const port = new EventEmitter();
port.postMessage = (m) => process.send(m);
process.on('message', (data) => port.emit('message', { data }));
process.parentPort = port;
`;

type FromHost = { kind: 'ready' } | { kind: 'reply'; id: number; reply: { ok: boolean; value?: unknown; error?: { code: string; message: string } } } | { kind: 'event'; name: string } | { kind: 'fatal'; error: { message: string } };

test('the built engine host ingests a long PDF through its bundled workers and answers searches', async () => {
  test.setTimeout(240_000);
  expect(existsSync(hostJs), `${hostJs} is built by tests/e2e/run.js`).toBe(true);
  const dir = await mkdtemp(path.join(tmpdir(), 'quarry-host-'));
  const shim = path.join(dir, 'parent-port.mjs');
  await writeFile(shim, PARENT_PORT_SHIM);
  let child: ChildProcess | undefined;
  let stderr = '';
  try {
    child = fork(hostJs, [path.join(dir, 'data')], { cwd: dir, execArgv: ['--import', shim], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const proc = child;
    const pending = new Map<number, (m: Extract<FromHost, { kind: 'reply' }>) => void>();
    let nextId = 1;
    const ready = new Promise<void>((resolve, reject) => {
      proc.on('message', (m: FromHost) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'fatal') reject(new Error(`engine host failed: ${m.error.message}`));
        else if (m.kind === 'reply') pending.get(m.id)?.(m);
      });
      proc.on('exit', (code) => reject(new Error(`engine host exited with ${code}: ${stderr}`)));
    });
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const id = nextId++;
      const reply = await new Promise<Extract<FromHost, { kind: 'reply' }>>((resolve) => {
        pending.set(id, resolve);
        proc.send({ kind: 'call', id, method, input });
      });
      if (!reply.reply.ok) throw new Error(`${method}: ${reply.reply.error?.code} ${reply.reply.error?.message}`);
      return reply.reply.value as T;
    };
    await ready;

    // 55 pages: over the in-thread limit, so the PDF worker pool reads it.
    const pdf = path.join(shared, 'corpus', 'pdf', 'long_real', 'pdfjs__pdkids.pdf');
    await call('library.ingest', { paths: [pdf] });
    let jobs: { state: string; error?: { message: string } }[] = [];
    await expect
      .poll(
        async () => {
          jobs = (await call<{ jobs: typeof jobs }>('jobs.list', {})).jobs;
          return jobs.every((j) => j.state === 'done' || j.state === 'failed') && jobs.length > 0;
        },
        { timeout: 200_000, intervals: [1000] },
      )
      .toBe(true);
    expect(jobs.map((j) => j.error?.message ?? j.state)).toEqual(['done']);

    const docs = await call<{ documents: { name: string; pages: number; chunks: number; status: string }[] }>('library.documents', {});
    expect(docs.documents).toHaveLength(1);
    expect(docs.documents[0]).toMatchObject({ name: 'pdfjs__pdkids.pdf', pages: 55, status: 'ready' });
    expect(docs.documents[0].chunks).toBeGreaterThan(20);

    const status = await call<{ embedder: { id: string } }>('library.status', {});
    expect(status.embedder.id).toBe('use-512');
    const found = await call<{ results: { page: number; text: string; retrievers: string[] }[] }>('search.query', { query: 'the moon was trapped and buried in the bog', k: 3 });
    expect(found.results.length).toBeGreaterThan(0);
    expect(found.results[0].text).toMatch(/Moon/);
    expect(found.results[0].page).toBeLessThanOrEqual(5); // "The Buried Moon" opens the book
    expect(found.results[0].retrievers).toContain('vector');
  } finally {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
