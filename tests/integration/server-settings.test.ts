import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelProgress } from '../../contract';
import { startServer, testRemote, withSettings, type QuarryServer } from '../../main/server';
import { tempDir } from '../helpers/shared';
import { FakeEngine } from '../unit/server/fake-engine';

// Settings over HTTP on a real settings.json in a temp folder; a local OpenAI-compatible
// server on 127.0.0.1 stands in for a remote provider; model downloads go through a fetch that
// serves bytes locally (nothing leaves the machine).
const TOKEN = 'settings-token-0123456789';
const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

let server: QuarryServer;
let openai: Server;
let openaiUrl: string;
let dataDir: string;
let cleanup: () => Promise<void>;
const engine = new FakeEngine();

const localFetch = (async (url: string | URL | Request, init?: RequestInit) => {
  // The stand-in provider on 127.0.0.1 is reached for real; model files are served here.
  if (String(url).startsWith('http://127.0.0.1')) return fetch(url, init);
  const name = String(url).split('/').pop()!;
  return new Response(`contents of ${name}`.repeat(100), { status: 200, headers: { 'content-length': String(`contents of ${name}`.length * 100) } });
}) as typeof fetch;

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = await tempDir('quarry-settings-'));
  await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ fusion: { 'use-512': { method: 'rrf', denseWeight: 0.6, rrfK: 60 } } }));
  openai = createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer good-key') {
      res.writeHead(401).end('{}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'qwen2.5' }, { id: 'llama3' }] }));
  });
  await new Promise<void>((r) => openai.listen(0, '127.0.0.1', r));
  openaiUrl = `http://127.0.0.1:${(openai.address() as AddressInfo).port}/v1`;
  server = await startServer({ engine: withSettings(engine, { dataDir, keyStorage: 'environment', env: { QUARRY_API_KEY: 'good-key' }, fetch: localFetch }), token: TOKEN, inboxDir: path.join(dataDir, 'inbox') });
});

afterAll(async () => {
  await server?.close();
  await new Promise((r) => openai?.close(r));
  await cleanup?.();
});

async function post<T>(method: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

describe('settings', () => {
  it('reads defaults, saves the answer providers without any key, and keeps the rest of settings.json', async () => {
    const before = await post<{ answer: { provider: string; remote?: unknown }; keyStorage: string }>('settings.get', {});
    expect(before.body).toMatchObject({ answer: { provider: 'auto' }, keyStorage: 'environment', embedder: { kind: 'use' } });
    expect(before.body.answer.remote).toBeUndefined();

    const saved = await post('settings.update', { answer: { provider: 'remote', remote: { baseUrl: openaiUrl, model: 'qwen2.5' }, local: { model: '/models/tiny.gguf' }, redact: 'always' } });
    expect(saved).toEqual({ status: 200, body: { ok: true, restartRequired: true } });
    const after = await post<{ answer: unknown }>('settings.get', {});
    expect(after.body.answer).toEqual({ provider: 'remote', remote: { baseUrl: openaiUrl, model: 'qwen2.5', hasKey: true }, local: { model: '/models/tiny.gguf' }, redact: 'always' });

    const file = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { fusion: unknown; answer: { remote: Record<string, unknown> } };
    expect(file.fusion).toEqual({ 'use-512': { method: 'rrf', denseWeight: 0.6, rrfK: 60 } });
    expect(file.answer.remote).toEqual({ baseUrl: openaiUrl, model: 'qwen2.5' });

    expect((await post('settings.update', { answer: { remote: null } })).status).toBe(200);
    expect(((await post<{ answer: { remote?: unknown } }>('settings.get', {})).body.answer.remote)).toBeUndefined();
  });

  it('refuses to keep an API key on a server, and refuses invalid settings', async () => {
    const key = await post<{ error: { code: string; hint: string } }>('settings.update', { answer: { remote: { baseUrl: openaiUrl, model: 'm', apiKey: 'sk-x' } } });
    expect(key.status).toBe(400);
    expect(key.body.error.hint).toMatch(/QUARRY_API_KEY/);
    expect((await post('settings.update', { answer: { remote: { baseUrl: 'not a url', model: 'm' } } })).status).toBe(400);
    expect(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain('sk-x');
  });

  it('switches the embedder to a downloaded model, to apply on restart', async () => {
    expect((await post('settings.update', { embedder: { kind: 'transformers', model: 'bge-small-en-v1.5' } })).body).toEqual({ ok: true, restartRequired: true });
    expect((await post<{ embedder: unknown }>('settings.get', {})).body.embedder).toEqual({ kind: 'transformers', model: 'bge-small-en-v1.5' });
  });
});

describe('test connection', () => {
  it('lists the server’s models with the key and says whether the model is there', async () => {
    const r = await post<{ ok: boolean; models: string[]; modelFound: boolean }>('settings.testRemote', { baseUrl: openaiUrl, model: 'llama3' });
    expect(r.body).toMatchObject({ ok: true, models: ['qwen2.5', 'llama3'], modelFound: true });
    expect((await post<{ modelFound: boolean }>('settings.testRemote', { baseUrl: openaiUrl, model: 'gpt-9' })).body.modelFound).toBe(false);
  });

  it('explains a refused key, an unreachable server and a timeout as typed errors', async () => {
    expect(await testRemote({ baseUrl: openaiUrl, model: 'm', apiKey: 'bad' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await testRemote({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm' })).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    expect(await testRemote({ baseUrl: url, model: 'm' }, fetch, 200)).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });
});

describe('models', () => {
  it('lists the manifest’s models and downloads one with progress events', async () => {
    const list = await post<{ models: { id: string; state: string; kind: string }[] }>('models.list', {});
    const bge = list.body.models.find((m) => m.id === 'bge-small-en-v1.5')!;
    expect(bge).toMatchObject({ kind: 'embedding', state: 'missing' });

    const events = modelEvents('bge-small-en-v1.5');
    await new Promise((r) => setTimeout(r, 50));
    expect((await post('models.pull', { id: 'bge-small-en-v1.5' })).status).toBe(200);
    const got = await events;
    expect(got.length).toBeGreaterThan(1);
    expect(got.slice(0, -1).every((e) => e.state === 'downloading')).toBe(true);
    expect(got.at(-1)).toMatchObject({ id: 'bge-small-en-v1.5', state: 'done' });
    expect(existsSync(path.join(dataDir, 'models', 'bge-small-en-v1.5', 'onnx', 'model_quantized.onnx'))).toBe(true);
    const again = await post<{ models: { id: string; state: string }[] }>('models.list', {});
    expect(again.body.models.find((m) => m.id === 'bge-small-en-v1.5')!.state).toBe('installed');
  });

  it('reports an unknown model as a failed download, with the reason', async () => {
    const events = modelEvents('no-such-model');
    await new Promise((r) => setTimeout(r, 50));
    expect((await post('models.pull', { id: 'no-such-model' })).status).toBe(200);
    expect((await events).at(-1)).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } });
  });
});

/** Collects models.progress events of one model from the event stream until it ends. */
async function modelEvents(id: string): Promise<ModelProgress[]> {
  const res = await fetch(`${server.url}/api/events`, { headers: { Authorization: headers.Authorization } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: ModelProgress[] = [];
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buf += value;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!block.startsWith('event: models.progress')) continue;
      const e = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ModelProgress;
      if (e.id !== id) continue;
      events.push(e);
      if (e.state !== 'downloading') {
        await reader.cancel();
        return events;
      }
    }
  }
}
