import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectionName } from '../../contract';
import { CollectionRegistry, countCollections } from '../../main/collections';
import { tempDir } from '../helpers/shared';

describe('CollectionRegistry', () => {
  it('stores created collections in collections.json and reads them back in a new instance', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const reg = await CollectionRegistry.open(dir);
      expect(reg.list()).toEqual([]);
      // Two creates at once both land: writes are serialized, each with the whole list.
      expect(await Promise.all([reg.add('Finance Q3'), reg.add('Legal'), reg.add('Legal')])).toEqual([true, true, false]);
      expect(JSON.parse(await readFile(path.join(dir, 'collections.json'), 'utf8'))).toEqual({ version: 1, collections: ['Finance Q3', 'Legal'] });
      const again = await CollectionRegistry.open(dir);
      expect(again.list()).toEqual(['Finance Q3', 'Legal']);
      expect(await again.delete('Legal')).toBe(true);
      expect(await again.delete('Legal')).toBe(false);
      expect((await CollectionRegistry.open(dir)).list()).toEqual(['Finance Q3']);
    } finally {
      await cleanup();
    }
  });

  it('opens a damaged or unknown file as an empty list instead of failing the library', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(path.join(dir, 'collections.json'), '{"version":1,"collections":["a"');
      expect((await CollectionRegistry.open(dir)).list()).toEqual([]);
      await writeFile(path.join(dir, 'collections.json'), '{"version":9,"collections":{}}');
      expect((await CollectionRegistry.open(dir)).list()).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it('keeps the list unchanged when it cannot be written', async () => {
    // A data folder that does not exist: the write fails, and the name is not listed either.
    const reg = await CollectionRegistry.open(path.join('/nonexistent-quarry-dir', String(process.pid)));
    await expect(reg.add('Finance Q3')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(reg.has('Finance Q3')).toBe(false);
  });
});

describe('countCollections', () => {
  it('lists created collections with 0 documents beside the ones documents are in, by name', () => {
    const docs = [{ collection: 'papers' }, { collection: 'default' }, { collection: 'papers' }, { collection: 'Finance Q3' }];
    expect(countCollections(['Legal', 'Finance Q3'], docs)).toEqual([
      { name: 'default', documents: 1 },
      { name: 'Finance Q3', documents: 1 },
      { name: 'Legal', documents: 0 },
      { name: 'papers', documents: 2 },
    ]);
  });
});

describe('CollectionName', () => {
  it('trims a name and refuses an empty one or one with control characters', () => {
    expect(CollectionName.parse('  Finance Q3 ')).toBe('Finance Q3');
    expect(CollectionName.safeParse('   ').success).toBe(false);
    expect(CollectionName.safeParse('a\nb').success).toBe(false);
    expect(CollectionName.safeParse('x'.repeat(201)).success).toBe(false);
  });
});
