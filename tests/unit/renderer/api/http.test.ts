import { describe, expect, it, vi } from 'vitest';
import { ClientError, type ConnectionState } from '../../../../renderer/api/client';
import { HttpClient } from '../../../../renderer/api/http';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('HttpClient.call', () => {
  it('POSTs the input as JSON with the bearer token and returns the body', async () => {
    const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => json(200, { documents: [] }));
    const c = new HttpClient({ baseUrl: 'http://h:1/', token: 'tok', fetch: fetch as typeof globalThis.fetch });
    expect(await c.call('library.documents', {})).toEqual({ documents: [] });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://h:1/api/library.documents');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init?.body).toBe('{}');
  });

  it('rejects with the typed error the server sent', async () => {
    const c = new HttpClient({ baseUrl: '', token: 't', fetch: (async () => json(422, { error: { code: 'PDF_PASSWORD_WRONG', message: 'Wrong password', hint: 'Try again' } })) as typeof fetch });
    const e = await c.call('library.reindex', { docId: 'd' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClientError);
    expect((e as ClientError).info).toEqual({ code: 'PDF_PASSWORD_WRONG', message: 'Wrong password', hint: 'Try again' });
  });

  it('turns a refused token into the unauthorized state', async () => {
    const c = new HttpClient({ baseUrl: '', token: 't', fetch: (async () => json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } })) as typeof fetch });
    const states: ConnectionState[] = [];
    c.onConnection((s) => states.push(s));
    await expect(c.call('library.status', {})).rejects.toThrow('no');
    expect(states).toEqual(['connecting', 'unauthorized']);
  });

  it('reports an unreachable server as a retryable NETWORK error, and a garbled body as INTERNAL', async () => {
    const down = new HttpClient({ baseUrl: '', token: 't', fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    const e = (await down.call('library.status', {}).catch((x: unknown) => x)) as ClientError;
    expect(e.info.code).toBe('NETWORK');
    expect(e.info.retryable).toBe(true);
    const garbled = new HttpClient({ baseUrl: '', token: 't', fetch: (async () => new Response('<html>', { status: 502 })) as typeof fetch });
    expect(((await garbled.call('library.status', {}).catch((x: unknown) => x)) as ClientError).info.code).toBe('INTERNAL');
  });
});

describe('HttpClient events', () => {
  it('reads the event stream with the token in a header and dispatches contract events only', async () => {
    const enc = new TextEncoder();
    let seenAuth: string | undefined;
    const fetch = (async (_url: string, init?: RequestInit) => {
      seenAuth = (init?.headers as Record<string, string>).Authorization;
      const body = new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(enc.encode('event: library.changed\ndata: {"docIds":["a"]}\n\nevent: not.an.event\ndata: {}\n\n'));
        },
      });
      return new Response(body, { status: 200 });
    }) as typeof globalThis.fetch;
    const c = new HttpClient({ baseUrl: '', token: 'tok', fetch });
    const got = await new Promise<unknown>((resolve) => c.on('library.changed', resolve));
    expect(got).toEqual({ docIds: ['a'] });
    expect(seenAuth).toBe('Bearer tok');
    c.close();
  });
});

describe('HttpClient.addFiles', () => {
  it('uploads each file with its name and the collection, collecting the job ids', async () => {
    const seen: { url: string; name: string }[] = [];
    const fetch = (async (url: string, init?: RequestInit) => {
      seen.push({ url, name: (init?.headers as Record<string, string>)['X-File-Name']! });
      return json(200, { jobIds: [`j${seen.length}`] });
    }) as typeof globalThis.fetch;
    const c = new HttpClient({ baseUrl: '', token: 't', fetch });
    const progress: number[] = [];
    const res = await c.addFiles([{ file: new File(['a'], 'a b.pdf') }, { file: new File(['b'], 'x.md'), relativePath: 'notes/x.md' }], 'my papers', (d) => progress.push(d));
    expect(res).toEqual({ jobIds: ['j1', 'j2'] });
    expect(seen).toEqual([
      { url: '/api/upload?collection=my%20papers', name: 'a%20b.pdf' },
      { url: '/api/upload?collection=my%20papers', name: 'x.md' },
    ]);
    expect(progress).toEqual([1, 2]);
  });

  it('keeps going past a refused file and fails only when all were refused', async () => {
    let n = 0;
    const fetch = (async () => (++n === 1 ? json(413, { error: { code: 'FILE_TOO_LARGE', message: 'too big' } }) : json(200, { jobIds: ['ok'] }))) as typeof globalThis.fetch;
    const c = new HttpClient({ baseUrl: '', token: 't', fetch });
    expect(await c.addFiles([{ file: new File(['a'], 'big.pdf') }, { file: new File(['b'], 'small.pdf') }], 'default')).toEqual({ jobIds: ['ok'] });
    const all = new HttpClient({ baseUrl: '', token: 't', fetch: (async () => json(413, { error: { code: 'FILE_TOO_LARGE', message: 'too big' } })) as typeof globalThis.fetch });
    await expect(all.addFiles([{ file: new File(['a'], 'big.pdf') }], 'default')).rejects.toThrow('too big');
  });
});
