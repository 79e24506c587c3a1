import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type ServableEngine } from '../../main/cli/serve';
import { tempDir } from '../helpers/shared';
import { FakeEngine } from '../unit/server/fake-engine';

// `quarry serve` is driven in-process with a fake engine factory; the e2e suite runs the real
// command against the real engine.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { dir, cleanup } = await tempDir('quarry-serve-');
  cleanups.push(cleanup);
  const out: string[] = [];
  const err: string[] = [];
  const stop = new AbortController();
  let closed = false;
  let openedWith: string | undefined;
  const engine = Object.assign(new FakeEngine(), {
    close: async () => {
      closed = true;
    },
  });
  const done = serve(['--data-dir', dir, '--port', '0', ...args], {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    env,
    signal: stop.signal,
    createEngine: async ({ dataDir }): Promise<ServableEngine> => {
      openedWith = dataDir;
      return engine;
    },
  });
  const deadline = Date.now() + 5000;
  while (!out.some((l) => l.startsWith('Open ')) && Date.now() < deadline) {
    if (err.length) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { dir, out, err, stop, done, isClosed: () => closed, openedWith: () => openedWith };
}

describe('quarry serve', () => {
  it('prints a login URL with a generated token, refuses requests without it, and stops cleanly', async () => {
    const s = await start([]);
    const line = s.out.find((l) => l.startsWith('Open '))!;
    const url = new URL(line.slice('Open '.length));
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.openedWith()).toBe(s.dir);
    expect(existsSync(path.join(s.dir, 'inbox'))).toBe(true);

    const api = `${url.origin}/api/library.documents`;
    expect((await fetch(api, { method: 'POST' })).status).toBe(401);
    const ok = await fetch(api, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${url.origin}/api/health`)).status).toBe(200);

    s.stop.abort();
    expect(await s.done).toBe(0);
    expect(s.isClosed()).toBe(true);
    await expect(fetch(`${url.origin}/api/health`)).rejects.toThrow();
  });

  it('uses QUARRY_TOKEN, and --token over it', async () => {
    const env = { QUARRY_TOKEN: 'from-the-environment-123' };
    const a = await start([], env);
    expect(a.out.join('\n')).toContain('#token=from-the-environment-123');
    expect(a.out.join('\n')).not.toContain('generated');
    a.stop.abort();
    await a.done;
    const b = await start(['--token', 'from-the-command-line-456'], env);
    expect(b.out.join('\n')).toContain('#token=from-the-command-line-456');
    b.stop.abort();
    await b.done;
  });

  it('rejects bad arguments with exit code 1 (the usage code of every quarry command) and a message', async () => {
    for (const args of [['--port', 'abc'], ['--port', '70000'], ['--frobnicate'], ['--token', 'short']]) {
      const err: string[] = [];
      const code = await serve(args, { stdout: () => undefined, stderr: (l) => err.push(l), env: {}, signal: AbortSignal.abort() });
      expect(code).toBe(1);
      expect(err.join('\n').length).toBeGreaterThan(0);
    }
  });

  it('warns when bound beyond loopback', async () => {
    const s = await start(['--host', '0.0.0.0']);
    expect(s.err.join('\n')).toMatch(/Anyone who can reach this machine/);
    s.stop.abort();
    await s.done;
  });
});

describe('quarry serve through the CLI dispatcher', () => {
  it('is registered as the `serve` command and validates its options', async () => {
    const { serveCommand } = await import('../../main/cli/serve');
    expect(serveCommand.name).toBe('serve');
    expect(Object.keys(serveCommand.options)).toEqual(expect.arrayContaining(['port', 'host', 'token']));
    const err: string[] = [];
    const io = { out: { write: () => true }, err: { write: (s: string) => err.push(s) > 0 } } as never;
    expect(await serveCommand.run({ dataDir: path.join(tmpdir(), 'quarry-unused'), args: [], values: { port: 'nope' }, io })).toBe(1);
    expect(err.join('')).toMatch(/--port/);
  });
});
