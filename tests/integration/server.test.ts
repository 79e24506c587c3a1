import { readdir, readFile, mkdir, writeFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type QuarryServer } from '../../main/server';
import { sharedPath, tempDir } from '../helpers/shared';
import { GZIP_FROM_BYTES } from '../../main/server/http-util';
import { FakeEngine, fakeDoc, progress } from '../unit/server/fake-engine';

// The transport is tested against a hand-written engine (FakeEngine): what is under test here
// is HTTP, auth, validation, streaming and files. The real engine runs in the e2e suite.
const TOKEN = 'test-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

let server: QuarryServer;
let engine: FakeEngine;
let dir: string;
let cleanup: () => Promise<void>;
let inbox: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('quarry-server-'));
  const web = path.join(dir, 'web');
  await mkdir(path.join(web, 'assets'), { recursive: true });
  await writeFile(path.join(web, 'index.html'), '<!doctype html><title>Quarry</title><div id="root"></div>');
  await writeFile(path.join(web, 'assets', 'app-123.js'), 'console.log("app")');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the web root');
  inbox = path.join(dir, 'inbox');
  engine = new FakeEngine();
  server = await startServer({
    engine,
    token: TOKEN,
    staticDir: web,
    inboxDir: inbox,
    limits: { maxJsonBytes: 4096, maxUploadBytes: 64 * 1024 },
    heartbeatMs: 50,
  });
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

