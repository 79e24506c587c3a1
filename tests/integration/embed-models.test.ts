import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseManifest, type ModelManifest } from '../../main/embed/manifest';
import { listModels, pullModel, PINS_FILE, type PullProgress } from '../../main/embed/models';
import { tempDir } from '../helpers/shared';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What the file server does with the next request for a path. */
type Mode = 'ok' | 'drop-half' | 'hang-half' | 'ignore-range' | 'corrupt';

/** A file server on 127.0.0.1 with Range support that can misbehave on request. */
class FileServer {
  readonly files = new Map<string, Buffer>();
  readonly modes = new Map<string, Mode[]>();
  readonly log: Array<{ path: string; range?: string }> = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const p = req.url ?? '';
    this.log.push({ path: p, range: req.headers.range });
    let body = this.files.get(p);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    const mode = this.modes.get(p)?.shift() ?? 'ok';
    if (mode === 'corrupt') body = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1] ^ 0xff])]);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (m && mode !== 'ignore-range') {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const rest = body.subarray(start);
    if (mode === 'drop-half' || mode === 'hang-half') {
      res.write(rest.subarray(0, rest.length >> 1), () => {
        // drop: the connection dies mid-file; hang: it stalls until the client gives up.
        if (mode === 'drop-half') setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(rest);
  }
}

let server: FileServer;
let dir: string;
let cleanup: () => Promise<void>;
let weights: Buffer;
let config: Buffer;

beforeEach(async () => {
  server = new FileServer();
  await server.start();
  weights = randomBytes(300_000);
  config = Buffer.from('{"hidden_size": 32}');
  server.files.set('/repo/onnx/model.onnx', weights);
  server.files.set('/repo/config.json', config);
  const t = await tempDir();
  dir = path.join(t.dir, 'models');
  cleanup = t.cleanup;
});
afterEach(async () => {
  await server.stop();
  await cleanup();
});

function manifest(opts: { weightsSha?: string | null; weightsSize?: number | null } = {}): ModelManifest {
  return parseManifest({
    version: 1,
    models: [
      {
        id: 'tiny',
        kind: 'embedding',
        name: 'Tiny',
        license: 'MIT',
        source: 'https://example.org',
        runtime: 'transformers',
        files: [
          { path: 'config.json', url: `${server.url}/repo/config.json`, sha256: sha(config), size: config.length },
          { path: 'onnx/model.onnx', url: `${server.url}/repo/onnx/model.onnx`, sha256: opts.weightsSha ?? null, size: opts.weightsSize ?? null },
        ],
      },
    ],
  });
}

const installed = (p: string) => readFileSync(path.join(dir, 'tiny', p));

describe('pullModel', () => {
  it('downloads every file into <dir>/<id>/, reports progress and pins unknown checksums', async () => {
    const m = manifest();
    expect((await listModels(dir, { manifest: m }))[0].state).toBe('missing');
    const progress: PullProgress[] = [];
    const status = await pullModel('tiny', { dir, manifest: m, onProgress: (p) => progress.push(p) });

    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
    expect(installed('config.json').equals(config)).toBe(true);
    expect(status).toMatchObject({ id: 'tiny', state: 'installed', bytesOnDisk: weights.length + config.length, bytesTotal: weights.length + config.length });
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ file: 'onnx/model.onnx', fileIndex: 1, fileCount: 2, fileBytesDone: weights.length, bytesDone: weights.length + config.length });
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i].bytesDone).toBeGreaterThanOrEqual(progress[i - 1].bytesDone);

    const pins = JSON.parse(readFileSync(path.join(dir, PINS_FILE), 'utf8')) as Record<string, { sha256: string; size: number }>;
    expect(pins[`${server.url}/repo/onnx/model.onnx`]).toMatchObject({ sha256: sha(weights), size: weights.length });
    // The config had a manifest checksum, so nothing was pinned for it.
    expect(pins[`${server.url}/repo/config.json`]).toBeUndefined();
    expect(existsSync(path.join(dir, 'tiny', 'onnx', 'model.onnx.part'))).toBe(false);
  });

  it('does nothing for files already installed', async () => {
    const m = manifest();
    await pullModel('tiny', { dir, manifest: m });
    const before = server.log.length;
    expect((await pullModel('tiny', { dir, manifest: m })).state).toBe('installed');
    expect(server.log.length).toBe(before);
  });

  it('resumes with a Range request when the connection drops mid-file', async () => {
    server.modes.set('/repo/onnx/model.onnx', ['drop-half']);
    await pullModel('tiny', { dir, manifest: manifest({ weightsSha: sha(weights) }), retryDelayMs: 1 });
    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
    const requests = server.log.filter((r) => r.path === '/repo/onnx/model.onnx');
    expect(requests).toHaveLength(2);
    expect(requests[0].range).toBeUndefined();
    expect(requests[1].range).toBe(`bytes=${weights.length >> 1}-`);
  });

  it('keeps the part when cancelled and resumes it on the next pull', async () => {
    server.modes.set('/repo/onnx/model.onnx', ['hang-half']);
    const ctl = new AbortController();
    const m = manifest({ weightsSha: sha(weights), weightsSize: weights.length });
    const first = pullModel('tiny', {
      dir,
      manifest: m,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.file === 'onnx/model.onnx' && p.fileBytesDone > 0) ctl.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
    const part = path.join(dir, 'tiny', 'onnx', 'model.onnx.part');
    expect(statSync(part).size).toBeGreaterThan(0);
    expect((await listModels(dir, { manifest: m }))[0].state).toBe('partial');

    await pullModel('tiny', { dir, manifest: m });
    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
    expect(server.log[server.log.length - 1].range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('restarts from byte 0 when the server ignores the Range header', async () => {
    server.modes.set('/repo/onnx/model.onnx', ['drop-half', 'ignore-range']);
    await pullModel('tiny', { dir, manifest: manifest({ weightsSha: sha(weights) }), retryDelayMs: 1 });
    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
  });

  it('deletes a corrupt download and fails with MODEL_CHECKSUM', async () => {
    server.modes.set('/repo/onnx/model.onnx', ['corrupt']);
    const err = await pullModel('tiny', { dir, manifest: manifest({ weightsSha: sha(weights) }) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_CHECKSUM', hint: expect.stringContaining('Pull the model again') });
    expect(existsSync(path.join(dir, 'tiny', 'onnx', 'model.onnx'))).toBe(false);
    expect(existsSync(path.join(dir, 'tiny', 'onnx', 'model.onnx.part'))).toBe(false);
    // A clean retry then succeeds.
    await pullModel('tiny', { dir, manifest: manifest({ weightsSha: sha(weights) }) });
    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
  });

  it('verifies later downloads against the checksum pinned on the first', async () => {
    const m = manifest();
    await pullModel('tiny', { dir, manifest: m });
    await rm(path.join(dir, 'tiny'), { recursive: true, force: true });
    server.modes.set('/repo/onnx/model.onnx', ['corrupt']);
    await expect(pullModel('tiny', { dir, manifest: m })).rejects.toMatchObject({ code: 'MODEL_CHECKSUM' });
  });

  it('fails fast with NETWORK on a missing file', async () => {
    const m = manifest();
    server.files.delete('/repo/onnx/model.onnx');
    await expect(pullModel('tiny', { dir, manifest: m, retryDelayMs: 1 })).rejects.toMatchObject({ code: 'NETWORK', message: expect.stringContaining('HTTP 404') });
    expect(server.log.filter((r) => r.path === '/repo/onnx/model.onnx')).toHaveLength(1);
    expect((await listModels(dir, { manifest: m }))[0].state).toBe('partial');
  });

  it('runs two concurrent pulls of one model one after the other, downloading once', async () => {
    const m = manifest();
    const [a, b] = await Promise.all([pullModel('tiny', { dir, manifest: m }), pullModel('tiny', { dir, manifest: m })]);
    expect(a.state).toBe('installed');
    expect(b.state).toBe('installed');
    expect(server.log.filter((r) => r.path === '/repo/onnx/model.onnx')).toHaveLength(1);
    expect(installed('onnx/model.onnx').equals(weights)).toBe(true);
  });

  it('refuses an unknown model id', async () => {
    await expect(pullModel('nope', { dir, manifest: manifest() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('listModels', () => {
  it('lists the bundled manifest as missing in an empty folder', async () => {
    const all = await listModels(dir);
    expect(all.map((m) => m.id)).toContain('bge-small-en-v1.5');
    expect(all.every((m) => m.state === 'missing' && m.bytesOnDisk === 0)).toBe(true);
  });
});
