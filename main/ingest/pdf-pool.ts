import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pdfjsModuleUrls } from './pdfjs';

/** Heap ceiling per worker: a decompression bomb kills its worker, not the app. */
const WORKER_HEAP_MB = 768;

// Running from TypeScript sources (tests, `node --import tsx`), the worker is a .ts file too.
// `execArgv: ['--import', 'tsx']` does not help there: on Node 20 tsx registers its loader only
// on the main thread (dist/esm/index.mjs checks isMainThread). So the worker starts from a tiny
// CommonJS bootstrap that registers tsx through its API and then loads the entry. Measured per
// cold worker, until the 619-page PDF is open:
// - tsx's CommonJS API (require hooks, used here): ~300 ms CPU. Its ESM API would spin up a
//   module-hooks thread per worker: ~450 ms CPU.
// - pdfjs is imported *before* tsx registers: through tsx's hooks the two 2 MB bundles take
//   ~1.2 s and ~350 MB more to load, natively ~0.15 s. Loading pdfjs replaces
//   Array.prototype.push and JSON.parse/stringify on Node 20, so the bootstrap puts the natives
//   back, as loadPdfjs does (see pdfjs.ts for why).
const SELF_URL = import.meta.url;
const RUNNING_TS = /\.[cm]?ts$/.test(new URL(SELF_URL).pathname);
const WORKER_URL = new URL(RUNNING_TS ? './pdf-worker.ts' : './pdf-worker.js', SELF_URL);
const TSX_BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const saved = [Array.prototype.push, JSON.parse, JSON.stringify];
  try {
    for (const url of workerData.preload) await import(url);
  } finally {
    [Array.prototype.push, JSON.parse, JSON.stringify] = saved;
  }
  require(workerData.tsxApi).register();
  require(workerData.entry);
})().catch((e) => parentPort.postMessage({ type: 'fatal', message: String((e && e.stack) || e) }));
`;

let tsxApiPath: string | undefined;

/** tsx's CommonJS API entry, found through its package exports. */
function resolveTsxCjsApi(): string {
  if (!tsxApiPath) {
    const req = createRequire(SELF_URL);
    const pkgFile = req.resolve('tsx/package.json');
    const pkg = req(pkgFile) as { exports: Record<string, { require?: string | { default: string } }> };
    const entry = pkg.exports['./cjs/api']?.require;
    const rel = typeof entry === 'string' ? entry : entry?.default;
    if (!rel) throw new Error('tsx does not export ./cjs/api');
    tsxApiPath = path.join(path.dirname(pkgFile), rel);
  }
  return tsxApiPath;
}

/** Starts one PDF worker thread (through the tsx bootstrap when running from sources). */
export function spawnWorker(): Worker {
  const common = { execArgv: [] as string[], resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false };
  if (!RUNNING_TS) return new Worker(WORKER_URL, common);
  const workerData = { tsxApi: resolveTsxCjsApi(), preload: pdfjsModuleUrls(), entry: fileURLToPath(WORKER_URL) };
  return new Worker(TSX_BOOTSTRAP, { ...common, eval: true, workerData });
}

/** Whether a worker's 'error' event is V8 stopping it at its heap ceiling (WORKER_HEAP_MB). */
export function isWorkerOutOfMemory(e: Error): boolean {
  return (e as Error & { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** Idle workers wait this long for the next PDF before they exit. */
const IDLE_MS = 30_000;

/** A worker asked to exit that has not within this long is stuck in pdfjs: it is terminated. */
export const EXIT_GRACE_MS = 3_000;

/**
 * Ends a worker by asking it to exit itself (see pdf-worker.ts), terminating it only if it does
 * not within EXIT_GRACE_MS. `worker.terminate()` stops the thread's JavaScript wherever it
 * is: pdfjs inflates every content stream through a DecompressionStream, and a stop that
 * lands between zlib's native constructor and its init aborts the *whole process* when the
 * thread is torn down (Node 20: "Assertion failed: init_done_ && close before init", seen once
 * in CI after an abort). A worker exits from its message handler, where no constructor can be
 * half-run. Resolves with the exit code: 0 when the worker exited itself.
 */
export function retireWorker(worker: Worker): Promise<number> {
  detach(worker);
  worker.on('error', () => undefined);
  // An idle worker is unref'd; awaiting its exit must keep the process alive, or a caller that
  // awaits closePdfWorkerPool() with nothing else pending sees the process end mid-await.
  worker.ref();
  return new Promise<number>((resolve) => {
    const timer = setTimeout(() => {
      void worker.terminate().then(resolve, () => resolve(1));
    }, EXIT_GRACE_MS);
    timer.unref();
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    try {
      worker.postMessage({ type: 'exit' });
    } catch {
      // Already gone: its 'exit' event fired or is about to.
    }
  });
}

/**
 * Removes the listeners a run or the pool attached. Never `removeAllListeners()` without a
 * name: Worker keeps its message port started through its own newListener/removeListener
 * hooks, and dropping those leaves the next run's messages undelivered (a hang).
 */
function detach(worker: Worker): void {
  for (const event of ['message', 'error', 'exit', 'online', 'messageerror'] as const) worker.removeAllListeners(event);
}

/**
 * Keeps PDF workers alive between documents: starting one costs ~0.25 s of CPU (a thread, tsx,
 * pdfjs), which a folder of PDFs would otherwise pay per file. Idle workers are unref'd so they
 * never keep the process alive, and exit after IDLE_MS. Only workers that finished a run cleanly
 * come back; after an error or an abort they are ended instead (retireWorker).
 */
class PdfWorkerPool {
  private idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];

  /** Up to `count` workers: idle ones first, new ones for the rest. */
  acquire(count: number): Worker[] {
    const out: Worker[] = [];
    while (out.length < count && this.idle.length > 0) {
      const { worker, timer } = this.idle.pop() as { worker: Worker; timer: NodeJS.Timeout };
      clearTimeout(timer);
      detach(worker);
      worker.ref();
      out.push(worker);
    }
    while (out.length < count) out.push(spawnWorker());
    return out;
  }

  /** Takes back a worker whose run ended cleanly; it closes its document and waits. */
  release(worker: Worker, keepAtMost: number): void {
    detach(worker);
    if (this.idle.length >= keepAtMost) {
      void retireWorker(worker);
      return;
    }
    worker.postMessage({ type: 'close' });
    worker.unref();
    const drop = (): void => {
      this.idle = this.idle.filter((e) => e.worker !== worker);
    };
    const timer = setTimeout(() => {
      drop();
      void retireWorker(worker);
    }, IDLE_MS);
    timer.unref();
    worker.once('exit', drop);
    worker.on('error', drop);
    this.idle.push({ worker, timer });
  }

  /** Ends a worker whose state is unknown (error, abort): it stops at its next page. */
  discard(worker: Worker): Promise<number> {
    return retireWorker(worker);
  }

  /** Ends every idle worker. */
  async close(): Promise<void> {
    const idle = this.idle;
    this.idle = [];
    await Promise.all(
      idle.map(async ({ worker, timer }) => {
        clearTimeout(timer);
        await retireWorker(worker);
      }),
    );
  }

  /** How many workers are waiting (for tests). */
  get idleCount(): number {
    return this.idle.length;
  }
}

/** The process-wide pool of PDF workers. */
export const pdfWorkerPool = new PdfWorkerPool();

/**
 * Ends all idle PDF workers now (app shutdown, tests, cold-start benchmarks). Running
 * extractions are not affected.
 */
export function closePdfWorkerPool(): Promise<void> {
  return pdfWorkerPool.close();
}
