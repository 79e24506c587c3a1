import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorInfo, JobInfo } from '../../../../../contract';
import { buildRows } from '../../../../../renderer/features/library/rows';
import { createLibraryStore } from '../../../../../renderer/features/library/store';
import { ClientError } from '../../../../../renderer/api/client';
import { fakeDoc, progress } from '../../../server/fake-engine';
import { FakeClient } from '../../fake-client';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup() {
  const client = new FakeClient();
  const errors: ErrorInfo[] = [];
  let docs = [fakeDoc('d1', '/a.pdf')];
  let jobs: JobInfo[] = [];
  client.handlers['library.documents'] = () => ({ documents: docs });
  client.handlers['jobs.list'] = () => ({ jobs, progress: progress({ stage: 'done', filesTotal: 0 }) });
  const store = createLibraryStore({ client, onError: (e) => errors.push(e), now: () => 5000, coalesceMs: 100 });
  return { client, store, errors, setDocs: (d: typeof docs) => (docs = d), setJobs: (j: JobInfo[]) => (jobs = j) };
}

describe('library store', () => {
  it('loads documents and jobs', async () => {
    const { store } = setup();
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ loaded: true, loadError: undefined });
    expect(store.getState().documents.map((d) => d.docId)).toEqual(['d1']);
  });

  it('cancelling a new file leaves it listed as Cancelled at once, not gone', async () => {
    const { store, client, setDocs, setJobs } = setup();
    const running: JobInfo = { jobId: 'j', docId: 'd2', path: '/b.docx', collection: 'default', state: 'running', attempts: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '' };
    setDocs([fakeDoc('d1', '/a.pdf'), fakeDoc('d2', '/b.docx', 'default', { status: 'processing' })]);
    setJobs([running]);
    await store.getState().refresh();
    // The engine drops the new document and records the job as cancelled.
    client.handlers['jobs.cancel'] = () => {
      setDocs([fakeDoc('d1', '/a.pdf')]);
      setJobs([{ ...running, state: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled' } }]);
      return { ok: true as const };
    };
    await store.getState().cancel('j');
    const rows = buildRows(store.getState().documents, store.getState().jobs, {}, 0);
    expect(rows.find((r) => r.name === 'b.docx')).toMatchObject({ status: 'cancelled', jobId: 'j', activeJobId: undefined });
  });

  it('keeps a load failure to show in place of the table', async () => {
    const { store, client } = setup();
    client.handlers['library.documents'] = () => {
      throw new Error('store is locked');
    };
    await store.getState().refresh();
    expect(store.getState().loadError?.message).toBe('store is locked');
  });

  it('folds progress events at once and coalesces change events into one reload', async () => {
    const { store, client, setDocs } = setup();
    const off = store.getState().connect();
    client.emit('ingest.progress', progress({ jobId: 'j', path: '/b.pdf', stage: 'parse', filesTotal: 2 }));
    expect(store.getState().files.j).toMatchObject({ stage: 'parse', startedAt: 5000 });
    expect(store.getState().queue?.filesTotal).toBe(2);
    setDocs([fakeDoc('d1', '/a.pdf'), fakeDoc('d2', '/b.pdf')]);
    for (let i = 0; i < 20; i++) client.emit('library.changed', { docIds: ['d2'] });
    await vi.advanceTimersByTimeAsync(150);
    expect(client.calls.filter((c) => c.method === 'library.documents')).toHaveLength(1);
    expect(store.getState().documents).toHaveLength(2);
    off();
    expect(client.listenerCount()).toBe(0);
  });

  it('re-reads the job list when a job finishes', async () => {
    const { store, client, setJobs } = setup();
    store.getState().connect();
    setJobs([{ jobId: 'j', path: '/b.pdf', collection: 'default', state: 'done', attempts: 1, createdAt: '', updatedAt: '' }]);
    client.emit('ingest.progress', progress({ jobId: 'j', stage: 'done' }));
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().jobs[0]!.state).toBe('done');
  });

  it('after a page reload shows each running file in the stage the engine reports, not "Reading"', async () => {
    const { store, setJobs } = setup();
    const base = { collection: 'default', attempts: 1, createdAt: '', updatedAt: '' } as const;
    setJobs([
      { ...base, jobId: 'e', path: '/small.pdf', state: 'running', live: { stage: 'embed', pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 2, chunksAhead: 120 } },
      { ...base, jobId: 'p', path: '/big.pdf', state: 'running', live: { stage: 'parse', pagesDone: 40, pagesTotal: 80, chunksDone: 0, chunksTotal: 0 } },
      { ...base, jobId: 'q', path: '/later.pdf', state: 'queued' },
    ]);
    // A fresh store, as after a reload: no events seen yet.
    await store.getState().refresh();
    const { files, documents, jobs } = store.getState();
    expect(files.e).toMatchObject({ stage: 'embed', chunksAhead: 120, exact: true });
    expect(files.p).toMatchObject({ stage: 'parse', pagesDone: 40, pagesTotal: 80 });
    expect(files.q).toBeUndefined();
    const rows = buildRows(documents, jobs, files, 5000);
    expect(rows.find((r) => r.path === '/small.pdf')!.progress).toMatchObject({ stage: 'embed', waiting: true, chunksAhead: 120, fraction: 0.5 });
    expect(rows.find((r) => r.path === '/big.pdf')!.progress).toMatchObject({ stage: 'parse', fraction: 0.225 });
  });

  it('drops the progress of a job that ended while events were missed', async () => {
    const { store, client, setJobs } = setup();
    store.getState().connect();
    client.emit('ingest.progress', progress({ jobId: 'j', path: '/b.pdf', stage: 'embed', filesTotal: 2, file: { pagesDone: 1, pagesTotal: 1, chunksDone: 1, chunksTotal: 2 } }));
    expect(store.getState().files.j).toBeDefined();
    setJobs([{ jobId: 'j', path: '/b.pdf', collection: 'default', state: 'done', attempts: 1, createdAt: '', updatedAt: '' }]);
    await store.getState().refresh();
    expect(store.getState().files.j).toBeUndefined();
  });

  it('reloads everything after the event stream reconnects', async () => {
    const { store, client } = setup();
    store.getState().connect();
    await store.getState().refresh();
    const before = client.calls.length;
    client.setConnection('open');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.calls.slice(before).map((c) => c.method).sort()).toEqual(['jobs.list', 'library.collections', 'library.documents']);
  });

  it('uploads into the selected collection', async () => {
    const { store, client } = setup();
    store.getState().selectCollection('papers');
    await store.getState().addFiles([{ file: new File(['x'], 'x.pdf') }]);
    expect(client.uploads).toEqual([{ names: ['x.pdf'], collection: 'papers' }]);
    expect(store.getState().uploading).toBeUndefined();
  });

  it('skips files of types it does not read when they come from a folder, and says so', async () => {
    const client = new FakeClient();
    client.handlers['library.documents'] = () => ({ documents: [] });
    client.handlers['jobs.list'] = () => ({ jobs: [], progress: progress({ stage: 'done', filesTotal: 0 }) });
    const infos: string[] = [];
    const store = createLibraryStore({ client, onError: () => undefined, onInfo: (t) => infos.push(t), now: () => 5000, coalesceMs: 100 });
    const f = (relativePath: string | undefined, name = relativePath?.split('/').pop() ?? 'x') => ({ file: new File(['x'], name), relativePath });
    await store.getState().addFiles([
      f('docs/a.pdf'), f('docs/sub/b.DOCX'), f('docs/sheet.xlsx'), f('docs/sub/t.xlsx'), f('docs/book.epub'), f('docs/README'),
      // Chosen one by one (no folder): kept, and the engine says what it is.
      f(undefined, 'loose.xlsx'), f('dropped.rtf'),
    ]);
    expect(client.uploads).toEqual([{ names: ['a.pdf', 'b.DOCX', 'loose.xlsx', 'dropped.rtf'], collection: 'default' }]);
    expect(infos[0]).toBe('Skipped 4 files Quarry does not read (.xlsx ×2, no extension, .epub).');
    // A folder with nothing readable uploads nothing.
    await store.getState().addFiles([f('pics/a.png')]);
    expect(client.uploads).toHaveLength(1);
    expect(infos.at(-1)).toBe('Skipped 1 file Quarry does not read (.png).');
  });

  it('passes a password to reindex and reports a wrong one', async () => {
    const { store, client, errors } = setup();
    client.handlers['library.reindex'] = (input) => {
      if (input.password !== 'right') throw Object.assign(new Error('Wrong password'), {});
      return { jobIds: ['r'] };
    };
    await store.getState().reindex('d1', 'right');
    expect(client.calls.find((c) => c.method === 'library.reindex')?.input).toEqual({ docId: 'd1', password: 'right' });
    await store.getState().reindex('d1', 'wrong');
    expect(errors.map((e) => e.message)).toEqual(['Wrong password']);
  });

  it('cleans tags before saving them', async () => {
    const { store, client } = setup();
    client.handlers['library.setTags'] = () => ({ ok: true });
    await store.getState().refresh();
    await store.getState().setTags('d1', [' a', 'b ', 'a', '']);
    expect(client.calls.find((c) => c.method === 'library.setTags')?.input).toEqual({ docId: 'd1', tags: ['a', 'b'] });
    expect(store.getState().documents[0]!.tags).toEqual(['a', 'b']);
  });

  it('removes a document from the list once the engine confirms, and brings it back on undo', async () => {
    const { store, client, setDocs, errors } = setup();
    client.handlers['library.remove'] = () => ({ ok: true });
    await store.getState().refresh();
    expect(await store.getState().remove('d1')).toBe(true);
    expect(store.getState().documents).toEqual([]);
    // Undo: the engine restores it and the list reloads with it.
    client.handlers['library.restore'] = () => ({ ok: true });
    expect(await store.getState().restore('d1')).toBe(true);
    expect(client.calls.filter((c) => c.method === 'library.restore').map((c) => c.input)).toEqual([{ docId: 'd1' }]);
    expect(store.getState().documents.map((d) => d.docId)).toEqual(['d1']);
    // Too late: the engine refuses, the error is reported, nothing claims success.
    setDocs([]);
    client.handlers['library.restore'] = () => {
      throw new ClientError({ code: 'NOT_FOUND', message: 'd1 cannot be restored: its removal is final.' });
    };
    expect(await store.getState().restore('d1')).toBe(false);
    expect(errors.at(-1)?.code).toBe('NOT_FOUND');
    // A refused remove says so too (the view shows no "Removed" toast then).
    client.handlers['library.remove'] = () => {
      throw new ClientError({ code: 'NOT_FOUND', message: 'No document d9.' });
    };
    expect(await store.getState().remove('d9')).toBe(false);
  });

  it('toggles sort direction on the same column and picks a sensible one for a new column', () => {
    const { store } = setup();
    store.getState().sortBy('name');
    expect(store.getState().sort).toEqual({ key: 'name', dir: 'asc' });
    store.getState().sortBy('name');
    expect(store.getState().sort).toEqual({ key: 'name', dir: 'desc' });
    store.getState().sortBy('bytes');
    expect(store.getState().sort).toEqual({ key: 'bytes', dir: 'desc' });
  });
});

