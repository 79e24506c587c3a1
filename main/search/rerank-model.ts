import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RerankSettings } from '../config';
import { loadManifest, type ModelEntry, type ModelManifest } from '../embed/manifest';
import { requireInstalled } from '../embed/models';
import { looksLikePath, ONNX_FILE } from '../embed/transformers';
import { QuarryError } from '../util/errors';
import { spawnModuleWorker } from '../util/worker';
import type { Reranker, RerankerSetup, RerankScoreOptions } from './rerank';
import { openRerankSession, type RerankSession } from './rerank-session';
import type { RerankWorkerRequest, RerankWorkerResponse } from './rerank-worker';

type Dtype = NonNullable<ModelEntry['dtype']>;

/** Options of {@link TransformersReranker.create}. */
export interface TransformersRerankerOptions {
  /** A reranker id from the manifest (installed under `<modelsDir>/<id>/`) or a model folder. */
  model: string;
  /** `<dataDir>/models`, where `quarry models pull` installs manifest models. */
  modelsDir: string;
  manifest?: ModelManifest;
  /** For a local folder (a manifest entry brings its own); default fp32. */
  dtype?: Dtype;
  /** Pairs per ONNX call; the budget is checked between calls (default 4). */
  batchSize?: number;
  /** Token limit per (query, passage) pair, capped by the model's own (default 512). */
  maxLength?: number;
  /** Unload the session after this long without a call (ms, default 5 minutes). */
  idleMs?: number;
  /**
   * 'worker' (default): the process's reranker thread, so searches stay responsive and the
   * budget's timer can fire mid-batch. 'main': this thread — for a process whose main thread
   * already loaded onnxruntime (a transformers.js embedder), since the addon loads in one thread
   * per process only; a batch then blocks the event loop, and the budget is checked between batches.
   */
  thread?: 'worker' | 'main';
}

interface Pending {
  resolve(r: RerankWorkerResponse): void;
  reject(e: unknown): void;
}

type Request = RerankWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * The one reranker thread of this process. One, and never ended: onnxruntime-node's addon
 * registers itself once per process, so a second thread (or a restarted one) that loads it fails
 * with "Module did not self-register". Idle models are unloaded inside it instead.
 */
let host: { worker: Worker; pending: Map<number, Pending>; nextId: number } | undefined;

