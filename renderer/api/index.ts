import type { QuarryBridge } from '../../contract';
import type { QuarryClient } from './client';
import { HttpClient } from './http';
import { IpcClient } from './ipc';

export * from './client';

const TOKEN_KEY = 'quarry.token';

/**
 * Reads the access token: from the URL fragment the server printed (`#token=…`), which is
 * then removed from the address bar and kept in sessionStorage so a reload stays logged in
 * and the token is not left in history or screenshots.
 */
export function takeToken(loc: Pick<Location, 'hash' | 'pathname' | 'search'>, storage: Pick<Storage, 'getItem' | 'setItem'>, replace: (url: string) => void): string | undefined {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    params.delete('token');
    const rest = params.toString();
    replace(`${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * Picks the transport: the preload's `window.quarry` in the desktop app, HTTP to the page's
 * own origin otherwise. Answers undefined when neither is available (no token yet).
 */
export function createClient(win: Window & { quarry?: QuarryBridge }): QuarryClient | undefined {
  if (win.quarry) return new IpcClient(win.quarry);
  const token = takeToken(win.location, win.sessionStorage, (url) => win.history.replaceState(null, '', url));
  if (!token) return undefined;
  return new HttpClient({ baseUrl: '', token });
}
