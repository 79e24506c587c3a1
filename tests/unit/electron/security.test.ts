import { describe, expect, it } from 'vitest';
import { APP_CSP, APP_URL, isAppUrl, isSafeExternalUrl, isTrustedSender, secureWebPreferences } from '../../../electron/security';

describe('window security', () => {
  it('isolates and sandboxes every window with Node off', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, navigateOnDragDrop: false });
  });

  it('trusts only the top frame of the app’s own pages', () => {
    expect(isTrustedSender({ url: APP_URL, parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://quarry/index.html#/search', parent: null })).toBe(true);
    expect(isTrustedSender({ url: APP_URL, parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('trusts the dev server only when one is given (development builds)', () => {
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens only https links, without credentials, in the system browser', () => {
    expect(isSafeExternalUrl('https://example.com/docs')).toBe(true);
    for (const u of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com', 'nonsense']) {
      expect(isSafeExternalUrl(u), u).toBe(false);
    }
  });

  it('has the same CSP as the HTTP server and the page', async () => {
    const { CONTENT_SECURITY_POLICY } = await import('../../../main/server/static');
    expect(APP_CSP).toBe(CONTENT_SECURITY_POLICY);
    // WebAssembly compilation only (pdf.js decoders), never string evaluation.
    expect(APP_CSP.split(/[\s;]+/)).not.toContain("'unsafe-eval'");
    expect(APP_CSP).toContain("object-src 'none'");
  });
});
