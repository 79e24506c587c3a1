import { expect, it } from 'vitest';
import { createSettingsStore, effectiveTheme, readPreferences } from '../../../../renderer/features/settings/store';
import { FakeClient } from '../fake-client';

it('persists theme and density, and ignores malformed stored values', () => {
  const m = new Map<string, string>();
  const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  const s = createSettingsStore(new FakeClient(), storage);
  expect(s.getState().theme).toBe('system');
  s.getState().setTheme('dark');
  s.getState().setDensity('compact');
  expect(readPreferences(storage)).toEqual({ theme: 'dark', density: 'compact' });
  m.set('quarry.preferences', '{"theme":"neon"');
  expect(readPreferences(storage)).toEqual({ theme: 'system', density: 'comfortable' });
  m.set('quarry.preferences', '{"theme":"neon"}');
  expect(readPreferences(storage).theme).toBe('system');
});

it('follows the OS in system mode', () => {
  expect(effectiveTheme('system', true)).toBe('dark');
  expect(effectiveTheme('system', false)).toBe('light');
  expect(effectiveTheme('light', true)).toBe('light');
});

it('loads the library status, or keeps the error', async () => {
  const client = new FakeClient();
  const s = createSettingsStore(client);
  await s.getState().loadStatus();
  expect(s.getState().statusError?.code).toBe('NOT_FOUND');
});

it('loads engine settings and models, saves, tests a remote and follows downloads', async () => {
  const client = new FakeClient();
  const view = { dataDir: '/d', answer: { provider: 'auto' as const, redact: 'remote' as const }, embedder: { kind: 'use' }, keyStorage: 'environment' as const };
  client.handlers['settings.get'] = () => view;
  client.handlers['models.list'] = () => ({ models: [{ id: 'm', kind: 'embedding', name: 'M', license: 'MIT', state: 'missing', bytesOnDisk: 0, bytesTotal: 100 }] });
  client.handlers['settings.update'] = () => ({ ok: true, restartRequired: true });
  client.handlers['settings.testRemote'] = (i) => ({ ok: true, models: [i.model], modelFound: true, tookMs: 5 });
  client.handlers['models.pull'] = () => ({ ok: true });
  const s = createSettingsStore(client);
  s.getState().connect();
  await s.getState().loadEngine();
  expect(s.getState().engine).toEqual(view);
  expect(s.getState().models.map((m) => m.id)).toEqual(['m']);
  expect(await s.getState().save({ answer: { provider: 'extractive' } })).toBe(true);
  expect(s.getState().restartNeeded).toBe(true);
  await s.getState().testRemote({ baseUrl: 'http://127.0.0.1:1/v1', model: 'x' });
  expect(s.getState().test).toMatchObject({ ok: true, modelFound: true });
  await s.getState().pull('m');
  expect(s.getState().downloads.m!.state).toBe('downloading');
  client.emit('models.progress', { id: 'm', bytesDone: 50, bytesTotal: 100, bytesPerSecond: 10, state: 'downloading' });
  expect(s.getState().downloads.m!.bytesDone).toBe(50);
  client.handlers['settings.update'] = () => {
    throw new Error('bad url');
  };
  expect(await s.getState().save({})).toBe(false);
  expect(s.getState().engineError?.message).toBe('bad url');
});

it('calibrates on request: progress from events, the status reloaded after, errors kept', async () => {
  const client = new FakeClient();
  let statusCalls = 0;
  client.handlers['library.status'] = () => {
    statusCalls++;
    return { dataDir: '/d', documents: 1, chunks: 2, collections: [], embedder: { id: 'use-512', dimension: 512, kind: 'use' }, fusion: { method: 'minmax', denseWeight: 0.2, rrfK: 60 }, jobs: { queued: 0, running: 0, failed: 0, done: 0 }, failures: [], indexes: { fts: true, vector: false } };
  };
  let finish: (v: unknown) => void = () => undefined;
  client.handlers['library.calibrate'] = () => new Promise((resolve) => (finish = resolve)) as never;
  const s = createSettingsStore(client);
  const off = s.getState().connect();
  const running = s.getState().calibrate();
  expect(s.getState().calibrating).toEqual({ stage: 'sample', done: 0, total: 1 });
  client.emit('calibration.progress', { stage: 'retrieve', done: 30, total: 300 });
  expect(s.getState().calibrating).toEqual({ stage: 'retrieve', done: 30, total: 300 });
  // A second click while one runs starts nothing.
  await s.getState().calibrate();
  expect(client.calls.filter((c) => c.method === 'library.calibrate')).toHaveLength(1);
  finish({});
  await running;
  expect(s.getState().calibrating).toBeUndefined();
  expect(statusCalls).toBe(1);

  // A background re-run: its events show progress, its last step reloads the status.
  client.emit('calibration.progress', { stage: 'score', done: 0, total: 1 });
  expect(s.getState().calibrating?.stage).toBe('score');
  client.emit('calibration.progress', { stage: 'score', done: 1, total: 1 });
  expect(s.getState().calibrating).toBeUndefined();
  await Promise.resolve();
  expect(statusCalls).toBe(2);

  client.handlers['library.calibrate'] = () => {
    throw new Error('The library is empty.');
  };
  await s.getState().calibrate();
  expect(s.getState().calibrateError?.message).toBe('The library is empty.');
  expect(s.getState().calibrating).toBeUndefined();
  off();
  expect(client.listenerCount()).toBe(0);
});
