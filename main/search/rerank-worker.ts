/**
 * Worker-thread entry of the cross-encoder (rerank-model.ts): one thread per process holds the
 * loaded models (by key) and scores one batch at a time, so the engine's event loop never waits
 * on tokenising or ONNX.
 */
import { parentPort } from 'node:worker_threads';
import { openRerankSession, type RerankSession } from './rerank-session';

/** A message to the worker. */
export type RerankWorkerRequest =
  | { id: number; type: 'load'; key: string; folder: string; dtype: string; maxLength: number }
  | { id: number; type: 'score'; key: string; query: string; passages: string[] }
  | { id: number; type: 'unload'; key: string };

/** The worker's answer: the token limit in force (load), scores (score), done (unload), or the error's message. */
export type RerankWorkerResponse = { id: number; maxLength: number } | { id: number; scores: number[] } | { id: number; done: true } | { id: number; error: string };

const port = parentPort;
if (port) {
  const sessions = new Map<string, Promise<RerankSession>>();
  port.on('message', (req: RerankWorkerRequest) => {
    const reply = (r: RerankWorkerResponse): void => port.postMessage(r);
    const fail = (e: unknown): void => reply({ id: req.id, error: e instanceof Error ? e.message : String(e) });
    const session = sessions.get(req.key);
    if (req.type === 'load') {
      const loading = session ?? openRerankSession(req.folder, req.dtype, req.maxLength);
      sessions.set(req.key, loading);
      loading.then((s) => reply({ id: req.id, maxLength: s.maxLength }), (e: unknown) => {
        if (sessions.get(req.key) === loading) sessions.delete(req.key);
        fail(e);
      });
    } else if (req.type === 'unload') {
      sessions.delete(req.key);
      void (session ?? Promise.resolve(undefined))
        .then((s) => s?.dispose())
        .then(() => reply({ id: req.id, done: true }), fail);
    } else if (!session) {
      fail(new Error('The reranker model is not loaded.'));
    } else {
      session.then((s) => s.score(req.query, req.passages)).then((scores) => reply({ id: req.id, scores }), fail);
    }
  });
}
