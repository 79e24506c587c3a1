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
  filter: string;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  /** Uploads in flight (browser build). */
  uploading: { done: number; total: number } | undefined;
  /**
   * Finished jobs the user has dealt with (their document removed, or a failure dismissed):
   * the journal keeps them for Activity, the table no longer shows them.
   */
  dismissed: ReadonlySet<string>;

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
    const guard = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        onError(errorInfo(e));
      }
    };
    const loadDocuments = async (): Promise<void> => {
      const { documents } = await client.call('library.documents', {});
      set({ documents });
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
      filter: '',
      sort: { key: 'addedAt', dir: 'desc' },
      uploading: undefined,
      dismissed: readDismissed(deps.storage),

      refresh: async () => {
        try {
          await Promise.all([loadDocuments(), loadJobs()]);
          set({ loaded: true, loadError: undefined });
        } catch (e) {
          set({ loaded: true, loadError: errorInfo(e) });
        }
      },
      refreshJobs: () => guard(loadJobs),
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
        let ok = false;
        await guard(async () => {
          await client.call('library.remove', { docId });
          ok = true;
          set((s) => ({ documents: s.documents.filter((d) => d.docId !== docId) }));
          // Its failed or finished jobs would otherwise reappear as rows of their own.
          get().dismiss(get().jobs.filter((j) => j.docId === docId && j.state !== 'queued' && j.state !== 'running').map((j) => j.jobId));
        });
        return ok;
      },
      restore: async (docId) => {
        let ok = false;
        await guard(async () => {
          await client.call('library.restore', { docId });
          ok = true;
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
      selectCollection: (collection) => set({ collection }),
      setFilter: (filter) => set({ filter }),
      sortBy: (key) =>
        set((s) => ({ sort: { key, dir: s.sort.key === key ? (s.sort.dir === 'asc' ? 'desc' : 'asc') : key === 'name' || key === 'format' ? 'asc' : 'desc' } })),
      connect: () => {
        const docsLater = coalesced(() => guard(loadDocuments));
        const jobsLater = coalesced(() => guard(loadJobs));
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
