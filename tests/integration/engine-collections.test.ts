import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../contract';
import { createEngine } from '../../main/engine';
import { tempDir } from '../helpers/shared';

/** The hash embedder keeps this fast; what is under test is the engine's collection list. */
const EMBEDDER = { kind: 'hash' as const };

describe('engine: created collections', () => {
  it('keeps an empty collection listed across a restart, refuses to delete it while it holds documents, and deletes it once empty', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const dataDir = path.join(dir, 'lib');
      const note = path.join(dir, 'q3-note.md');
      await writeFile(note, '# Q3\n\nRevenue rose in the third quarter.\n');

      let engine = await createEngine({ dataDir, embedder: EMBEDDER });
      const changes: EventPayload<'library.changed'>[] = [];
      engine.on('library.changed', (p) => changes.push(p));
      await engine.handlers['library.createCollection']({ name: 'Finance Q3' });
      // Creating it again is not an error and announces nothing new.
      await engine.handlers['library.createCollection']({ name: 'Finance Q3' });
      expect(changes).toEqual([{ docIds: [] }]);
      expect((await engine.handlers['library.collections']({})).collections).toEqual([{ name: 'Finance Q3', documents: 0 }]);
      await engine.close();

      // The next process (a reload, a restart) lists it as well, in the status too.
      engine = await createEngine({ dataDir, embedder: EMBEDDER });
      expect((await engine.handlers['library.collections']({})).collections).toEqual([{ name: 'Finance Q3', documents: 0 }]);
      expect((await engine.handlers['library.status']({})).collections).toEqual([{ name: 'Finance Q3', documents: 0 }]);

      // With a document in it, it is counted and cannot be deleted.
      const { jobIds } = await engine.handlers['library.ingest']({ paths: [note], collection: 'Finance Q3', tags: [] });
      await engine.queue.whenIdle();
      expect(engine.queue.list().find((j) => j.jobId === jobIds[0])?.state).toBe('done');
      expect((await engine.handlers['library.collections']({})).collections).toEqual([{ name: 'Finance Q3', documents: 1 }]);
      await expect(engine.handlers['library.deleteCollection']({ name: 'Finance Q3' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

      // Emptied, it stays listed (it was created, not only implied by a document) until deleted.
      const docId = engine.queue.list()[0]!.docId!;
      await engine.handlers['library.remove']({ docId });
      expect((await engine.handlers['library.collections']({})).collections).toEqual([{ name: 'Finance Q3', documents: 0 }]);
      await engine.handlers['library.deleteCollection']({ name: 'Finance Q3' });
      expect((await engine.handlers['library.collections']({})).collections).toEqual([]);
      await expect(engine.handlers['library.deleteCollection']({ name: 'Finance Q3' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await engine.close();

      engine = await createEngine({ dataDir, embedder: EMBEDDER });
      expect((await engine.handlers['library.collections']({})).collections).toEqual([]);
      await engine.close();
    } finally {
      await cleanup();
    }
  });

  it('lets a read-only engine list created collections but not create them', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const dataDir = path.join(dir, 'lib');
      const writer = await createEngine({ dataDir, embedder: EMBEDDER });
      await writer.handlers['library.createCollection']({ name: 'Legal' });
      await writer.close();
      const reader = await createEngine({ dataDir, embedder: EMBEDDER, readOnly: true });
      try {
        expect((await reader.handlers['library.collections']({})).collections).toEqual([{ name: 'Legal', documents: 0 }]);
        await expect(reader.handlers['library.createCollection']({ name: 'Other' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      } finally {
        await reader.close();
      }
    } finally {
      await cleanup();
    }
  });
});
