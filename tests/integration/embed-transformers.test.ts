import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../main/embed/manifest';
import { TransformersEmbedder } from '../../main/embed/transformers';
import { sharedPath, tempDir } from '../helpers/shared';

// shared/models/synthetic-bert-embed: random weights, hidden size 32, the real MiniLM tokenizer.
// It tests loading, tokenising, pooling, batching and prefixes — not retrieval quality.
const synthetic = () => sharedPath('models', 'synthetic-bert-embed');

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];
function manifestFor(id: string, extra: Record<string, unknown>) {
  return parseManifest({
    version: 1,
    models: [
      {
        id,
        kind: 'embedding',
        name: 'synthetic',
        license: 'Apache-2.0',
        source: 'https://example.org',
        runtime: 'transformers',
        dtype: 'fp32',
        dimension: 32,
        files: files.map((p) => ({ path: p, url: `https://example.org/${p}`, sha256: null, size: null })),
        ...extra,
      },
    ],
  });
}

describe('TransformersEmbedder from a local folder', () => {
  let e: TransformersEmbedder;
  beforeAll(async () => {
    e = await TransformersEmbedder.create({ model: synthetic(), modelsDir: '/nonexistent', batchSize: 3 });
  });
  afterAll(() => e.close());

  it('reads the dimension from config.json and gives unit vectors of it', async () => {
    const out = await e.embed(['hello world', 'a second, longer sentence about retrieval']);
    expect(e.info.dimension).toBe(32);
    expect(e.info.kind).toBe('transformers');
    expect(e.info.id).toMatch(/^synthetic-bert-embed@[0-9a-f]{8}$/);
    expect(out).toHaveLength(2);
    for (const v of out) {
      expect(v).toHaveLength(32);
      expect(dot(v, v)).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic and independent of batching and padding', async () => {
    const texts = ['one', 'two words', 'three words here', 'a much longer text that forces padding of the others', 'five'];
    const together = await e.embed(texts); // batches of 3: padding differs between rows
    const alone = await Promise.all(texts.map(async (t) => (await e.embed([t]))[0]));
    for (let i = 0; i < texts.length; i++) expect(dot(together[i], alone[i])).toBeCloseTo(1, 5);
    expect(Array.from((await e.embed([texts[1]]))[0])).toEqual(Array.from(alone[1]));
  });

  it('honours an aborted signal', async () => {
    await expect(e.embed(['x'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('says which files to put where when the folder lacks them', async () => {
    const t = await tempDir();
    try {
      await expect(TransformersEmbedder.create({ model: t.dir, modelsDir: '/nonexistent' })).rejects.toMatchObject({
        code: 'MODEL_MISSING',
        hint: expect.stringContaining(`Put the files in ${t.dir}`),
      });
    } finally {
      await t.cleanup();
    }
  });
});

describe('TransformersEmbedder from the manifest', () => {
  let modelsDir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const t = await tempDir();
    modelsDir = path.join(t.dir, 'models');
    cleanup = t.cleanup;
    // An "installed" manifest model: the model folder links to the synthetic files.
    await mkdir(modelsDir);
    await symlink(synthetic(), path.join(modelsDir, 'synthetic-e5'), 'dir');
  });
  afterAll(() => cleanup());

  it('applies the query and passage prefixes and the pooling of the entry', async () => {
    const manifest = manifestFor('synthetic-e5', { pooling: 'mean', normalize: true, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
    const e = await TransformersEmbedder.create({ model: 'synthetic-e5', modelsDir, manifest });
    const local = await TransformersEmbedder.create({ model: synthetic(), modelsDir });
    try {
      expect(e.info).toEqual({ id: 'synthetic-e5', dimension: 32, kind: 'transformers' });
      const [q] = await e.embed(['cats'], { kind: 'query' });
      const [p] = await e.embed(['cats'], { kind: 'passage' });
      const [rawQ, rawP] = await local.embed(['query: cats', 'passage: cats']);
      expect(dot(q, p)).toBeLessThan(0.9999);
      expect(dot(q, rawQ)).toBeCloseTo(1, 5);
      expect(dot(p, rawP)).toBeCloseTo(1, 5);
    } finally {
      await Promise.all([e.close(), local.close()]);
    }
  });

  it('uses CLS pooling when the entry says so', async () => {
    const mean = await TransformersEmbedder.create({ model: 'synthetic-e5', modelsDir, manifest: manifestFor('synthetic-e5', { pooling: 'mean' }) });
    const cls = await TransformersEmbedder.create({ model: 'synthetic-e5', modelsDir, manifest: manifestFor('synthetic-e5', { pooling: 'cls' }) });
    try {
      const [[a], [b]] = await Promise.all([mean.embed(['pooling differs here']), cls.embed(['pooling differs here'])]);
      expect(dot(a, b)).toBeLessThan(0.999);
    } finally {
      await Promise.all([mean.close(), cls.close()]);
    }
  });

  it('tells the user to pull a manifest model that is not installed', async () => {
    await expect(TransformersEmbedder.create({ model: 'absent-model', modelsDir, manifest: manifestFor('absent-model', {}) })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      hint: expect.stringMatching(/Run `quarry models pull absent-model`, or put the files in .*absent-model/),
    });
  });

  it('refuses a model that is not a transformers embedding model', async () => {
    const manifest = manifestFor('a-reranker', { kind: 'reranker' });
    await expect(TransformersEmbedder.create({ model: 'a-reranker', modelsDir, manifest })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('names the known models for an unknown id', async () => {
    await expect(TransformersEmbedder.create({ model: 'no-such-model', modelsDir })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      hint: expect.stringContaining('bge-small-en-v1.5'),
    });
  });
});
