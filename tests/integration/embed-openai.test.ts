import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmbedder } from '../../main/embed/openai';

interface Seen {
  path: string;
  auth?: string;
  body: { model: string; input: string[] };
}

type Handler = (req: Seen, res: ServerResponse, n: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections(); // hanging requests would otherwise hold close() open
      return new Promise((r) => s.close(r));
    }),
  );
});

/** A real OpenAI-style server on 127.0.0.1 whose answers the test scripts. */
async function serve(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const s: Seen = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw || '{}') };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A deterministic 4-d "embedding" of a text, not normalised. */
function fake(text: string): number[] {
  return [text.length, 1, text.charCodeAt(0) || 0, 2];
}

function ok(res: ServerResponse, input: string[], reverse = false): void {
  const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fake(t) }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data: reverse ? data.reverse() : data, model: 'm' }));
}

function norm(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('OpenAIEmbedder against a local server', () => {
  it('posts batches to /v1/embeddings with the key, keeps input order and normalises', async () => {
    const { url, seen } = await serve((req, res) => ok(res, req.body.input, true));
    const e = await OpenAIEmbedder.create({ baseUrl: `${url}/v1/`, apiKey: 'sk-test', model: 'nomic-embed-text', dimension: 4, batchSize: 2 });
    const texts = ['alpha', 'be', 'gamma!', 'd', 'epsilon'];
    const out = await e.embed(texts);
    expect(seen.map((s) => s.path)).toEqual(['/v1/embeddings', '/v1/embeddings', '/v1/embeddings']);
    expect(seen.map((s) => s.body.input.length)).toEqual([2, 2, 1]);
    expect(seen[0].auth).toBe('Bearer sk-test');
    expect(seen[0].body.model).toBe('nomic-embed-text');
    out.forEach((v, i) => norm(fake(texts[i])).forEach((x, j) => expect(v[j]).toBeCloseTo(x, 5)));
    expect(e.info).toEqual({ id: `openai:nomic-embed-text@${new URL(url).host}`, dimension: 4, kind: 'openai' });
  });

  it('learns the dimension from one probe request when none is given', async () => {
    const { url, seen } = await serve((req, res) => ok(res, req.body.input));
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm' });
    expect(e.info.dimension).toBe(4);
    expect(seen).toHaveLength(1);
    expect(seen[0].auth).toBeUndefined();
  });

  it('turns 401 into UNAUTHORIZED with a hint, without retrying', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
    });
    const e = await OpenAIEmbedder.create({ baseUrl: url, apiKey: 'bad', model: 'm', dimension: 4, retryDelayMs: 1 });
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringContaining('API key') });
    expect(String((err as Error).message)).toContain('Incorrect API key provided');
    expect(String((err as Error).message)).not.toContain('bad');
    expect(seen).toHaveLength(1);
  });

  it('retries 429 (honouring Retry-After) and 5xx, then succeeds', async () => {
    const { url, seen } = await serve((req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '0' });
        res.end('slow down');
      } else if (n === 2) {
        res.writeHead(503);
        res.end();
      } else ok(res, req.body.input);
    });
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 4, retryDelayMs: 1 });
    expect(await e.embed(['x'])).toHaveLength(1);
    expect(seen).toHaveLength(3);
  });

  it('gives up after the configured retries with a retryable PROVIDER_FAILED', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'model crashed' }));
    });
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 4, retries: 2, retryDelayMs: 1 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_FAILED', retryable: true, message: expect.stringContaining('model crashed') });
    expect(seen).toHaveLength(3);
  });

  it('does not retry other client errors, and hints at the model name on 404', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model "nope" not found' } }));
    });
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'nope', dimension: 4, retryDelayMs: 1 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_FAILED', hint: expect.stringContaining('ollama pull nope') });
    expect(seen).toHaveLength(1);
  });

  it('reports a server that is not there as NETWORK after retrying', async () => {
    const { url } = await serve(() => {});
    await new Promise((r) => servers.pop()?.close(r)); // nothing listens on the port any more
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 4, retries: 1, retryDelayMs: 1 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'NETWORK', retryable: true, hint: expect.stringContaining('running') });
  });

  it('times out a request that hangs', async () => {
    const { url, seen } = await serve(() => {}); // never answers
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 4, timeoutMs: 150, retries: 1, retryDelayMs: 1 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(seen).toHaveLength(2);
  });

  it('rejects a malformed answer and a wrong dimension', async () => {
    const { url } = await serve((req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: [] }));
      } else ok(res, req.body.input);
    });
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 8 });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_FAILED', message: expect.stringContaining('expected 1 embeddings, got 0') });
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'EMBEDDING_INVALID' });
  });

  it('stops when the caller aborts', async () => {
    const { url } = await serve(() => {});
    const e = await OpenAIEmbedder.create({ baseUrl: url, model: 'm', dimension: 4 });
    const ctl = new AbortController();
    const run = e.embed(['x'], { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses a bad address up front', async () => {
    await expect(OpenAIEmbedder.create({ baseUrl: 'localhost:11434', model: 'm', dimension: 4 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
