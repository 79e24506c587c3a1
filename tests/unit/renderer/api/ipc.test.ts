import { expect, it } from 'vitest';
import { methods, type EventName, type QuarryBridge } from '../../../../contract';
import { ClientError } from '../../../../renderer/api/client';
import { IpcClient } from '../../../../renderer/api/ipc';

function bridge(): QuarryBridge & { emit(name: EventName, p: unknown): void; paths: Map<File, string> } {
  const listeners = new Set<(n: EventName, p: unknown) => void>();
  const paths = new Map<File, string>();
  const api = Object.fromEntries(
    methods.map((m) => [m, async (input: unknown) => (m === 'library.remove' ? { ok: false, error: { code: 'NOT_FOUND', message: 'gone' } } : { ok: true, value: { method: m, input } })]),
  ) as unknown as QuarryBridge['api'];
  return {
    api,
    onEvent: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    readFile: async () => ({ ok: true, value: new Uint8Array([37, 80, 68, 70]) }),
    pickPaths: async () => ['/a.pdf'],
    pathForFile: (f) => paths.get(f) ?? '',
    onMenu: () => () => undefined,
    platform: 'linux',
    emit: (n, p) => listeners.forEach((fn) => fn(n, p)),
    paths,
  };
}

it('calls the generated per-method function and unwraps the reply', async () => {
  const c = new IpcClient(bridge());
  expect(await c.call('library.page', { docId: 'd', page: 2 })).toEqual({ method: 'library.page', input: { docId: 'd', page: 2 } });
});

it('rethrows an error reply as a ClientError with the code intact', async () => {
  const e = await new IpcClient(bridge()).call('library.remove', { docId: 'x' }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ClientError);
  expect((e as ClientError).info.code).toBe('NOT_FOUND');
});

it('routes bridge events to the subscribers of that event only', () => {
  const b = bridge();
  const c = new IpcClient(b);
  const got: unknown[] = [];
  const off = c.on('library.changed', (p) => got.push(p));
  c.on('ingest.progress', () => got.push('wrong'));
  b.emit('library.changed', { docIds: ['1'] });
  off();
  b.emit('library.changed', { docIds: ['2'] });
  expect(got).toEqual([{ docIds: ['1'] }]);
});

it('ingests dropped files in place by their paths, and gives pdf.js the bytes', async () => {
  const b = bridge();
  const f = new File(['x'], 'a.pdf');
  b.paths.set(f, '/home/me/a.pdf');
  const c = new IpcClient(b);
  expect(await c.addFiles([{ file: f }], 'papers')).toEqual({ method: 'library.ingest', input: { paths: ['/home/me/a.pdf'], collection: 'papers' } });
  expect(await c.pdfSource('d')).toEqual({ data: new Uint8Array([37, 80, 68, 70]) });
});