describe('dismissed jobs', () => {
  it('dismisses the finished jobs of a removed document and keeps the list across reloads', async () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const client = new FakeClient();
    client.handlers['library.documents'] = () => ({ documents: [fakeDoc('d1', '/a.pdf', 'default', { status: 'failed' })] });
    client.handlers['jobs.list'] = () => ({
      jobs: [
        { jobId: 'old', path: '/a.pdf', collection: 'default', state: 'failed', attempts: 1, createdAt: '', updatedAt: '', docId: 'd1' },
        { jobId: 'other', path: '/b.pdf', collection: 'default', state: 'failed', attempts: 1, createdAt: '', updatedAt: '', docId: 'd2' },
      ],
      progress: progress({ stage: 'done' }),
    });
    client.handlers['library.remove'] = () => ({ ok: true });
    const store = createLibraryStore({ client, onError: () => undefined, storage });
    await store.getState().refresh();
    await store.getState().remove('d1');
    expect([...store.getState().dismissed]).toEqual(['old']);
    const again = createLibraryStore({ client, onError: () => undefined, storage });
    expect(again.getState().dismissed.has('old')).toBe(true);
  });
});

/** A Storage stand-in that outlives the store, as localStorage outlives a page. */
function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('collections', () => {
  it('lists the collections the engine keeps, created empty ones included, and still loads when it cannot', async () => {
    const { store, client } = setup();
    client.handlers['library.collections'] = () => ({ collections: [{ name: 'Finance Q3', documents: 0 }, { name: 'default', documents: 1 }] });
    await store.getState().refresh();
    expect(store.getState().collectionNames).toEqual(['Finance Q3', 'default']);
    // An engine without the method (an older team server): the library loads all the same.
    delete client.handlers['library.collections'];
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ loadError: undefined, collectionNames: ['Finance Q3', 'default'] });
  });

  it('creates a collection in the engine and lists it; a refusal is reported and creates nothing', async () => {
    const { store, client, errors } = setup();
    const created: string[] = [];
    client.handlers['library.createCollection'] = ({ name }) => {
      if (name.length > 200) throw new ClientError({ code: 'INVALID_INPUT', message: 'Too long' });
      created.push(name);
      return { ok: true };
    };
    client.handlers['library.collections'] = () => ({ collections: created.map((name) => ({ name, documents: 0 })) });
    expect(await store.getState().createCollection('Finance Q3')).toBe(true);
    expect(store.getState().collectionNames).toEqual(['Finance Q3']);
    expect(await store.getState().createCollection('x'.repeat(201))).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    expect(store.getState().collectionNames).toEqual(['Finance Q3']);
  });

  it('deletes the selected collection and shows all documents, without the old filter', async () => {
    const { store, client } = setup();
    let names = ['Finance Q3'];
    client.handlers['library.collections'] = () => ({ collections: names.map((name) => ({ name, documents: 0 })) });
    client.handlers['library.deleteCollection'] = ({ name }) => {
      names = names.filter((n) => n !== name);
      return { ok: true };
    };
    store.getState().selectCollection('Finance Q3');
    store.getState().setFilter('budget');
    expect(await store.getState().deleteCollection('Finance Q3')).toBe(true);
    expect(store.getState()).toMatchObject({ collection: null, filter: '', collectionNames: [] });
  });

  it('clears the filter when another collection is selected, and keeps it when the same one is', () => {
    const { store } = setup();
    store.getState().selectCollection('papers');
    store.getState().setFilter('2023');
    store.getState().selectCollection('papers');
    expect(store.getState().filter).toBe('2023');
    store.getState().selectCollection('Finance Q3');
    expect(store.getState()).toMatchObject({ collection: 'Finance Q3', filter: '' });
  });
});

