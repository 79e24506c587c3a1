import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLock } from '../../../main/store/lock';
import { tempDir } from '../../helpers/shared';

describe('DataDirLock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('refuses a second writer with STORE_LOCKED naming the owner', async () => {
    const lock = await DataDirLock.acquire(dir);
    // Pretend another live process (our parent) holds it.
    await writeFile(path.join(dir, 'quarry.lock'), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), startedAt: 'now', command: 'quarry ingest' }));
    await expect(DataDirLock.acquire(dir, { waitMs: 300 })).rejects.toMatchObject({ code: 'STORE_LOCKED', message: expect.stringContaining('quarry ingest') });
    await lock.release();
  });

  it('takes over a stale lock left by a dead process', async () => {
    await writeFile(path.join(dir, 'quarry.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), startedAt: 'then', command: 'x' }));
    const lock = await DataDirLock.acquire(dir);
    await lock.release();
  });

  it.runIf(process.platform === 'linux')('takes over a lock whose owner has exited but is not yet reaped', async () => {
    // A process that has exited while its parent does not reap it: a zombie, which still
    // answers signal 0 (a killed CLI waits like this for its new parent; see bin/arena.js).
    // `sleep`, exec'd in place of the shell, never reaps the shell's background child. The child
    // lives 0.5 s, so it exits after the exec: one that exits at once may be reaped by the shell
    // first (seen under load), leaving no zombie to test with.
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
      const state = (): string => readFileSync(`/proc/${pid}/stat`, 'utf8');
      for (let i = 0; i < 150 && !state().includes(') Z'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(state()).toContain(') Z');
      await writeFile(path.join(dir, 'quarry.lock'), JSON.stringify({ pid, host: hostname(), startedAt: 'then', command: 'quarry ingest' }));
      const lock = await DataDirLock.acquire(dir);
      await lock.release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('waits for a lock released in time', async () => {
    const first = await DataDirLock.acquire(dir);
    setTimeout(() => void first.release(), 300);
    const second = await DataDirLock.acquire(dir, { waitMs: 5000 });
    await second.release();
  });
});
