import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbedderSettings } from '../config';
import type { Embedder } from '../embed/types';
import type { DocumentRecord, Store } from '../store/store';

/** Which embedder's index serves searches: kept beside the library so a restart knows. */
export interface IndexState {
  active: { id: string; settings: EmbedderSettings };
}

export async function loadIndexState(dataDir: string): Promise<IndexState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'index.json'), 'utf8')) as IndexState;
  } catch {
    return undefined;
  }
}

export async function saveIndexState(dataDir: string, state: IndexState): Promise<void> {
  const file = path.join(dataDir, 'index.json');
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}

export interface RebuildProgress {
  target: string;
  done: number;
  total: number;
  error?: string;
}

/**
 * Re-embeds every document's chunks with a new embedder into its own table while the old
 * index keeps serving, then switches searches over in one step. Documents ingested or changed
 * during the rebuild are caught by another pass; the switch happens only after a pass in which
 * every document was already current, checked under the store's write lock.
 */
export async function rebuildIndex(opts: {
  serving: Store;
  next: Store;
  embedder: Embedder;
  docs: () => ReadonlyMap<string, DocumentRecord>;
  signal: AbortSignal;
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}): Promise<void> {
  const built = new Map<string, string>(); // docId → contentHash in the new table
  const current = (): DocumentRecord[] => [...opts.docs().values()].filter((d) => d.status === 'ready');
  const pending = (): DocumentRecord[] => current().filter((d) => built.get(d.docId) !== d.contentHash);
  for (;;) {
    opts.signal.throwIfAborted();
    const todo = pending();
    const total = current().length;
    for (const doc of todo) {
      opts.signal.throwIfAborted();
      const rows = await opts.serving.chunksByDoc(doc.docId);
      const vectors: Float32Array[] = [];
      for (let i = 0; i < rows.length; i += opts.batchSize ?? 32) {
        vectors.push(...(await opts.embedder.embed(rows.slice(i, i + (opts.batchSize ?? 32)).map((r) => r.text), { kind: 'passage', signal: opts.signal })));
      }
      await opts.next.replaceChunkRows(doc.docId, rows, vectors);
      built.set(doc.docId, doc.contentHash);
      opts.onProgress?.({ target: opts.embedder.info.id, done: total - pending().length, total });
    }
    const live = new Set(opts.docs().keys());
    await opts.next.sweepOrphans(live);
    for (const id of [...built.keys()]) if (!live.has(id)) built.delete(id);
    if (pending().length === 0 && (await opts.serving.adopt(opts.next, () => pending().length === 0))) return;
  }
}
