// The desktop window's security rules as plain functions (Electron's security checklist, as
// VS Code applies it), so they are unit-tested without an Electron binary.

/** The scheme and host the app's own pages are served from (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'quarry';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** webPreferences of every window: isolated, sandboxed, no Node, nothing loosened. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    // A dev tools window can only be opened from the app menu in development builds.
    devTools: process.env.NODE_ENV === 'development',
  } as const;
}

/**
 * Whether a URL belongs to the app itself: `app://quarry/…`, or in development the dev
 * server's origin. (`new URL('app://quarry/').origin` is "null" for custom schemes, so the
 * scheme and host are compared instead.)
 */
export function isAppUrl(url: string, devServer?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  if (devServer) {
    try {
      return u.origin === new URL(devServer).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Whether an IPC message comes from the app's own top-level page. Every handler checks this:
 * a frame the page embedded, or a page the window was somehow navigated to, gets nothing.
 */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, devServer?: string): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isAppUrl(frame.url, devServer);
}

/** Links the user may open in the system browser: https only, no credentials in the URL. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The Content-Security-Policy of the app's pages (shared with the browser build). */
export { APP_CSP } from '../contract/csp';
