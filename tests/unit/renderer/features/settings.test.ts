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