function call(method: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${server.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('auth', () => {
  it('answers /api/health without a token', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('refuses a method call without a token with a typed 401', async () => {
    const res = await call('library.documents', {}, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await res.json()) as { error: { code: string; hint?: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.hint).toBeTruthy();
    expect(engine.calls.some((c) => c.method === 'library.documents')).toBe(false);
  });

  it('refuses a wrong token and an unknown /api route alike', async () => {
    expect((await call('library.documents', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await fetch(`${server.url}/api/does-not-exist`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/file/d1`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/upload`, { method: 'POST', body: 'x' })).status).toBe(401);
  });

  it('does not accept the token as a query parameter outside the event stream', async () => {
    const res = await fetch(`${server.url}/api/library.documents?token=${TOKEN}`, { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('prints a login URL carrying the token in the fragment only', () => {
    expect(server.loginUrl).toBe(`${server.url}/#token=${TOKEN}`);
  });
});

describe('POST /api/<method>', () => {
  it('calls the handler with the parsed input (schema defaults applied)', async () => {
    const res = await call('search.query', { query: 'climate' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ query: 'climate', mode: 'hybrid' });
    const last = engine.calls.at(-1);
    expect(last).toEqual({ method: 'search.query', input: { query: 'climate', k: 10, mode: 'hybrid', filters: {} } });
  });

  it('treats an empty body as {} for methods without required input', async () => {
    const res = await fetch(`${server.url}/api/library.documents`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ documents: [] });
  });

  it('gzips a large response for a client that accepts it, and only then', async () => {
    for (let i = 0; i < 400; i++) engine.docs.set(`big${i}`, fakeDoc(`big${i}`, `/library/report-${i}.pdf`, 'bulk'));
    try {
      const raw = (encoding?: string): Promise<{ headers: Record<string, unknown>; body: Buffer }> =>
        new Promise((resolve, reject) => {
          const headers: Record<string, string> = { ...auth, 'Content-Type': 'application/json' };
          if (encoding) headers['Accept-Encoding'] = encoding;
          const req = request(`${server.url}/api/library.documents`, { method: 'POST', headers }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
          });
          req.on('error', reject);
          req.end('{"collection":"bulk"}');
        });
      const plain = await raw();
      expect(plain.headers['content-encoding']).toBeUndefined();
      const listing = JSON.parse(plain.body.toString('utf8')) as { documents: unknown[] };
      expect(listing.documents).toHaveLength(400);
      expect(plain.body.length).toBeGreaterThan(GZIP_FROM_BYTES);

      const packed = await raw('gzip, deflate, br');
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(packed.headers.vary).toBe('Accept-Encoding');
      expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
      expect(packed.body.length).toBeLessThan(plain.body.length / 5);
      expect(JSON.parse(gunzipSync(packed.body).toString('utf8'))).toEqual(listing);

      expect((await raw('gzip;q=0, identity')).headers['content-encoding']).toBeUndefined();
      // Small bodies are not worth compressing.
      const small = await fetch(`${server.url}/api/search.query`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' }, body: '{"query":"x"}' });
      expect(small.headers.get('content-encoding')).toBeNull();
    } finally {
      for (let i = 0; i < 400; i++) engine.docs.delete(`big${i}`);
    }
  });

  it('answers bad JSON with a typed 400 and keeps serving', async () => {
    const res = await call('search.query', '{"query": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    expect((await call('search.query', { query: 'still alive' })).status).toBe(200);
  });

  it('answers input that fails the schema with a 400 naming the field', async () => {
    const res = await call('search.query', { query: '', k: 5000 });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/query/);
    expect(error.message).toMatch(/k/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await call('search.query', { query: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
  });

  it('refuses non-JSON bodies, unknown methods and GET', async () => {
    const text = await fetch(`${server.url}/api/search.query`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{"query":"x"}' });
    expect(text.status).toBe(415);
    const unknown = await call('library.nuke', {});
    expect(unknown.status).toBe(404);
    const get = await fetch(`${server.url}/api/library.documents`, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('maps engine errors to typed responses: QuarryError by code, anything else 500 INTERNAL', async () => {
    const wrong = await call('library.reindex', { docId: 'd1', password: 'wrong' });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toEqual({ error: { code: 'PDF_PASSWORD_WRONG', message: 'Wrong password', hint: 'Try again.' } });
    const boom = await call('search.query', { query: 'boom' });
    expect(boom.status).toBe(500);
    expect(((await boom.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    const missing = await call('library.remove', { docId: 'nope' });
    expect(missing.status).toBe(404);
  });
});

/** Reads server-sent events from a fetch body until `until` returns true. */
async function readEvents(res: Response, until: (events: { event: string; data: unknown }[]) => boolean): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buf = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data) events.push({ event: name, data: JSON.parse(data) });
      else if (block.startsWith(': ping')) events.push({ event: 'ping', data: null });
    }
  }
  await reader.cancel();
  return events;
}

describe('collections over HTTP', () => {
  it('creates, lists and deletes an empty collection, with the name checked before the engine sees it', async () => {
    const created = await call('library.createCollection', { name: '  Finance Q3 ' });
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ ok: true });
    // Trimmed by the contract's schema on the way in.
    expect(engine.calls.at(-1)).toEqual({ method: 'library.createCollection', input: { name: 'Finance Q3' } });
    const listed = await call('library.collections', {});
    expect(((await listed.json()) as { collections: unknown[] }).collections).toContainEqual({ name: 'Finance Q3', documents: 0 });

    const before = engine.calls.length;
    for (const name of ['', '   ', 'two\nlines']) {
      const bad = await call('library.createCollection', { name });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/name/) });
    }
    expect(engine.calls.length).toBe(before);

    // A collection with documents in it is refused with the engine's typed error.
    engine.docs.set('fq', fakeDoc('fq', '/q3.pdf', 'Finance Q3'));
    const busy = await call('library.deleteCollection', { name: 'Finance Q3' });
    expect(busy.status).toBe(400);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    engine.docs.delete('fq');
    expect((await call('library.deleteCollection', { name: 'Finance Q3' })).status).toBe(200);
    const after = (await (await call('library.collections', {})).json()) as { collections: { name: string }[] };
    expect(after.collections.map((c) => c.name)).not.toContain('Finance Q3');
    expect((await call('library.deleteCollection', { name: 'Finance Q3' })).status).toBe(404);
  });
});

describe('GET /api/events', () => {
  it('streams contract events, with keep-alive pings, and unsubscribes when the client leaves', async () => {
    const before = engine.listenerCount('ingest.progress');
    const res = await fetch(`${server.url}/api/events`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await waitFor(() => engine.listenerCount('ingest.progress') === before + 1);
    engine.emit('ingest.progress', progress({ path: '/a.pdf', pagesDone: 1, pagesTotal: 2 }));
    engine.emit('library.changed', { docIds: ['d1'] });
    const events = await readEvents(res, (ev) => ev.some((e) => e.event === 'library.changed') && ev.some((e) => e.event === 'ping'));
    expect(events.find((e) => e.event === 'ingest.progress')?.data).toMatchObject({ path: '/a.pdf', pagesDone: 1 });
    expect(events.find((e) => e.event === 'library.changed')?.data).toEqual({ docIds: ['d1'] });
    await waitFor(() => engine.listenerCount('ingest.progress') === before);
  });

  it('accepts the token as a query parameter, because EventSource cannot send headers', async () => {
    const ok = await fetch(`${server.url}/api/events?token=${TOKEN}`);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const bad = await fetch(`${server.url}/api/events?token=wrong`);
    expect(bad.status).toBe(401);
  });
});

describe('GET /api/file/<docId>', () => {
  it('streams the original PDF, whole or by byte range', async () => {
    const pdf = sharedPath('corpus', 'pdf', 'long_real', 'docling__multi_page.pdf');
    const docId = 'pdf1';
    engine.files.set(docId, pdf);
    const bytes = await readFile(pdf);
    const whole = await fetch(`${server.url}/api/file/${docId}`, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fetch(`${server.url}/api/file/${docId}`, { headers: { ...auth, Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const beyond = await fetch(`${server.url}/api/file/${docId}`, { headers: { ...auth, Range: `bytes=${bytes.length + 10}-` } });
    expect(beyond.status).toBe(416);
  });

  it('answers an unknown document with 404 NOT_FOUND', async () => {
    const res = await fetch(`${server.url}/api/file/nope`, { headers: auth });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('POST /api/upload', () => {
  it('saves the body under its (sanitised) name in the inbox and ingests it', async () => {
    const body = await readFile(sharedPath('corpus', 'pdf', 'encrypted', 'pdfjs__issue6010_1.pdf'));
    const res = await fetch(`${server.url}/api/upload?collection=papers`, {
      method: 'POST',
      headers: { ...auth, 'X-File-Name': encodeURIComponent('../../Résumé report.pdf'), 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jobIds: ['job-1'] });
    const ingest = engine.calls.filter((c) => c.method === 'library.ingest').at(-1)?.input as { paths: string[]; collection: string };
    expect(ingest.collection).toBe('papers');
    const saved = ingest.paths[0]!;
    expect(path.basename(saved)).toBe('Résumé report.pdf');
    expect(path.relative(inbox, saved).startsWith('..')).toBe(false);
    expect((await readFile(saved)).equals(body)).toBe(true);
  });

  it('puts the same file, added again to the same collection, on the same path (so it is not a second document)', async () => {
    const upload = async (name: string, collection: string, body: string, relative?: string): Promise<string> => {
      const res = await fetch(`${server.url}/api/upload?collection=${encodeURIComponent(collection)}`, {
        method: 'POST',
        headers: { ...auth, 'X-File-Name': encodeURIComponent(name), ...(relative ? { 'X-File-Path': encodeURIComponent(relative) } : {}) },
        body,
      });
      expect(res.status).toBe(200);
      return (engine.calls.filter((c) => c.method === 'library.ingest').at(-1)?.input as { paths: string[] }).paths[0]!;
    };
    const first = await upload('notes.txt', 'papers', 'first version');
    const again = await upload('notes.txt', 'papers', 'edited version');
    expect(again).toBe(first);
    // The edited upload replaced the file whole; no temporary file is left beside it.
    expect(await readFile(again, 'utf8')).toBe('edited version');
    expect((await readdir(inbox)).filter((n) => n.endsWith('.part'))).toEqual([]);
    // Another collection keeps its own copy.
    expect(await upload('notes.txt', 'other', 'first version')).not.toBe(first);
    // A dropped folder's structure is kept, and can't climb out of the collection's folder.
    const nested = await upload('q3.txt', 'papers', 'q3', 'reports/2024/q3.txt');
    expect(path.relative(path.dirname(first), nested)).toBe(path.join('reports', '2024', 'q3.txt'));
    const climbing = await upload('x.txt', 'papers', 'x', '../../../etc/x.txt');
    expect(path.relative(path.dirname(first), climbing)).toBe(path.join('etc', 'x.txt'));
  });

  it('refuses an upload over the limit without keeping a partial file', async () => {
    const before = await readdir(inbox);
    const res = await fetch(`${server.url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'X-File-Name': 'big.pdf' },
      body: new Uint8Array(200 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
    expect(await readdir(inbox)).toEqual(before);
  });

  it('refuses an upload over the limit that declares no length (chunked)', async () => {
    const before = await readdir(inbox);
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(16 * 1024));
        if ((this as { n?: number }).n === undefined) (this as { n?: number }).n = 0;
        if (++(this as { n: number }).n >= 8) controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'X-File-Name': 'stream.pdf' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await readdir(inbox)).toEqual(before);
  });

  it('needs a file name', async () => {
    const res = await fetch(`${server.url}/api/upload`, { method: 'POST', headers: auth, body: 'abc' });
    expect(res.status).toBe(400);
  });
});

describe('static files', () => {
  it('serves index.html with a strict CSP, and falls back to it for app routes', async () => {
    for (const p of ['/', '/library', '/search/anything']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets as immutable and 404s unknown files', async () => {
    const js = await fetch(`${server.url}/assets/app-123.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves a file outside the web root', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const body = await rawGet(p);
      expect(body).not.toContain('outside the web root');
    }
  });
});

it('close() ends open event streams', async () => {
  const s2 = await startServer({ engine, token: TOKEN, inboxDir: inbox });
  const res = await fetch(`${s2.url}/api/events`, { headers: auth });
  const reader = res.body!.getReader();
  await reader.read();
  await s2.close();
  let done = false;
  for (let i = 0; i < 5 && !done; i++) done = (await reader.read()).done;
  expect(done).toBe(true);
  expect((await stat(inbox)).isDirectory()).toBe(true);
});

/** A GET whose path is sent exactly as written (fetch would normalise the dots away). */
function rawGet(p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/`, { path: p }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