function hostRequest(msg: Request): Promise<RerankWorkerResponse> {
  if (!host) {
    const worker = spawnModuleWorker(import.meta.url, 'rerank-worker');
    const h = { worker, pending: new Map<number, Pending>(), nextId: 1 };
    worker.on('message', (r: RerankWorkerResponse) => {
      const p = h.pending.get(r.id);
      h.pending.delete(r.id);
      if (h.pending.size === 0) worker.unref();
      p?.resolve(r);
    });
    const gone = (e: unknown): void => {
      if (host === h) host = undefined;
      const pending = [...h.pending.values()];
      h.pending.clear();
      for (const p of pending) p.reject(e);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the reranker worker exited with code ${code}`)));
    // An idle thread must not keep the process alive.
    worker.unref();
    host = h;
  }
  const h = host;
  const id = h.nextId++;
  return new Promise<RerankWorkerResponse>((resolve, reject) => {
    h.pending.set(id, { resolve: (r) => ('error' in r ? reject(new Error(r.error)) : resolve(r)), reject });
    h.worker.ref(); // busy: keep the process alive until the answer
    h.worker.postMessage({ ...msg, id } as RerankWorkerRequest);
  });
}

/** Where a model runs: the shared reranker thread, or this thread (see TransformersRerankerOptions.thread). */
interface Backend {
  load(): Promise<number>;
  score(query: string, passages: string[]): Promise<number[]>;
  unload(): Promise<void>;
}

function workerBackend(folder: string, dtype: string, maxLength: number): Backend {
  const key = `${folder}\0${dtype}\0${maxLength}`;
  return {
    async load() {
      const r = await hostRequest({ type: 'load', key, folder, dtype, maxLength });
      if (!('maxLength' in r)) throw new Error('the reranker worker answered out of turn');
      return r.maxLength;
    },
    async score(query, passages) {
      const r = await hostRequest({ type: 'score', key, query, passages });
      if (!('scores' in r)) throw new Error('the reranker worker answered out of turn');
      return r.scores;
    },
    async unload() {
      if (host) await hostRequest({ type: 'unload', key }).catch(() => undefined);
    },
  };
}

function mainThreadBackend(folder: string, dtype: string, maxLength: number): Backend {
  let session: Promise<RerankSession> | undefined;
  return {
    async load() {
      session ??= openRerankSession(folder, dtype, maxLength).catch((e: unknown) => {
        session = undefined;
        throw e;
      });
      return (await session).maxLength;
    },
    async score(query, passages) {
      if (!session) throw new Error('The reranker model is not loaded.');
      const scores = await (await session).score(query, passages);
      // The forward pass blocked this thread: give queued events a turn before the next batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return scores;
    },
    async unload() {
      const s = session;
      session = undefined;
      await (await s?.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * A cross-encoder run by `@huggingface/transformers` (ONNX): AutoTokenizer +
 * AutoModelForSequenceClassification over (query, passage) pairs, from local files only —
 * manifest models arrive through `quarry models pull` (resume, checksums), never through
 * transformers.js. Loads once on first use and unloads after `idleMs` without calls.
 *
 * The model runs in a worker thread: onnxruntime-node runs a forward pass synchronously on the
 * calling thread, and in-process a MiniLM-sized model stalled the event loop for seconds
 * (bench/rerank.ts), so no timer — the budget's included — could fire. Pairs go in small
 * batches in rank order: the budget is checked between batches, and the batches done when it
 * runs out are the best-ranked candidates. Calls are serialised: a query waiting behind
 * another spends its own budget, which is what a budget is for.
 *
 * @example
 * const r = await TransformersReranker.create({ model: 'ms-marco-minilm-l-6-v2', modelsDir });
 * const scores = await r.score('what causes scurvy?', passages);
 */
export class TransformersReranker implements Reranker {
  readonly id: string;
  private readonly backend: Backend;
  private session?: Promise<number>;
  private ready = false;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private idleTimer?: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly maxLength: number;
  private readonly idleMs: number;

  private constructor(
    private readonly folder: string,
    private readonly dtype: Dtype,
    id: string,
    opts: TransformersRerankerOptions,
  ) {
    this.id = id;
    this.batchSize = Math.max(1, opts.batchSize ?? 4);
    this.maxLength = Math.max(16, opts.maxLength ?? 512);
    this.idleMs = Math.max(1000, opts.idleMs ?? 300_000);
    this.backend = (opts.thread === 'main' ? mainThreadBackend : workerBackend)(folder, dtype, this.maxLength);
  }

  /**
   * Resolves the model and checks that its files are present; the session loads on first use.
   *
   * @throws QuarryError MODEL_MISSING (with a hint saying what to pull or where to put files) or
   * INVALID_INPUT (a manifest id that is not a transformers.js reranker).
   */
  static async create(opts: TransformersRerankerOptions): Promise<TransformersReranker> {
    const manifest = opts.manifest ?? loadManifest();
    const entry = manifest.models.find((m) => m.id === opts.model);
    if (entry) {
      if (entry.kind !== 'reranker' || entry.runtime !== 'transformers') {
        throw new QuarryError('INVALID_INPUT', `"${entry.id}" is a ${entry.kind} model, not a reranker.`, { hint: `Rerankers: ${rerankerIds(manifest)}.` });
      }
      return new TransformersReranker(requireInstalled(opts.modelsDir, entry), entry.dtype ?? 'fp32', entry.id, { ...opts, maxLength: Math.min(opts.maxLength ?? 512, entry.maxTokens ?? 512) });
    }
    if (!looksLikePath(opts.model)) {
      throw new QuarryError('MODEL_MISSING', `No reranker model called "${opts.model}" is known, and it is not a folder.`, {
        hint: `Use ${rerankerIds(manifest)} (then run \`quarry models pull <id>\`), or give the path of a model folder.`,
      });
    }
    const folder = path.resolve(opts.model);
    const dtype = opts.dtype ?? 'fp32';
    const missing = ['config.json', 'tokenizer.json', ONNX_FILE[dtype]].filter((f) => !existsSync(path.join(folder, f)));
    if (missing.length > 0) {
      throw new QuarryError('MODEL_MISSING', `The reranker folder ${folder} is missing ${missing.join(', ')}.`, {
        hint: `Put the files in ${folder} (config.json, tokenizer.json and ${ONNX_FILE[dtype]}), or choose another reranker in Settings.`,
      });
    }
    return new TransformersReranker(folder, dtype, path.basename(folder), opts);
  }

  get loaded(): boolean {
    return this.ready;
  }

  async load(): Promise<void> {
    await this.open();
  }

  async score(query: string, passages: string[], opts: RerankScoreOptions = {}): Promise<number[]> {
    if (passages.length === 0) return [];
    this.inFlight++;
    clearTimeout(this.idleTimer);
    const run = this.chain.then(() => this.run(query, passages, opts));
    this.chain = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      if (--this.inFlight === 0) this.armIdle();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.chain;
    await this.unload();
  }

  private async run(query: string, passages: string[], opts: RerankScoreOptions): Promise<number[]> {
    await this.open();
    const out: number[] = [];
    for (let i = 0; i < passages.length; i += this.batchSize) {
      if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'Reranking was cancelled.');
      if (opts.deadline !== undefined && performance.now() > opts.deadline) {
        throw new QuarryError('TIMEOUT', `Reranking ran past its time budget after ${i} of ${passages.length} passages.`);
      }
      out.push(...(await this.backend.score(query, passages.slice(i, i + this.batchSize))));
      opts.onProgress?.(out.slice());
    }
    return out;
  }

  private open(): Promise<number> {
    this.session ??= this.backend
      .load()
      .then((maxLength) => {
        this.ready = true;
        return maxLength;
      })
      .catch((e: unknown) => {
        this.session = undefined;
        throw new QuarryError('EMBEDDER_UNAVAILABLE', `The reranker in ${this.folder} could not be loaded: ${e instanceof Error ? e.message : String(e)}`, {
          hint: 'Pull the model again, or choose another reranker in Settings.',
          cause: e,
        });
      });
    return this.session;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.inFlight === 0) void this.unload();
    }, this.idleMs);
    // An idle model must not keep the process alive.
    this.idleTimer.unref();
  }

  /** Frees the model's memory; the next call loads it again. */
  private async unload(): Promise<void> {
    const loaded = this.session;
    this.session = undefined;
    this.ready = false;
    if (loaded) await this.backend.unload();
  }
}

function rerankerIds(manifest: ModelManifest): string {
  return manifest.models.filter((m) => m.kind === 'reranker').map((m) => m.id).join(', ') || '(none in the manifest)';
}

/**
 * The searcher's view of a configured reranker: the model is resolved on first use and again
 * after a failure (so a model pulled later starts working without a restart).
 */
export function rerankerSetup(
  settings: RerankSettings & { model: string },
  opts: { modelsDir: string; manifest?: ModelManifest; thread?: 'worker' | 'main' },
): RerankerSetup & { close(): Promise<void> } {
  let created: Promise<TransformersReranker> | undefined;
  return {
    model: settings.model,
    budgetMs: settings.budgetMs,
    topN: settings.topN,
    get() {
      created ??= TransformersReranker.create({
        model: settings.model,
        modelsDir: opts.modelsDir,
        manifest: opts.manifest,
        maxLength: settings.maxLength,
        idleMs: settings.idleMs,
        thread: opts.thread,
      });
      created.catch(() => (created = undefined));
      return created;
    },
    async close() {
      const r = await created?.catch(() => undefined);
      await r?.close();
    },
  };
}
