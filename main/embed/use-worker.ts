/**
 * Worker-thread entry of the USE pool (use.ts). Each worker owns one model instance and embeds
 * one batch at a time; the wasm backend is single-threaded, so parallelism comes from workers.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { UseRunner } from './use-runner';

/** Data a worker starts with. */
export interface UseWorkerData {
  /**
   * Nice value for this thread. On Linux the nice value is per thread and setpriority(0) sets the
   * calling thread's only (setpriority(2), "BUGS"), so bulk embedding yields the CPU to the main
   * thread and the query worker without touching the rest of the process.
   */
  nice?: number;
}

const nice = (workerData as UseWorkerData | undefined)?.nice;
if (nice) {
  try {
    os.setPriority(0, nice);
  } catch {
    // Not permitted or not supported here (raising a nice value normally is): run at the default.
  }
}

/** A batch sent to a worker. */
export interface UseWorkerRequest {
  id: number;
  texts: string[];
}

/** A worker's answer: raw vectors back to back, or the error's message. */
export type UseWorkerResponse = { id: number; vectors: Float32Array } | { id: number; error: string };

const port = parentPort;
if (port) {
  let runner: Promise<UseRunner> | undefined;
  port.on('message', (req: UseWorkerRequest) => {
    // Lazy: a worker that is never sent work never loads the model.
    runner ??= UseRunner.create();
    runner
      .then((r) => r.embed(req.texts))
      .then(
        (vectors) => port.postMessage({ id: req.id, vectors } satisfies UseWorkerResponse),
        (e: unknown) => port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies UseWorkerResponse),
      );
  });
}
