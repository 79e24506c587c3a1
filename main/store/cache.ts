import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';

/**
 * LanceDB's caches, sized for a desktop app instead of a server.
 *
 * LanceDB keeps index data (FTS posting lists, vector partitions) and file metadata (manifests,
 * file footers) in two LRU caches per connection, 6 GB and 1 GB by default. Nothing is evicted
 * below those sizes, and a long ingest fills them with entries it never reads again: every
 * optimize writes new FTS segments under new names, every write a new manifest. Measured with
 * the hash embedder on 3,000 mixed files (`.scratch`-style run of `quarry ingest`, memory
 * sampled every 5 s): the caches held 326 MB (83k entries) after 1,500 files, the process
 * RSS grew ~0.5 MB per file while the JS heap stayed at ~150 MB, and the 10,000-file
 * benchmark peaked at 2.3–2.5 GB. With the metadata cache at 64 MB the same 3,000 files peaked
 * at 1,051–1,114 MB instead of 1,726 MB, and the index cache alone still reached ~200 MB of
 * stale segments — so both are bounded here.
 *
 * The index cache is sized from what the library's indexes take on disk (what a search can
 * touch), with headroom for the segments an optimize replaces, between a floor that holds a
 * 100k-chunk library whole (its indexes take ~150 MB) and a ceiling a laptop can spare.
 */
export const INDEX_CACHE_MIN = 256 * 2 ** 20;
export const INDEX_CACHE_MAX = 4 * 2 ** 30;
/** File metadata: manifests and footers of the live files; a compacted 1M-chunk library needs a few MB. */
export const METADATA_CACHE = 64 * 2 ** 20;
const INDEX_HEADROOM = 1.5;

/** Index cache bytes for a library whose index files take `indexBytesOnDisk`. */
export function indexCacheBytes(indexBytesOnDisk: number): number {
  return Math.round(Math.min(INDEX_CACHE_MAX, Math.max(INDEX_CACHE_MIN, indexBytesOnDisk * INDEX_HEADROOM)));
}

/** Total size of the files under `dir`, at any depth (0 when it does not exist). */
export async function treeBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  let total = 0;
  for (const e of entries) if (e.isFile()) total += await stat(path.join(e.parentPath, e.name)).then((s) => s.size, () => 0);
  return total;
}

/** Bytes of every table's `_indices` folder in a LanceDB database folder. */
export async function indexBytesOnDisk(lanceDir: string): Promise<number> {
  let tables;
  try {
    tables = await readdir(lanceDir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const t of tables) if (t.isDirectory() && t.name.endsWith('.lance')) total += await treeBytes(path.join(lanceDir, t.name, '_indices'));
  return total;
}

/** What {@link lanceSession} chose. */
export interface CacheSizes {
  indexBytes: number;
  metadataBytes: number;
}

/**
 * A LanceDB session with bounded caches for the database in `lanceDir`. Pass it as
 * `lancedb.connect(dir, { session })`: the three-argument form `connect(dir, {}, session)` is
 * accepted by the types but drops the session in @lancedb/lancedb 0.37.
 */
export async function lanceSession(lanceDir: string, override?: Partial<CacheSizes>): Promise<{ session: lancedb.Session; sizes: CacheSizes }> {
  const sizes: CacheSizes = {
    indexBytes: override?.indexBytes ?? indexCacheBytes(await indexBytesOnDisk(lanceDir)),
    metadataBytes: override?.metadataBytes ?? METADATA_CACHE,
  };
  return { session: new lancedb.Session(BigInt(sizes.indexBytes), BigInt(sizes.metadataBytes)), sizes };
}
