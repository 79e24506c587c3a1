import type { Worker } from 'node:worker_threads';
import { QuarryError } from '../util/errors';
import { extractDocx } from './docx';
import type { FromWorker, ToWorker } from './pdf-parallel';
import { defaultWorkerCount, newRunId } from './pdf-parallel';
import { isWorkerOutOfMemory, pdfWorkerPool } from './pdf-pool';
import type { ExtractedDocument, IngestLimits } from './types';

/**
 * Word documents at least this big (compressed) are read in a worker thread. mammoth parses
 * document.xml in one synchronous pass: the 872-page handbook (483 KB) held the engine's main
 * thread for 2.2 s, and every search waited behind it. Smaller ones take a few tens of ms in
 * this thread, less than a worker round trip.
 */
export const DOCX_OFFTHREAD_BYTES = 64 * 1024;

/**
 * Extracts a DOCX in a pooled reader worker, so a long document never blocks searches. Same
 * result and errors as extractDocx; the worker goes back to the pool afterwards (warm for the
 * next PDF or DOCX), or is ended after an abort or a crash.
 *
 * @throws QuarryError DOCX_TOO_LARGE, DOCX_MALFORMED, CANCELLED
 */
export function extractDocxOffThread(buf: Buffer, opts: { limits?: Partial<IngestLimits>; signal?: AbortSignal } = {}): Promise<ExtractedDocument> {
  if (opts.signal?.aborted) return Promise.reject(new QuarryError('CANCELLED', 'Cancelled'));
  let worker: Worker;
  try {
    [worker] = pdfWorkerPool.acquire(1);
  } catch {
    // No thread to be had (resource limits): read it here rather than fail.
    return extractDocx(buf, opts);
  }
  return new Promise<ExtractedDocument>((resolve, reject) => {
    let settled = false;
    /** `reusable`: the worker answered (a result or its own clean error), so it may go back. */
    const done = (err: QuarryError | null, doc?: ExtractedDocument, reusable = false): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (reusable) pdfWorkerPool.release(worker, defaultWorkerCount());
      else pdfWorkerPool.discard(worker);
      if (err) reject(err);
      else resolve(doc as ExtractedDocument);
    };
    const onAbort = (): void => done(new QuarryError('CANCELLED', 'Cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const run = newRunId();
    worker.on('message', (msg: FromWorker) => {
      if ('run' in msg && msg.run !== run) return; // a late answer of the worker's previous run
      if (msg.type === 'docx') {
        if (msg.error) done(new QuarryError(msg.error.code, msg.error.message, { hint: msg.error.hint }), undefined, true);
        else done(null, msg.doc, true);
      } else if (msg.type === 'fatal' || msg.type === 'error') {
        done(new QuarryError('DOCX_MALFORMED', `The document reader failed: ${'message' in msg ? msg.message.split('\n')[0] : msg.error.message}`));
      }
    });
    worker.on('error', (e: Error) => {
      const oom = isWorkerOutOfMemory(e);
      done(new QuarryError(oom ? 'DOCX_TOO_LARGE' : 'DOCX_MALFORMED', oom ? 'The Word document needs more memory than a document may use.' : `The document reader crashed: ${e.message}`, { cause: e }));
    });
    worker.on('exit', (code) => done(new QuarryError('DOCX_MALFORMED', `The document reader stopped unexpectedly (exit code ${code}).`)));
    // A copy the worker owns: the caller's buffer may be a slice of a pooled one.
    const data = new Uint8Array(buf);
    worker.postMessage({ type: 'docx', run, data, limits: opts.limits } satisfies ToWorker, [data.buffer]);
  });
}
