import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DocumentInfo, ErrorInfo, IngestProgress, JobInfo } from '../../../contract';
import { errorInfo, type PickedFile, type QuarryClient } from '../../api/client';
import { skippedMessage, skipUnsupportedInFolders } from './files';
import { foldProgress, syncWithJobs, type FileProgress } from './progress';
import type { SortKey } from './rows';

export interface LibraryState {
  documents: DocumentInfo[];
  jobs: JobInfo[];
  /** The queue's progress as a whole (files done of total, ETA). */
  queue: IngestProgress | undefined;
  /** Running jobs' progress, by job id. */
  files: Record<string, FileProgress>;
  loaded: boolean;
  loadError: ErrorInfo | undefined;
  /** Selected collection; null shows all. */
  collection: string | null;
  /**
   * Collection names the engine lists (`library.collections`): those documents are in and those
   * created empty. The sidebar adds the collections of files not yet read.
   */
  collectionNames: string[];
  filter: string;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  /** Uploads in flight (browser build). */
  uploading: { done: number; total: number } | undefined;
  /**
   * Finished jobs the user has dealt with (their document removed, or a failure dismissed):
   * the journal keeps them for Activity, the table no longer shows them.
   */
  dismissed: ReadonlySet<string>;
  /** Jobs taken off Activity's list (kept across reloads, per browser like `dismissed`). */
  cleared: ClearedJobs;