describe('clearing Activity', () => {
  const job = (jobId: string, state: JobInfo['state'], updatedAt: string): JobInfo => ({ jobId, path: `/${jobId}.pdf`, collection: 'default', state, attempts: 1, createdAt: updatedAt, updatedAt });

  it('dismisses a failed job taken off the list (it no longer needs attention), and remembers both across reloads', async () => {
    const storage = memoryStorage();
    const client = new FakeClient();
    client.handlers['library.documents'] = () => ({ documents: [] });
    client.handlers['jobs.list'] = () => ({ jobs: [job('bad', 'failed', '2026-01-02T00:00:00Z'), job('ok', 'done', '2026-01-01T00:00:00Z')], progress: progress({ stage: 'done' }) });
    const store = createLibraryStore({ client, onError: () => undefined, storage });
    await store.getState().refresh();
    store.getState().clearJobs(['bad', 'ok']);
    expect([...store.getState().cleared.ids]).toEqual(['bad', 'ok']);
    // Only the failure is dismissed: a done job was never one to deal with.
    expect([...store.getState().dismissed]).toEqual(['bad']);
    const again = createLibraryStore({ client, onError: () => undefined, storage });
    expect([...again.getState().cleared.ids]).toEqual(['bad', 'ok']);
    expect(again.getState().dismissed.has('bad')).toBe(true);
  });

  it('clears finished jobs up to the newest of them, by the engine’s clock, and never moves that mark back', () => {
    const storage = memoryStorage();
    const store = createLibraryStore({ client: new FakeClient(), onError: () => undefined, storage });
    store.getState().clearFinished([job('a', 'done', '2026-01-01T10:00:00Z'), job('b', 'cancelled', '2026-01-01T12:00:00Z')]);
    expect(store.getState().cleared.finishedThrough).toBe('2026-01-01T12:00:00Z');
    store.getState().clearFinished([job('old', 'done', '2025-12-31T00:00:00Z')]);
    expect(store.getState().cleared.finishedThrough).toBe('2026-01-01T12:00:00Z');
    expect(createLibraryStore({ client: new FakeClient(), onError: () => undefined, storage }).getState().cleared.finishedThrough).toBe('2026-01-01T12:00:00Z');
  });
});
