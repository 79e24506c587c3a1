/**
 * Worker-thread entry of the USE pool (use.ts). Each worker owns one model instance and embeds
 * one batch at a time; the wasm backend is single-threaded, so parallelism comes from workers.
 */
import { parentPort } from 'node:worker_threads';
import { UseRunner } from './use-runner';

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
