import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConfig } from '../../main/answer/config';
import { resolveModel } from '../../main/answer/models';
import { LocalProvider } from '../../main/answer/providers/local';
import { parseManifest, type ModelManifest } from '../../main/embed/manifest';
import { sharedPath, tempDir } from '../helpers/shared';

// The real download path, tested up to the network boundary: a server on 127.0.0.1 plays the
// model host (the weights are the shared tiny GGUF).
const GGUF = readFileSync(sharedPath('models', 'stories260K-gguf', 'stories260K.gguf'));
const SHA = createHash('sha256').update(GGUF).digest('hex');
let server: Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/stories.gguf') {
      res.writeHead(200, { 'content-length': String(GGUF.length) });
      res.end(GGUF);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function manifest(sha256: string | null = SHA): ModelManifest {
  return parseManifest({
    version: 1,
    models: [
      {
        id: 'stories-260k', kind: 'llm', name: 'TinyStories 260K', license: 'MIT', source: 'https://example.org/stories', runtime: 'llama-cpp',
        files: [{ path: 'stories260K.gguf', url: `${base}/stories.gguf`, sha256, size: GGUF.length }],
      },
      {
        id: 'embedder-x', kind: 'embedding', name: 'x', license: 'MIT', source: 'https://example.org/x', runtime: 'transformers',
        files: [{ path: 'model.onnx', url: `${base}/x.onnx`, sha256: null, size: null }],
      },
    ],
  });
}

describe('local chat models from the manifest', () => {
  it('says how to get a model that is not installed, downloads it when asked, then reuses it', async () => {
    const t = await tempDir('quarry-models-');
    try {
      const opts = { modelsDir: t.dir, manifest: manifest() };
      await expect(resolveModel('stories-260k', opts)).rejects.toMatchObject({ code: 'MODEL_MISSING', hint: expect.stringContaining('quarry models pull stories-260k') });
      const file = await resolveModel('stories-260k', { ...opts, download: true });
      expect(file).toBe(path.join(t.dir, 'stories-260k', 'stories260K.gguf'));
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(SHA);
      const before = requests;
      expect(await resolveModel('stories-260k', { ...opts, download: true })).toBe(file);
      expect(requests).toBe(before);
    } finally {
      await t.cleanup();
    }
  });

  it('the local provider downloads a manifest model on first use when autoDownload is on, and loads it', async () => {
    const t = await tempDir('quarry-models-');
    const p = new LocalProvider(LocalConfig.parse({ model: 'stories-260k', autoDownload: true, gpu: 'off', threads: 2 }), { modelsDir: t.dir, manifest: manifest() });
    try {
      expect((await p.budget()).contextTokens).toBe(2048);
    } finally {
      await p.close();
      await t.cleanup();
    }
  });

  it('rejects a download with the wrong checksum, and ids that are unknown or not chat models', async () => {
    const t = await tempDir('quarry-models-');
    try {
      await expect(resolveModel('stories-260k', { modelsDir: t.dir, manifest: manifest('0'.repeat(64)), download: true })).rejects.toMatchObject({ code: 'MODEL_CHECKSUM' });
      await expect(resolveModel('no-such-model', { modelsDir: t.dir, manifest: manifest() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(resolveModel('embedder-x', { modelsDir: t.dir, manifest: manifest() })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('embedding model') });
      const noDir = new LocalProvider(LocalConfig.parse({ model: 'stories-260k', gpu: 'off', threads: 2 }));
      await expect(noDir.budget()).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('No models folder') });
    } finally {
      await t.cleanup();
    }
  });

  it('the shipped manifest lists a GGUF chat model for local answers', async () => {
    const { chatModelEntry } = await import('../../main/answer/models');
    const { loadManifest } = await import('../../main/embed/manifest');
    const llms = loadManifest().models.filter((m) => m.kind === 'llm');
    expect(llms.length).toBeGreaterThan(0);
    for (const m of llms) expect(chatModelEntry(m.id).gguf).toMatch(/\.gguf$/);
  });
});
