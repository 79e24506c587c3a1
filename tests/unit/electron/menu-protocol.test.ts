import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveAppFile } from '../../../electron/app-protocol';
import { buildMenuTemplate } from '../../../electron/menu';
import { tempDir } from '../../helpers/shared';

const noop = { addFiles: () => undefined, addFolder: () => undefined, command: () => undefined, openHelp: () => undefined };

describe('native menu', () => {
  it('puts the app menu first on macOS and Settings under File elsewhere', () => {
    const mac = buildMenuTemplate({ isMac: true, isDev: false, appName: 'Quarry' }, noop);
    expect(mac[0]!.label).toBe('Quarry');
    const linux = buildMenuTemplate({ isMac: false, isDev: false, appName: 'Quarry' }, noop);
    expect(linux[0]!.label).toBe('File');
    const file = linux[0]!.submenu as { label?: string; accelerator?: string }[];
    expect(file.map((i) => i.label)).toContain('Settings…');
    expect(file.find((i) => i.label === 'Add Files…')?.accelerator).toBe('CmdOrCtrl+O');
  });

  it('offers reload and developer tools only in development', () => {
    const roles = (isDev: boolean) => JSON.stringify(buildMenuTemplate({ isMac: false, isDev, appName: 'Q' }, noop));
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('sends the Go commands to the page', () => {
    const sent: string[] = [];
    const t = buildMenuTemplate({ isMac: false, isDev: false, appName: 'Q' }, { ...noop, command: (c) => sent.push(c) });
    const go = t.find((m) => m.label === 'Go')!.submenu as { click: () => void }[];
    go.forEach((i) => i.click());
    expect(sent).toEqual(['library', 'search', 'activity', 'chat']);
  });
});

describe('app:// protocol', () => {
  it('serves the renderer with its CSP, and nothing outside it', async () => {
    const { dir, cleanup } = await tempDir();
    const web = path.join(dir, 'renderer');
    await mkdir(path.join(web, 'assets'), { recursive: true });
    await writeFile(path.join(web, 'index.html'), '<!doctype html>');
    await writeFile(path.join(web, 'assets', 'a.js'), 'x');
    await writeFile(path.join(dir, 'secret.txt'), 'secret');
    const index = await serveAppFile(web, 'app://quarry/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await serveAppFile(web, 'app://quarry/assets/a.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await serveAppFile(web, 'app://quarry/missing.js')).status).toBe(404);
    const escape = await serveAppFile(web, 'app://quarry/..%2fsecret.txt');
    expect(await escape.text()).not.toBe('secret');
    await cleanup();
  });
});
