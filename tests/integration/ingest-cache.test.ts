import { rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSamples } from '../../main/demo/samples';
import { CachedEmbedder } from '../../main/embed/cache';
import { createEngine, type Engine } from '../../main/engine';
import { tempDir } from '../helpers/shared';

async function ingest(engine: Engine, paths: string[]) {
  const { jobIds } = await engine.handlers['library.ingest']({ paths, collection: 'default', tags: [] });
  await engine.queue.whenIdle();
  return engine.queue.list().filter((j) => jobIds.includes(j.jobId));
}

function totals(jobs: { embedding?: { texts: number; cacheHits: number } }[]) {
  return jobs.reduce((a, j) => ({ texts: a.texts + (j.embedding?.texts ?? 0), cacheHits: a.cacheHits + (j.embedding?.cacheHits ?? 0) }), { texts: 0, cacheHits: 0 });
}

// The hash embedder keeps this fast; the cache sits in front of every embedder alike.
describe('re-ingesting unchanged files costs no embedding', () => {
  it('skips unchanged and touched files, and answers re-indexed and rebuilt ones from the cache', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const samples = await writeSamples(path.join(dir, 'samples'));
      const lib = path.join(dir, 'lib');
      let engine = await createEngine({ dataDir: lib, embedder: { kind: 'hash' } });
      try {
        const first = await ingest(engine, samples);
        expect(first.every((j) => j.state === 'done')).toBe(true);
        const fresh = totals(first);
        expect(fresh.texts).toBeGreaterThan(10);
        expect(fresh.cacheHits).toBe(0);

        // Same files again: skipped by content hash, nothing embedded.
        const again = await ingest(engine, samples);
        expect(again.every((j) => j.state === 'done' && j.unchanged)).toBe(true);
        expect(totals(again).texts).toBe(0);

        // Touched (new mtime), content unchanged: still skipped.
        const later = new Date(Date.now() + 60_000);
        for (const f of samples) await utimes(f, later, later);
        const touched = await ingest(engine, samples);
        expect(touched.every((j) => j.unchanged)).toBe(true);

        // Re-indexed (the hash forgotten, every file read and chunked again): all cache hits.
        const reindexIds: string[] = [];
        for (const docId of [...engine.documents().keys()]) reindexIds.push(...(await engine.handlers['library.reindex']({ docId })).jobIds);
        await engine.queue.whenIdle();
        const reindexed = engine.queue.list().filter((j) => reindexIds.includes(j.jobId));
        expect(reindexed.every((j) => j.state === 'done' && !j.unchanged)).toBe(true);
        const hit = totals(reindexed);
        expect(hit.texts).toBe(fresh.texts);
        expect(hit.cacheHits / hit.texts).toBeGreaterThanOrEqual(0.99);
      } finally {
        await engine.close();
      }

      // The library rebuilt from the files (its tables deleted, the cache kept): all hits.
      await rm(path.join(lib, 'lancedb'), { recursive: true, force: true });
      await rm(path.join(lib, 'jobs.jsonl'), { force: true });
      engine = await createEngine({ dataDir: lib, embedder: { kind: 'hash' } });
      try {
        expect(engine.documents().size).toBe(0);
        const rebuilt = totals(await ingest(engine, samples));
        expect(rebuilt.texts).toBeGreaterThan(10);
        expect(rebuilt.cacheHits / rebuilt.texts).toBeGreaterThanOrEqual(0.99);
      } finally {
        await engine.close();
      }

      // The index rebuilt for another embedder and back again: the way back is all cache hits.
      const other = await createEngine({ dataDir: lib, embedder: { kind: 'hash', dimension: 64 } });
      await other.rebuilt();
      await other.close();
      engine = await createEngine({ dataDir: lib, embedder: { kind: 'hash' } });
      try {
        await engine.rebuilt();
        const status = await engine.handlers['library.status']({});
        expect(status.embedder.id).toBe('hash-256');
        const cached = await engine.embedder();
        expect(cached).toBeInstanceOf(CachedEmbedder);
        const s = (cached as CachedEmbedder).stats();
        expect(s.hits).toBe(status.chunks);
        expect(s.misses).toBe(0);
      } finally {
        await engine.close();
      }
    } finally {
      await cleanup();
    }
  });
});