  refresh(): Promise<void>;
  refreshJobs(): Promise<void>;
  addFiles(files: PickedFile[]): Promise<void>;
  addPaths(paths: string[]): Promise<void>;
  /** Removes a document; false when the engine refused (the error is reported). */
  remove(docId: string): Promise<boolean>;
  /** Undoes a remove while the engine still holds the document (a few seconds); false if too late. */
  restore(docId: string): Promise<boolean>;
  reindex(docId: string, password?: string): Promise<void>;
  retry(jobId: string, password?: string): Promise<void>;
  /**
   * Reads a file again, with a password if given: a document in the library is re-indexed, a
   * file that never became one (it failed or was cancelled before) has its job retried.
   */
  runAgain(target: { docId?: string; jobId?: string }, password?: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  setTags(docId: string, tags: string[]): Promise<void>;
  dismiss(jobIds: string[]): void;
  /**
   * Takes finished jobs off Activity's list. A failed or cancelled one is dismissed as well: the
   * user has dealt with it, so it no longer counts as needing attention.
   */
  clearJobs(jobIds: string[]): void;
  /** Takes these finished jobs, and any that finished before them, off Activity's list ("Clear finished"). */
  clearFinished(finished: JobInfo[]): void;
  /** Creates an empty collection the engine keeps; false when it refused (the error is reported). */
  createCollection(name: string): Promise<boolean>;
  /** Deletes an empty created collection, showing all documents if it was selected. */
  deleteCollection(name: string): Promise<boolean>;
  /** Shows one collection (null: all). The filter is cleared: it was typed for the other one. */
  selectCollection(name: string | null): void;
  setFilter(text: string): void;
  sortBy(key: SortKey): void;
  /** Subscribes to engine events; returns the unsubscribe function. */
  connect(): () => void;
}

export type LibraryStore = StoreApi<LibraryState>;

export interface LibraryDeps {
  client: QuarryClient;
  onError: (info: ErrorInfo) => void;
  onInfo?: (text: string) => void;
  now?: () => number;
  /** Delay that coalesces bursts of change events into one refresh (ms). */
  coalesceMs?: number;
  /** Where dismissed job ids are kept across reloads. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

const DISMISSED_KEY = 'quarry.dismissedJobs';
/** Most dismissed ids kept: old ones matter less than a bounded storage entry. */
const MAX_DISMISSED = 2000;
const CLEARED_KEY = 'quarry.clearedJobs';

/**
 * What Activity no longer lists: jobs dismissed one by one, and every job that had finished
 * when "Clear finished" was pressed. The latter is a time (the newest such job's `updatedAt`,
 * the engine's clock, not this browser's), not a list of ids: a 10,000-file import leaves
 * 10,000 finished jobs, too many to keep by id, and a job that runs again is updated after it,
 * so it shows up again.
 */
export interface ClearedJobs {
  ids: ReadonlySet<string>;
  finishedThrough?: string;
}

function readCleared(storage: LibraryDeps['storage']): ClearedJobs {
  try {
    const raw = JSON.parse(storage?.getItem(CLEARED_KEY) ?? '{}') as { ids?: unknown; finishedThrough?: unknown };
    const ids = Array.isArray(raw.ids) ? raw.ids.filter((x): x is string => typeof x === 'string') : [];
    return { ids: new Set(ids), ...(typeof raw.finishedThrough === 'string' ? { finishedThrough: raw.finishedThrough } : {}) };
  } catch {
    return { ids: new Set() };
  }
}

function readDismissed(storage: LibraryDeps['storage']): Set<string> {
  try {
    const ids = JSON.parse(storage?.getItem(DISMISSED_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * The library: documents, the job queue and per-file progress. Events update progress at once;
 * "something changed" events are coalesced into one refresh, so a 10,000-file import does not
 * re-read the catalogue 20,000 times.
 */
export function createLibraryStore(deps: LibraryDeps): LibraryStore {
  const { client, onError } = deps;
  const now = deps.now ?? (() => Date.now());
  const coalesceMs = deps.coalesceMs ?? 250;

  /** Runs `fn` at most once per window and never twice at the same time. */
  function coalesced(fn: () => Promise<void>): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const run = async (): Promise<void> => {
      timer = undefined;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await fn();
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = (): void => {
      timer ??= setTimeout(() => void run(), coalesceMs);
    };
    return schedule;
  }

  const store = createStore<LibraryState>()((set, get) => {
    /** Runs fn, reporting a failure through onError; true when it succeeded. */
    const guard = async (fn: () => Promise<unknown>): Promise<boolean> => {
      try {
        await fn();
        return true;
      } catch (e) {
        onError(errorInfo(e));
        return false;
      }
    };
    const loadDocuments = async (): Promise<void> => {
      const { documents } = await client.call('library.documents', {});
      set({ documents });
    };
    // Not part of refresh's failure: a server from before collections were stored answers
    // NOT_FOUND, and the sidebar then lists the collections documents are in, as it did.
    const loadCollections = async (): Promise<void> => {
      try {
        const { collections } = await client.call('library.collections', {});
        set({ collectionNames: collections.map((c) => c.name) });
      } catch {
        // keep the names last read
      }
    };
    const saveCleared = (cleared: ClearedJobs): void => {
      set({ cleared });
      deps.storage?.setItem(CLEARED_KEY, JSON.stringify({ ids: [...cleared.ids], finishedThrough: cleared.finishedThrough }));
    };
    const loadJobs = async (): Promise<void> => {
      const { jobs, progress } = await client.call('jobs.list', {});
      // The listing carries each running job's real stage: a reloaded page starts from it
      // instead of showing every running file as just started.
      set((s) => ({ jobs, queue: progress, files: syncWithJobs(s.files, jobs, now()) }));
    };
    return {
      documents: [],
      jobs: [],
      queue: undefined,
      files: {},
      loaded: false,
      loadError: undefined,
      collection: null,
      collectionNames: [],
      filter: '',
      sort: { key: 'addedAt', dir: 'desc' },
      uploading: undefined,
      dismissed: readDismissed(deps.storage),
      cleared: readCleared(deps.storage),

      refresh: async () => {
        try {
          await Promise.all([loadDocuments(), loadJobs(), loadCollections()]);
          set({ loaded: true, loadError: undefined });
        } catch (e) {
          set({ loaded: true, loadError: errorInfo(e) });
        }
      },
      refreshJobs: async () => {
        await guard(loadJobs);
      },
      addFiles: async (picked) => {
        const { files, skipped } = skipUnsupportedInFolders(picked);
        if (skipped.length) deps.onInfo?.(skippedMessage(skipped));
        if (!files.length) return;
        set({ uploading: { done: 0, total: files.length } });
        await guard(async () => {
          const collection = get().collection ?? 'default';
          const { jobIds } = await client.addFiles(files, collection, (done, total) => set({ uploading: { done, total } }));
          deps.onInfo?.(`${jobIds.length} file${jobIds.length === 1 ? '' : 's'} added to ${collection}`);
        });
        set({ uploading: undefined });
        await get().refresh();
      },
      addPaths: async (paths) => {
        if (!paths.length) return;
        await guard(() => client.call('library.ingest', { paths, collection: get().collection ?? 'default' }));
        await get().refresh();
      },
      remove: async (docId) => {
        const ok = await guard(async () => {
          await client.call('library.remove', { docId });
          set((s) => ({ documents: s.documents.filter((d) => d.docId !== docId) }));
          // Its failed or finished jobs would otherwise reappear as rows of their own.
          get().dismiss(get().jobs.filter((j) => j.docId === docId && j.state !== 'queued' && j.state !== 'running').map((j) => j.jobId));
        });
        return ok;
      },
      restore: async (docId) => {
        const ok = await guard(async () => {
          await client.call('library.restore', { docId });
        });
        await get().refresh();
        return ok;
      },
      dismiss: (jobIds) => {
        if (!jobIds.length) return;
        const next = new Set([...get().dismissed, ...jobIds]);
        const kept = [...next].slice(-MAX_DISMISSED);
        set({ dismissed: new Set(kept) });
        deps.storage?.setItem(DISMISSED_KEY, JSON.stringify(kept));
      },
      clearJobs: (jobIds) => {
        if (!jobIds.length) return;
        const ids = new Set(jobIds);
        get().dismiss(get().jobs.filter((j) => ids.has(j.jobId) && (j.state === 'failed' || j.state === 'cancelled')).map((j) => j.jobId));
        const { cleared } = get();
        saveCleared({ ...cleared, ids: new Set([...new Set([...cleared.ids, ...jobIds])].slice(-MAX_DISMISSED)) });
      },
      clearFinished: (finished) => {
        let through = get().cleared.finishedThrough ?? '';
        for (const j of finished) if (j.updatedAt > through) through = j.updatedAt;
        if (!through) return;
        saveCleared({ ...get().cleared, finishedThrough: through });
      },
      createCollection: async (name) => {
        const ok = await guard(async () => {
          await client.call('library.createCollection', { name });
        });
        if (ok) await loadCollections();
        return ok;
      },
      deleteCollection: async (name) => {
        const ok = await guard(async () => {
          await client.call('library.deleteCollection', { name });
        });
        if (!ok) return false;
        await loadCollections();
        if (get().collection === name) get().selectCollection(null);
        return true;
      },
      reindex: async (docId, password) => {
        await guard(() => client.call('library.reindex', password ? { docId, password } : { docId }));
        await get().refresh();
      },
      runAgain: async ({ docId, jobId }, password) => {
        if (docId && get().documents.some((d) => d.docId === docId)) await get().reindex(docId, password);
        else if (jobId) await get().retry(jobId, password);
      },
      retry: async (jobId, password) => {
        await guard(() => client.call('jobs.retry', password ? { jobId, password } : { jobId }));
        await get().refreshJobs();
      },
      cancel: async (jobId) => {
        await guard(() => client.call('jobs.cancel', { jobId }));
        // Documents too: a new file's cancelled document leaves the list, and its row turns
        // Cancelled at once rather than after the next change event.
        await get().refresh();
      },
      setTags: async (docId, tags) => {
        const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
        await guard(async () => {
          await client.call('library.setTags', { docId, tags: clean });
          set((s) => ({ documents: s.documents.map((d) => (d.docId === docId ? { ...d, tags: clean } : d)) }));
        });
      },
      selectCollection: (collection) => set((s) => (s.collection === collection ? {} : { collection, filter: '' })),
      setFilter: (filter) => set({ filter }),
      sortBy: (key) =>
        set((s) => ({ sort: { key, dir: s.sort.key === key ? (s.sort.dir === 'asc' ? 'desc' : 'asc') : key === 'name' || key === 'format' ? 'asc' : 'desc' } })),
      connect: () => {
        // A collection created or deleted in another window comes as a change too.
        const docsLater = coalesced(async () => {
          await guard(() => Promise.all([loadDocuments(), loadCollections()]));
        });
        const jobsLater = coalesced(async () => {
          await guard(loadJobs);
        });
        const offs = [
          client.on('ingest.progress', (p) => {
            set((s) => {
              const files = foldProgress(s.files, p, now());
              const queue = { ...p, jobId: undefined, path: undefined, file: undefined };
              return files === s.files ? { queue } : { files, queue };
            });
            // A job that changes state changes the job list: read it again (coalesced).
            if (p.stage !== 'parse' && p.stage !== 'embed' && p.stage !== 'chunk') jobsLater();
          }),
          client.on('library.changed', () => docsLater()),
          // After a reconnect (server restart, network blip), missed events are made up for by
          // reading the state again.
          client.onConnection((state) => {
            if (state === 'open' && get().loaded) void get().refresh();
          }),
        ];
        return () => offs.forEach((off) => off());
      },
    };
  });
  return store;
}
