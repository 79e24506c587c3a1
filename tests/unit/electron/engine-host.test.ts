import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EngineConnection, type HostPort } from '../../../electron/engine-connection';
import { createHostHandler } from '../../../electron/host-handler';
import { isFromHost, isToHost, type FromHost, type ToHost } from '../../../electron/protocol';
import { sharedPath } from '../../helpers/shared';
import { FakeEngine, progress } from '../server/fake-engine';

/**
 * Connects an EngineConnection (main process side) to a host handler (utilityProcess side)
 * through an in-memory port: the same messages a utilityProcess would carry, without Electron.
 */
function pair(engine = Object.assign(new FakeEngine(), { close: async () => undefined })) {
  const main = new EventEmitter();
  const box: { handler?: ReturnType<typeof createHostHandler> } = {};
  const killed: boolean[] = [];
  const port: HostPort = {
    postMessage: (m: ToHost) => void setImmediate(() => box.handler!.onMessage(structuredClone(m))),
    on: ((event: string, fn: (x: unknown) => void) => void main.on(event, fn)) as HostPort['on'],
    kill: () => killed.push(true) > 0,
  };
  const conn = new EngineConnection(port);
  box.handler = createHostHandler(engine, (m: FromHost) => setImmediate(() => main.emit('message', structuredClone(m))));
  main.emit('message', { kind: 'ready' });
  return { conn, engine, main, killed };
}

describe('engine host protocol', () => {
  it('answers calls with the engine’s output or its typed error', async () => {
    const { conn } = pair();
    expect(await conn.call('library.ingest', { paths: ['/a.pdf'] })).toEqual({ ok: true, value: { jobIds: ['job-1'] } });
    expect(await conn.call('library.remove', { docId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await conn.call('library.page', { docId: 'x', page: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('forwards engine events to the main process', async () => {
    const { conn, engine } = pair();
    await conn.whenReady();
    const got: unknown[] = [];
    conn.onEvent((name, p) => got.push([name, p]));
    engine.emit('library.changed', { docIds: ['d'] });
    engine.emit('ingest.progress', progress({ stage: 'embed' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(got.map((g) => (g as [string])[0])).toEqual(['library.changed', 'ingest.progress']);
  });

  it('reads an original file for the viewer', async () => {
    const { conn, engine } = pair();
    const pdf = sharedPath('corpus', 'pdf', 'encrypted', 'pdfjs__issue6010_1.pdf');
    engine.files.set('p', pdf);
    const r = await conn.readFile('p');
    expect(r.ok && r.value.byteLength).toBe(1116);
    expect(await conn.readFile('missing')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('fails pending calls with a typed error when the host dies, instead of hanging', async () => {
    const engine = Object.assign(new FakeEngine(), { close: async () => undefined });
    engine.handlers['search.query'] = () => new Promise(() => undefined);
    const { conn, main } = pair(engine);
    const pending = conn.call('search.query', { query: 'x' });
    await new Promise((r) => setTimeout(r, 10));
    main.emit('exit', 9);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('exit code 9') } });
    expect(await conn.call('library.documents', {})).toMatchObject({ ok: false });
  });

  it('reports a host that could not open the library', async () => {
    const main = new EventEmitter();
    const conn = new EngineConnection({ postMessage: () => undefined, on: ((e: string, fn: (x: unknown) => void) => void main.on(e, fn)) as HostPort['on'], kill: () => true });
    main.emit('message', { kind: 'fatal', error: { code: 'STORE_LOCKED', message: 'Another Quarry has the library open.' } });
    await expect(conn.whenReady()).rejects.toThrow('Another Quarry');
  });

  it('closes the engine, then the process', async () => {
    let closed = false;
    const { conn, killed } = pair(Object.assign(new FakeEngine(), { close: async () => void (closed = true) }));
    await conn.close();
    expect(closed).toBe(true);
    expect(killed).toEqual([true]);
  });

  it('recognises only well-formed messages', () => {
    expect(isToHost({ kind: 'call', id: 1, method: 'x', input: {} })).toBe(true);
    expect(isToHost({ kind: 'call' })).toBe(false);
    expect(isToHost(null)).toBe(false);
    expect(isFromHost({ kind: 'event', name: 'x', payload: 1 })).toBe(true);
    expect(isFromHost({ kind: 'nope' })).toBe(false);
  });
});
