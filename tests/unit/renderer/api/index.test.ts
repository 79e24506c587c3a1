import { describe, expect, it } from 'vitest';
import type { QuarryBridge } from '../../../../contract';
import { createClient, takeToken } from '../../../../renderer/api';
import { HttpClient } from '../../../../renderer/api/http';
import { IpcClient } from '../../../../renderer/api/ipc';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), clear: () => m.clear(), key: () => null, get length() { return m.size; } };
}

describe('takeToken', () => {
  it('takes the token from the fragment, keeps it for the tab and removes it from the address bar', () => {
    const storage = memoryStorage();
    let replaced: string | undefined;
    const t = takeToken({ hash: '#token=abc123&view=search', pathname: '/', search: '?x=1' }, storage, (u) => (replaced = u));
    expect(t).toBe('abc123');
    expect(storage.getItem('quarry.token')).toBe('abc123');
    expect(replaced).toBe('/?x=1#view=search');
  });

  it('falls back to the stored token after a reload, and to nothing', () => {
    const storage = memoryStorage();
    storage.setItem('quarry.token', 'kept');
    expect(takeToken({ hash: '', pathname: '/', search: '' }, storage, () => undefined)).toBe('kept');
    expect(takeToken({ hash: '', pathname: '/', search: '' }, memoryStorage(), () => undefined)).toBeUndefined();
  });
});

describe('createClient', () => {
  const loc = (hash: string) => ({ hash, pathname: '/', search: '' }) as Location;
  it('uses the preload bridge in Electron', () => {
    const win = { quarry: {} as QuarryBridge, location: loc(''), sessionStorage: memoryStorage() } as unknown as Window & { quarry?: QuarryBridge };
    expect(createClient(win)).toBeInstanceOf(IpcClient);
  });
  it('uses HTTP in a browser with a token, and nothing without one', () => {
    const history = { replaceState: () => undefined };
    const withToken = { location: loc('#token=t'), sessionStorage: memoryStorage(), history } as unknown as Window;
    expect(createClient(withToken)).toBeInstanceOf(HttpClient);
    const without = { location: loc(''), sessionStorage: memoryStorage(), history } as unknown as Window;
    expect(createClient(without)).toBeUndefined();
  });
});
