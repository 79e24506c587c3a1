import { writeFile } from 'node:fs/promises';
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

  it('waits for a lock released in time', async () => {
    const first = await DataDirLock.acquire(dir);
    setTimeout(() => void first.release(), 300);
    const second = await DataDirLock.acquire(dir, { waitMs: 5000 });
    await second.release();
  });
});
