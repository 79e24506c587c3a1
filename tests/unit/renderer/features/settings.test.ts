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
