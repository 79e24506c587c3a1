import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  CalibrateRequest,
  IngestRequest,
  SearchQuery,
  type ApiHandlers,
  type EventName,
  type CalibrationInfo,
  type EventPayload,
  type FusionConfig,
  type LibraryStatus,
} from '../contract';
import { Answerer } from './answer/answerer';
import { ChatStore } from './answer/chats';
import { CollectionRegistry, countCollections } from './collections';
import { loadAnswerConfig } from './answer/engine-deps';
import { loadSettings, RerankSettings, type EmbedderSettings, type Settings } from './config';
import { createEmbedder } from './embed';
import type { Embedder } from './embed/types';
import { JobJournal, type JobRecord } from './jobs/journal';
import { IngestQueue } from './jobs/queue';
import { loadIndexState, rebuildIndex, saveIndexState, type RebuildProgress } from './jobs/rebuild';
import { expandPaths } from './library';
import type { CalibrateOptions } from './search/calibrate';
import { CalibrationManager } from './search/calibration';
import { defaultFusion } from './search/fusion';
import { rerankerSetup } from './search/rerank-model';
import type { RerankerSetup } from './search/rerank';
import { Searcher } from './search/searcher';
import { DataDirLock } from './store/lock';
import type { MigrationProgress } from './store/migrate';
import { Store, type DocumentRecord } from './store/store';
import { QuarryError } from './util/errors';
import { joinOverlapping } from './util/text';

export interface EngineOptions {
  dataDir: string;
  /** Overrides the embedder in settings.json. */
  embedder?: EmbedderSettings;
  /** Readers (search, docs, status) take no lock and change nothing on disk. */
  readOnly?: boolean;
  /** How long a writer waits for another process's lock before failing (ms). */
  lockWaitMs?: number;
  concurrency?: number;
  vectorIndexThreshold?: number;
  /** Run queued jobs left by an earlier process (default true for writers). */
  resume?: boolean;
  /** Overrides the reranker settings in settings.json (`quarry search --reranker`). */
  rerank?: Partial<RerankSettings>;
  /** Progress of a schema migration on open (a library written by an earlier version; writers only). */
  onMigration?: (p: MigrationProgress) => void;
  /**
   * Where embeddings are cached (default `<dataDir>/embed-cache`). Evaluation points it at a
   * folder that outlives its throwaway index, so a rebuilt index re-embeds only changed text.
   */
  embedCacheDir?: string;
  /** How long a removed document can be restored (`library.restore`) before it is deleted (ms). */
  removeUndoMs?: number;
}

/**
 * A removed document leaves the library (lists, search, status) at once, and its rows are
 * deleted this long after, so the app's "Undo" can bring it back. Closing the engine deletes
 * what is pending; a crash before that leaves the document in the library, where the user
 * finds it again rather than losing it.
 */
export const REMOVE_UNDO_MS = 15_000;

/**
 * New chunks after which a long ingest optimizes as it goes (see the queue listener below).
 * Until then they are searched unindexed, in every query. bench/search-during-ingest, search
 * p50/p95 while ingesting, on a quiet 2-core machine:
 * - hash embedder, 300 files, 1,281 chunks: an optimize every 250 files 118/228 ms (379
 *   files/min); every 50 files 32/58 ms (566 files/min); every 100 chunks 31/57 ms (610).
 * - USE, 150 files, 656 chunks: every 250 files 130/256 ms; every 200 chunks 64/114 ms; every
 *   100 chunks 53/91 and 56/97 ms (two runs), the ingest 199-221 files/min against 155-188.
 */
const OPTIMIZE_AFTER_CHUNKS = 100;
/**
 * ...but an optimize costs more as the library grows (~3 s at 100k chunks for 200 new ones), so
 * the next one waits at least this many times as long as the last one took: optimizing takes at
 * most a third of a long ingest.
 */
const OPTIMIZE_SPACING = 2;
/** Upkeep (indexes, optimize) runs once the queue has been idle this long. */
const UPKEEP_DELAY_MS = 3000;
/** Progress stages after which a job no longer runs. */
const SETTLED_STAGES: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled', 'unchanged']);

