import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConfig } from '../../main/answer/config';
import { readManifest, resolveModel } from '../../main/answer/models';
import { LocalProvider } from '../../main/answer/providers/local';
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
    } else if (req.url === '/truncated.gguf') {
      // The connection breaks off after 1000 bytes.
      res.writeHead(200, { 'content-length': String(GGUF.length) });
      res.write(GGUF.subarray(0, 1000), () => res.socket?.destroy());
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

async function setup(files: { name: string; url: string; sha256: string }[]) {
  const t = await tempDir('quarry-models-');
  const manifestPath = path.join(t.dir, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify({ models: [{ id: 'stories-260k', kind: 'chat', license: 'MIT', files }] }));
  return { ...t, manifestPath, modelsDir: path.join(t.dir, 'cache') };
}

describe('local models from the manifest', () => {
  it('downloads a manifest model, verifies its checksum, then reuses the file', async () => {
    const t = await setup([{ name: 'stories260K.gguf', url: `${base}/stories.gguf`, sha256: SHA }]);
    try {
      expect((await readManifest(t.manifestPath))[0].id).toBe('stories-260k');
      await expect(resolveModel('stories-260k', { ...t })).rejects.toMatchObject({
        code: 'MODEL_MISSING',
        hint: expect.stringContaining('quarry models pull stories-260k'),
      });
      const progress: number[] = [];
      const file = await resolveModel('stories-260k', { ...t, download: true, onProgress: (b) => progress.push(b) });
      expect(file).toBe(path.join(t.modelsDir, 'stories-260k', 'stories260K.gguf'));
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(SHA);
      expect(progress.at(-1)).toBe(GGUF.length);
      const before = requests;
      expect(await resolveModel('stories-260k', { ...t, download: true })).toBe(file);
      expect(requests).toBe(before);
      // The provider accepts the id and loads the downloaded file.
      const p = new LocalProvider(LocalConfig.parse({ model: 'stories-260k', gpu: 'off', threads: 2 }), t);
      expect((await p.budget()).contextTokens).toBe(2048);
      await p.close();
    } finally {
      await t.cleanup();
    }
  });

  it('rejects a corrupted download and leaves nothing behind', async () => {
    const t = await setup([{ name: 'stories260K.gguf', url: `${base}/truncated.gguf`, sha256: SHA }]);
    try {
      await expect(resolveModel('stories-260k', { ...t, download: true })).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('broke off') });
      expect(existsSync(path.join(t.modelsDir, 'stories-260k', 'stories260K.gguf'))).toBe(false);
      expect(existsSync(path.join(t.modelsDir, 'stories-260k', 'stories260K.gguf.part'))).toBe(false);
    } finally {
      await t.cleanup();
    }
  });

  it('a wrong checksum is MODEL_CHECKSUM; an unknown id and a 404 are clear errors', async () => {
    const t = await setup([{ name: 'stories260K.gguf', url: `${base}/stories.gguf`, sha256: '0'.repeat(64) }]);
    try {
      await expect(resolveModel('stories-260k', { ...t, download: true })).rejects.toMatchObject({ code: 'MODEL_CHECKSUM' });
      await expect(resolveModel('no-such-model', { ...t })).rejects.toMatchObject({ code: 'MODEL_MISSING', message: expect.stringContaining('no-such-model') });
    } finally {
      await t.cleanup();
    }
    const t2 = await setup([{ name: 'x.gguf', url: `${base}/gone.gguf`, sha256: SHA }]);
    try {
      await expect(resolveModel('stories-260k', { ...t2, download: true })).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('HTTP 404') });
    } finally {
      await t2.cleanup();
    }
  });
});
