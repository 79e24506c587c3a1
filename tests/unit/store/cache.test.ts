import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_CACHE_MAX, INDEX_CACHE_MIN, indexBytesOnDisk, indexCacheBytes, lanceSession, METADATA_CACHE } from '../../../main/store/cache';
import { tempDir } from '../../helpers/shared';

describe('LanceDB cache sizes', () => {
  it('sizes the index cache from the indexes on disk, between a floor and a ceiling', () => {
    expect(indexCacheBytes(0)).toBe(INDEX_CACHE_MIN);
    expect(indexCacheBytes(150 * 2 ** 20)).toBe(INDEX_CACHE_MIN);
    expect(indexCacheBytes(1 * 2 ** 30)).toBe(1.5 * 2 ** 30);
    expect(indexCacheBytes(100 * 2 ** 30)).toBe(INDEX_CACHE_MAX);
    // Far below LanceDB's own defaults (6 GB index, 1 GB metadata).
    expect(INDEX_CACHE_MAX).toBeLessThan(6 * 2 ** 30);
    expect(METADATA_CACHE).toBeLessThan(2 ** 30);
  });

  it('counts only the _indices folders of the tables', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      expect(await indexBytesOnDisk(path.join(dir, 'missing'))).toBe(0);
      await mkdir(path.join(dir, 'chunks.lance', '_indices', 'a1'), { recursive: true });
      await mkdir(path.join(dir, 'chunks.lance', 'data'), { recursive: true });
      await mkdir(path.join(dir, 'docs.lance', '_indices'), { recursive: true });
      await writeFile(path.join(dir, 'chunks.lance', '_indices', 'a1', 'part.idx'), Buffer.alloc(3000));
      await writeFile(path.join(dir, 'chunks.lance', '_indices', 'a1', 'meta.lance'), Buffer.alloc(500));
      await writeFile(path.join(dir, 'docs.lance', '_indices', 'b.idx'), Buffer.alloc(200));
      await writeFile(path.join(dir, 'chunks.lance', 'data', 'rows.lance'), Buffer.alloc(10_000)); // data, not index
      await writeFile(path.join(dir, 'stray.idx'), Buffer.alloc(10_000)); // outside any table
      expect(await indexBytesOnDisk(dir)).toBe(3700);
    } finally {
      await cleanup();
    }
  });

  it('opens a session with the chosen sizes, overrides first', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const { session, sizes } = await lanceSession(dir, { metadataBytes: 8 * 2 ** 20 });
      expect(sizes).toEqual({ indexBytes: INDEX_CACHE_MIN, metadataBytes: 8 * 2 ** 20 });
      expect(session.approxNumItems()).toBe(0); // an empty session: nothing cached yet
    } finally {
      await cleanup();
    }
  });
});
