import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CachedEmbedder, createEmbedder, DEFAULT_EMBEDDER_CONFIG, HashEmbedder, OpenAIEmbedder, TransformersEmbedder, UseEmbedder } from '../../main/embed';
import { sharedPath, tempDir } from '../helpers/shared';

describe('createEmbedder', () => {
  it('defaults to the Universal Sentence Encoder', async () => {
    expect(DEFAULT_EMBEDDER_CONFIG).toEqual({ kind: 'use' });
    const e = await createEmbedder(undefined, { dataDir: '/unused' });
    expect(e).toBeInstanceOf(UseEmbedder);
    expect(e.info).toEqual({ id: 'use-512', dimension: 512, kind: 'use' });
    await e.close();
  });

  it('passes the worker count to the USE pool', async () => {
    const e = await createEmbedder({ kind: 'use', workers: 1 }, { dataDir: '/unused' });
    expect((e as UseEmbedder).workers).toBe(1);
    await e.close();
  });

  it('builds the hash embedder and wraps it in the cache when a cacheDir is given', async () => {
    const t = await tempDir();
    try {
      const e = await createEmbedder({ kind: 'hash', dimension: 32 }, { dataDir: t.dir, cacheDir: t.dir });
      expect(e).toBeInstanceOf(CachedEmbedder);
      expect((e as CachedEmbedder).inner).toBeInstanceOf(HashEmbedder);
      expect(e.info).toEqual({ id: 'hash-32', dimension: 32, kind: 'hash' });
      await e.embed(['x']);
      await e.embed(['x']);
      expect((e as CachedEmbedder).stats()).toMatchObject({ hits: 1, misses: 1 });
      await e.close();
    } finally {
      await t.cleanup();
    }
  });

  it('builds a transformers embedder from a local folder, and fails clearly for a missing manifest model', async () => {
    const e = await createEmbedder({ kind: 'transformers', model: sharedPath('models', 'synthetic-bert-embed') }, { dataDir: '/unused' });
    expect(e).toBeInstanceOf(TransformersEmbedder);
    expect((await e.embed(['hi']))[0]).toHaveLength(32);
    await e.close();
    const t = await tempDir();
    try {
      await expect(createEmbedder({ kind: 'transformers', model: 'bge-small-en-v1.5' }, { dataDir: t.dir })).rejects.toMatchObject({
        code: 'MODEL_MISSING',
        hint: expect.stringContaining('quarry models pull bge-small-en-v1.5'),
      });
    } finally {
      await t.cleanup();
    }
  });

  it('builds an OpenAI-compatible embedder', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ data: [{ index: 0, embedding: [0.6, 0.8, 0] }] })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const e = await createEmbedder({ kind: 'openai', baseUrl, model: 'm' }, { dataDir: '/unused' });
      expect(e).toBeInstanceOf(OpenAIEmbedder);
      expect(e.info.dimension).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
