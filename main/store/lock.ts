import { readFileSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { QuarryError } from '../util/errors';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

/**
 * An exclusive writer lock on a data folder. Two Quarry processes must never write one library
 * at once (LanceDB tolerates concurrent readers, but our job journal and index maintenance do
 * not). A lock whose owner process is gone (kill -9, power loss) is taken over.
 *
 * @example
 * const lock = await DataDirLock.acquire(dataDir, { waitMs: 5000 });
 * try { ... } finally { await lock.release(); }
 */
export class DataDirLock {
  private released = false;

  private constructor(readonly file: string) {}

  static async acquire(dataDir: string, opts: { waitMs?: number; command?: string } = {}): Promise<DataDirLock> {
    const file = path.join(dataDir, 'quarry.lock');
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: opts.command ?? process.argv.slice(1).join(' ') };
    for (;;) {
      try {
        const fh = await open(file, 'wx');
        await fh.writeFile(JSON.stringify(me));
        await fh.sync();
        await fh.close();
        return new DataDirLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = await readOwner(file);
      // A lock file another process has just created may not hold its owner yet.
      const fresh = !owner && (await ageMs(file)) < 2000;
      if (!fresh && (!owner || (owner.host === me.host && !isAlive(owner.pid)))) {
        // Stale: the owner died without releasing. Remove and retry; `wx` keeps the race safe.
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() >= deadline && owner) {
        throw new QuarryError(
          'STORE_LOCKED',
          `Another Quarry process (pid ${owner.pid}, "${owner.command}", since ${owner.startedAt}) is using the library at ${dataDir}.`,
          { hint: 'Wait for it to finish or close it (the desktop app holds the library while open), then try again.' },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const owner = await readOwner(this.file);
    if (owner?.pid === process.pid) await rm(this.file, { force: true });
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined; // unreadable or half-written: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A process that has exited but not been reaped still answers signal 0. On Linux its state in
 * /proc says so: a killed CLI whose launcher died first (bin/arena.js) waits for its new parent
 * to reap it, and its lock is stale meanwhile.
 */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last ')' (a command name may contain one).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

async function ageMs(file: string): Promise<number> {
  try {
    return Date.now() - (await stat(file)).mtimeMs;
  } catch {
    return Infinity;
  }
}