type Listener<E extends EventName> = (p: EventPayload<E>) => void;

/**
 * The engine: ingestion, storage, search — one object that the CLI, the HTTP server and the
 * Electron main process all drive through `handlers` (the contract).
 */
export interface Engine {
  readonly dataDir: string;
  readonly handlers: ApiHandlers;
  readonly store: Store;
  readonly searcher: Searcher;
  readonly queue: IngestQueue;
  on<E extends EventName>(event: E, fn: Listener<E>): () => void;
  filePath(docId: string): Promise<string>;
  documents(): ReadonlyMap<string, DocumentRecord>;
  embedder(): Promise<Embedder>;
  /**
   * The fusion searches use: settings.json's override for the serving embedder, else this
   * library's calibration for it (calibration.json), else the embedder's default.
   */
  fusion(): FusionConfig;
  /** Calibrates fusion on this library and stores it with the index (see main/search/calibration.ts). */
  calibrate(req?: CalibrateRequest, opts?: Pick<CalibrateOptions, 'signal' | 'onProgress'>): Promise<CalibrationInfo>;
  /** The answerer (created on first use): extractive, local and remote providers over this library. */
  answerer(): Promise<Answerer>;
  /** Resolves when a running embedder-change rebuild has finished (at once when none runs). */
  rebuilt(): Promise<void>;
  /**
   * Loads the configured reranker now instead of on the first search (a one-shot CLI search
   * would otherwise spend its budget loading). Resolves false when none is set or it cannot
   * load; searches then report why in `rerank.reason`.
   */
  prepareReranker(): Promise<boolean>;
  /**
   * Replaces the reranker settings of this running engine (the next search uses them; the old
   * model is released). `opts.rerank` overrides given at creation still win.
   */
  setRerank(settings: Partial<RerankSettings>): Promise<void>;
  /**
   * Builds missing indexes (FTS, scalar, vector past its threshold) and, with `optimize`,
   * compacts the tables and folds new rows into the indexes.
   */
  maintain(opts?: { optimize?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const lock = opts.readOnly ? undefined : await DataDirLock.acquire(dataDir, { waitMs: opts.lockWaitMs ?? 0 });
  try {
    const settings: Settings = await loadSettings(dataDir);
    const embedderSettings = opts.embedder ?? settings.embedder;
    const makeEmbedder = (s: EmbedderSettings): Promise<Embedder> => createEmbedder(s, { dataDir, cacheDir: opts.embedCacheDir ?? path.join(dataDir, 'embed-cache') });
    const configured = await makeEmbedder(embedderSettings);
    // The index keeps serving with the embedder it was built with until a rebuild for a newly
    // chosen one completes (index.json says which one serves).
    const indexState = await loadIndexState(dataDir);
    let serving = configured;
    if (indexState && indexState.active.id !== configured.info.id) serving = await makeEmbedder(indexState.active.settings);
    const lancedir = path.join(dataDir, 'lancedb');
    const store = await Store.open(lancedir, { embedderId: serving.info.id, dimension: serving.info.dimension, vectorIndexThreshold: opts.vectorIndexThreshold, readOnly: opts.readOnly, onMigration: opts.onMigration });
    if (!indexState && !opts.readOnly) await saveIndexState(dataDir, { active: { id: configured.info.id, settings: embedderSettings } });
    const catalog = new Map((await store.loadDocuments()).map((d) => [d.docId, d]));
    /** Removed documents awaiting deletion (REMOVE_UNDO_MS), restorable until then. */
    const pendingRemovals = new Map<string, { record: DocumentRecord; timer: NodeJS.Timeout }>();
    const listeners = new Map<EventName, Set<(p: unknown) => void>>();
    const emit = <E extends EventName>(e: E, p: EventPayload<E>): void => {
      for (const fn of listeners.get(e) ?? []) fn(p);
    };
    const embedder = async (): Promise<Embedder> => serving;
    // `calibration` is created just below, once the searcher it drives exists; nothing calls fusion() before then.
    const fusion = (): FusionConfig => settings.fusion[serving.info.id] ?? calibration.fusionFor(serving.info.id) ?? defaultFusion(serving.info.id);

    // New documents being processed are listed before their row is written (see showDoc).
    const unsaved = new Set<string>();
    const putDoc = async (doc: DocumentRecord, o?: { fresh?: boolean }): Promise<void> => {
      await store.upsertDocument(doc, o);
      catalog.set(doc.docId, doc);
      unsaved.delete(doc.docId);
      emit('library.changed', { docIds: [doc.docId] });
    };
    const showDoc = (doc: DocumentRecord, o?: { quiet?: boolean }): void => {
      catalog.set(doc.docId, doc);
      unsaved.add(doc.docId);
      if (!o?.quiet) emit('library.changed', { docIds: [doc.docId] });
    };
    const makeRerank = (s: RerankSettings): (RerankerSetup & { close(): Promise<void> }) | undefined =>
      s.model
        ? rerankerSetup(
            { ...s, model: s.model },
            // onnxruntime's addon loads in one thread per process: next to a transformers.js
            // embedder (main thread) the reranker must run there too.
            { modelsDir: path.join(dataDir, 'models'), thread: [configured, serving].some((e) => e.info.kind === 'transformers') ? 'main' : 'worker' },
          )
        : undefined;
    let rerank = makeRerank({ ...settings.rerank, ...opts.rerank });
    const searcher = new Searcher({ store, embedder, docs: () => catalog, fusion, reranker: () => rerank });
    const calibration = await CalibrationManager.create({
      dataDir,
      deps: { searcher, chunksByDoc: (id) => store.chunksByDoc(id), docs: () => catalog, embedder },
      countChunks: () => store.countChunks(),
      embedderId: () => serving.info.id,
      onProgress: (p) => emit('calibration.progress', p),
      readOnly: Boolean(opts.readOnly),
    });
    const journal = await JobJournal.open(dataDir, { readOnly: opts.readOnly });
    const created = await CollectionRegistry.open(dataDir);
    const queue = new IngestQueue(
      journal,
      {
        store,
        embedder,
        // A file added again while its removal is pending: its rows are still in the store, so the
        // job replaces them (never appends beside them) and the pending deletion is called off.
        getDoc: (id) => {
          const pending = catalog.has(id) ? undefined : pendingRemovals.get(id);
          if (!pending) return catalog.get(id);
          clearTimeout(pending.timer);
          pendingRemovals.delete(id);
          return { ...pending.record, tags: [] };
        },
        putDoc,
        showDoc,
        embedBatchSize: settings.ingest.embedBatchSize,
        onDone: () => undefined,
        onFailed: async (job: JobRecord, docId: string) => {
          const doc = catalog.get(docId);
          // A document that was searchable keeps serving its old chunks; only new ones fail.
          if (doc && doc.status !== 'ready') await putDoc({ ...doc, status: 'failed', error: job.error });
        },
        // A new document whose ingest was cancelled leaves the list: it never had a row, and
        // whatever of it was written is swept at the next start.
        onCancelled: (_job: JobRecord, docId: string) => {
          if (!unsaved.delete(docId)) return;
          catalog.delete(docId);
          emit('library.changed', { docIds: [docId] });
        },
      },
      { concurrency: opts.concurrency ?? settings.ingest.concurrency, maxAttempts: 3, retryBaseMs: 1000 },
    );
    queue.on((p) => emit('ingest.progress', p));

    let maintaining: Promise<void> | undefined;
    const maintain = async (m: { optimize?: boolean } = {}): Promise<void> => {
      while (maintaining) await maintaining.catch(() => undefined);
      maintaining = (async () => {
        await store.ensureIndexes();
        if (m.optimize && store.needsOptimize) await store.optimize();
      })().finally(() => (maintaining = undefined));
      return maintaining;
    };
    let idleTimer: NodeJS.Timeout | undefined;
    let upkeepStopped = false;
    let recalibrateTimer: NodeJS.Timeout | undefined;
    if (!opts.readOnly) {
      // Chunks whose document row is gone (a removal cut short) are deleted.
      await store.sweepOrphans(new Set(catalog.keys()));
      // Background upkeep once the queue has been idle a moment. whenIdle, not `queue.idle`
      // inside the listener: a job's last event is emitted while it still counts as running,
      // so that check never saw the queue idle and the optimize after an ingest never ran.
      let awaitingUpkeep = false;
      queue.on((p) => {
        if (!SETTLED_STAGES.has(p.stage)) {
          clearTimeout(idleTimer); // work started again: upkeep waits for the next lull
          return;
        }
        if (awaitingUpkeep) return;
        awaitingUpkeep = true;
        void queue.whenIdle().then(() => {
          awaitingUpkeep = false;
          clearTimeout(idleTimer);
          if (!upkeepStopped) idleTimer = setTimeout(() => void maintain({ optimize: true }).catch(() => undefined), UPKEEP_DELAY_MS).unref();
        });
      });
      // A bulk ingest optimizes as it goes: each file adds table versions and rows that every
      // search reads unindexed, and leaving a whole large folder's worth to the end makes that
      // one optimize slow and memory-hungry.
      let nextOptimizeAt = 0;
      queue.on((p) => {
        if (p.stage !== 'done' || maintaining || store.unindexedChunks < OPTIMIZE_AFTER_CHUNKS || performance.now() < nextOptimizeAt) return;
        const started = performance.now();
        void maintain({ optimize: true })
          .catch(() => undefined)
          .finally(() => (nextOptimizeAt = performance.now() + OPTIMIZE_SPACING * (performance.now() - started)));
      });
      // A calibrated library whose size moved past the threshold is re-calibrated once ingestion
      // settles. whenIdle, not `queue.idle` inside the listener: a job's last event is emitted
      // while it still counts as running.
      let awaitingIdle = false;
      queue.on((p) => {
        if (awaitingIdle || !SETTLED_STAGES.has(p.stage)) return;
        awaitingIdle = true;
        void queue.whenIdle().then(() => {
          awaitingIdle = false;
          clearTimeout(recalibrateTimer);
          recalibrateTimer = setTimeout(() => void calibration.maybeRecalibrate(), 3000).unref();
        });
      });
      if (opts.resume !== false) queue.resume();
    }

    let rebuild: RebuildProgress | undefined;
    const rebuildAbort = new AbortController();
    let rebuilding: Promise<void> | undefined;
    if (!opts.readOnly && serving !== configured) {
      const previous = serving;
      rebuild = { target: configured.info.id, done: 0, total: catalog.size };
      rebuilding = (async () => {
        const next = await Store.open(lancedir, { embedderId: configured.info.id, dimension: configured.info.dimension, vectorIndexThreshold: opts.vectorIndexThreshold, onMigration: opts.onMigration });
        try {
          await rebuildIndex({
            serving: store,
            next,
            embedder: configured,
            docs: () => catalog,
            signal: rebuildAbort.signal,
            onProgress: (p) => {
              rebuild = p;
              emit('library.changed', { docIds: [] });
            },
          });
          serving = configured;
          await saveIndexState(dataDir, { active: { id: configured.info.id, settings: embedderSettings } });
          await store.dropChunkTable(previous.info.id);
          await previous.close();
          rebuild = undefined;
          emit('library.changed', { docIds: [] });
          void calibration.maybeRecalibrate();
        } finally {
          next.release();
        }
      })().catch((e: unknown) => {
        if (rebuild && !rebuildAbort.signal.aborted) rebuild = { ...rebuild, error: (e as Error).message };
      });
    }

    const requireDoc = (docId: string): DocumentRecord => {
      const d = catalog.get(docId);
      if (!d) throw new QuarryError('NOT_FOUND', `No document ${docId} in the library.`);
      return d;
    };
    const purgeRemoved = async (docId: string): Promise<void> => {
      const pending = pendingRemovals.get(docId);
      if (!pending) return;
      clearTimeout(pending.timer);
      pendingRemovals.delete(docId);
      // Added again meanwhile (the same file, ingested anew): its rows are the new document's.
      if (catalog.has(docId)) return;
      await store.deleteDocument(docId);
    };
    const writable = (): void => {
      if (opts.readOnly) throw new QuarryError('INVALID_INPUT', 'This engine was opened read-only.');
    };

    const handlers: ApiHandlers = {
      'library.ingest': async (input) => {
        writable();
        const req = IngestRequest.parse(input);
        const files = await expandPaths(req.paths);
        const jobIds = await queue.enqueue(files, { collection: req.collection, tags: req.tags, password: req.password });
        return { jobIds };
      },
      'library.documents': async ({ collection }) => ({
        documents: [...catalog.values()].filter((d) => !collection || d.collection === collection).map(({ mtimeMs: _m, ...d }) => d),
      }),
      'library.remove': async ({ docId }) => {
        writable();
        const record = requireDoc(docId);
        catalog.delete(docId);
        // An earlier removal of this id whose document was added again since: this one replaces it.
        clearTimeout(pendingRemovals.get(docId)?.timer);
        // A deletion that fails (disk full, store closing) leaves the rows: the document is back
        // on the next start, where it can be removed again; nothing half-deleted is shown.
        const timer = setTimeout(() => void purgeRemoved(docId).catch(() => undefined), opts.removeUndoMs ?? REMOVE_UNDO_MS);
        pendingRemovals.set(docId, { record, timer });
        emit('library.changed', { docIds: [docId] });
        return { ok: true as const };
      },
      'library.restore': async ({ docId }) => {
        writable();
        const pending = pendingRemovals.get(docId);
        if (!pending) throw new QuarryError('NOT_FOUND', `${docId} cannot be restored: it was not removed, or its removal is final.`, { hint: 'Add the file again.' });
        clearTimeout(pending.timer);
        pendingRemovals.delete(docId);
        if (!catalog.has(docId)) catalog.set(docId, pending.record);
        emit('library.changed', { docIds: [docId] });
        return { ok: true as const };
      },
      'library.setTags': async ({ docId, tags }) => {
        writable();
        await putDoc({ ...requireDoc(docId), tags: [...new Set(tags)] });
        return { ok: true as const };
      },
      'library.collections': async () => ({ collections: countCollections(created.list(), catalog.values()) }),
      'library.createCollection': async ({ name }) => {
        writable();
        // An empty event: every client re-reads its lists, as after a document change.
        if (await created.add(name)) emit('library.changed', { docIds: [] });
        return { ok: true as const };
      },
      'library.deleteCollection': async ({ name }) => {
        writable();
        const inUse = [...catalog.values()].some((d) => d.collection === name) || queue.list().some((j) => j.collection === name && (j.state === 'queued' || j.state === 'running'));
        if (inUse) throw new QuarryError('INVALID_INPUT', `${name} is not empty.`, { hint: 'Remove its documents (or let its files finish indexing) first.' });
        if (!(await created.delete(name))) throw new QuarryError('NOT_FOUND', `No collection ${name}.`);
        emit('library.changed', { docIds: [] });
        return { ok: true as const };
      },
      'library.reindex': async ({ docId, password }) => {
        writable();
        const d = requireDoc(docId);
        // Forget the hash so the file is read again even if unchanged.
        catalog.set(docId, { ...d, contentHash: '' });
        const jobIds = await queue.enqueue([d.path], { collection: d.collection, tags: d.tags, password });
        return { jobIds };
      },
      'library.status': async () => status(),
      'library.page': async ({ docId, page }) => {
        const d = requireDoc(docId);
        if (page > Math.max(1, d.pages)) throw new QuarryError('NOT_FOUND', `${d.name} has ${d.pages} page(s); there is no page ${page}.`);
        return { docId, page, pages: d.pages, text: (await store.getPage(docId, page)) ?? '', format: d.format };
      },
      'jobs.list': async () => ({ jobs: queue.list(), progress: queue.progress() }),
      'jobs.cancel': async ({ jobId }) => {
        await queue.cancel(jobId);
        return { ok: true as const };
      },
      'jobs.retry': async ({ jobId, password }) => {
        writable();
        await queue.retry(jobId, password);
        return { ok: true as const };
      },
      'library.calibrate': async (input) => calibration.run(CalibrateRequest.parse(input)),
      'search.query': async (input) => searcher.search(SearchQuery.parse(input)),
    };

    async function status(): Promise<LibraryStatus> {
      const failures = [...catalog.values()]
        .filter((d) => d.status === 'failed' && d.error)
        .map((d) => ({ path: d.path, code: d.error!.code, message: d.error!.message, hint: d.error!.hint }));
      return {
        dataDir,
        documents: catalog.size,
        chunks: await store.countChunks(),
        collections: countCollections(created.list(), catalog.values()),
        embedder: serving.info,
        fusion: fusion(),
        ...(await calibrationStatus()),
        ...(rebuild ? { rebuild } : {}),
        answer: await answerStatus(),
        jobs: queue.counts(),
        failures,
        indexes: store.indexState,
      };
    }

    async function calibrationStatus(): Promise<Pick<LibraryStatus, 'calibration' | 'calibrating'>> {
      const c = await calibration.status(settings.fusion[serving.info.id] !== undefined);
      const running = calibration.current;
      return { ...(c ? { calibration: c } : {}), ...(running ? { calibrating: running } : {}) };
    }

    let answerer: Promise<Answerer> | undefined;
    const getAnswerer = (): Promise<Answerer> =>
      (answerer ??= (async () => {
        const chats = opts.readOnly ? undefined : await ChatStore.create(path.join(dataDir, 'chats'));
        return new Answerer(
          await loadAnswerConfig(dataDir),
          {
            search: (q) => searcher.search(SearchQuery.parse(q)),
            expandSection: async (sectionId) => {
              const rows = await store.chunksBySection(sectionId);
              return rows.length ? joinOverlapping(rows.map((r) => r.text)) : undefined;
            },
            embedder: serving,
          },
          { chats, modelsDir: path.join(dataDir, 'models') },
        );
      })());

    async function answerStatus(): Promise<LibraryStatus['answer']> {
      try {
        const a = (await getAnswerer()).status();
        return {
          chain: a.chain,
          sendsData: a.sendsData,
          providers: a.providers.map((p) => ({ provider: p.provider, model: p.model, state: p.state, failures: p.failures, retryAt: p.retryAt, lastError: p.lastError })),
        };
      } catch {
        return undefined; // invalid answer settings: reported when answering
      }
    }

    let closed = false;
    return {
      dataDir,
      handlers,
      store,
      searcher,
      queue,
      on(event, fn) {
        const set = listeners.get(event) ?? new Set();
        set.add(fn as (p: unknown) => void);
        listeners.set(event, set);
        return () => set.delete(fn as (p: unknown) => void);
      },
      filePath: async (docId) => requireDoc(docId).path,
      documents: () => catalog,
      embedder,
      fusion,
      calibrate: (req, o) => calibration.run(CalibrateRequest.parse(req ?? {}), o),
      maintain,
      answerer: getAnswerer,
      rebuilt: async () => void (await rebuilding),
      async setRerank(next) {
        const previous = rerank;
        rerank = makeRerank(RerankSettings.parse({ ...next, ...opts.rerank }));
        await previous?.close();
      },
      prepareReranker: async () => {
        if (!rerank) return false;
        try {
          await (await rerank.get()).load();
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        upkeepStopped = true;
        clearTimeout(idleTimer);
        clearTimeout(recalibrateTimer);
        rebuildAbort.abort();
        await calibration.close();
        await rebuilding;
        await queue.close();
        for (const docId of [...pendingRemovals.keys()]) await purgeRemoved(docId).catch(() => undefined);
        if (answerer) await (await answerer).close();
        await rerank?.close();
        await maintaining?.catch(() => undefined);
        await serving.close();
        if (configured !== serving) await configured.close();
        store.close();
        await lock?.release();
      },
    };
  } catch (e) {
    await lock?.release();
    throw e;
  }
}
