// The desktop app's main process: a single instance, one secure window serving the renderer
// from app://quarry, the engine in a utilityProcess, IPC generated from the contract, native
// menus and dialogs. The engine never runs on this thread, so the window never waits on it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import { ipcChannels, type IpcReply, type MenuCommand, type Method } from '../contract';
import { defaultDataDir } from '../main/config';
import { engineProcessEnv } from '../main/util/process-env';
import { serveAppFile } from './app-protocol';
import { EngineConnection, type HostPort } from './engine-connection';
import { registerIpc, type IpcMainLike } from './ipc';
import { buildMenuTemplate } from './menu';
import { SecretStore } from './secrets';
import { APP_HOST, APP_SCHEME, APP_URL, isAppUrl, isSafeExternalUrl, secureWebPreferences } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preload = path.join(here, '..', 'preload', 'index.cjs');
const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const HELP_URL = 'https://github.com/quarry-app/quarry#readme';

// Must happen before `ready`: the app's scheme behaves like https (secure, fetch, CORS).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

if (!app.requestSingleInstanceLock()) {
  // Another Quarry owns the library (and its lock): hand over to it and leave.
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  let engine: EngineConnection | undefined;
  let quitting = false;
  let restarting = false;
  let secrets: SecretStore | undefined;
  const dataDir = defaultDataDir();
  const API_KEY = 'remote.apiKey';

  const startEngine = (): EngineConnection => {
    // The remote provider's key comes from the OS keychain and reaches the engine as its
    // environment (how the answers module reads keys); it is never written to settings.json.
    const key = secrets?.get(API_KEY);
    const env = engineProcessEnv({ ...process.env, ...(key ? { QUARRY_API_KEY: key } : {}) });
    const child = utilityProcess.fork(path.join(here, 'engine-host.js'), [dataDir], { serviceName: 'Quarry engine', stdio: 'inherit', env });
    const port: HostPort = {
      postMessage: (m) => child.postMessage(m),
      // UtilityProcess.on is overloaded per event; HostPort's two overloads map onto it one to one.
      on: ((event: 'message' | 'exit', fn: (arg: never) => void) => void child.on(event as 'message', fn as (m: unknown) => void)) as HostPort['on'],
      kill: () => child.kill(),
    };
    const conn = new EngineConnection(
      port,
      {
        onExit: () => {
          // A crashed engine is restarted; pending calls have already failed with a typed error.
          if (!quitting && !restarting) engine = wire(startEngine());
        },
      },
    );
    return conn;
  };

  const send = (channel: string, ...args: unknown[]): void => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, ...args);
  };

  let offEvents: (() => void) | undefined;
  const wire = (conn: EngineConnection): EngineConnection => {
    offEvents?.();
    offEvents = conn.onEvent((name, payload) => send(ipcChannels.event, name, payload));
    conn.whenReady().catch((e: Error) => dialog.showErrorBox('Quarry could not open its library', `${e.message}\n\nData folder: ${dataDir}`));
    return conn;
  };

  /** Restarts the engine host (after settings change), waiting until the library is open again. */
  const restartEngine = async (): Promise<void> => {
    restarting = true;
    try {
      await engine?.close();
      engine = wire(startEngine());
      await engine.whenReady().catch(() => undefined);
    } finally {
      restarting = false;
    }
  };

  /** settings.update: the API key goes to the keychain, the rest to the engine, which then restarts. */
  const intercept = async (method: Method, input: unknown, forward: (i: unknown) => Promise<IpcReply<unknown>>): Promise<IpcReply<unknown>> => {
    if (method !== 'settings.update') return forward(input);
    const update = input as { answer?: { remote?: { apiKey?: string } | null } };
    const key = update.answer?.remote?.apiKey;
    if (key !== undefined && update.answer?.remote) {
      try {
        await secrets?.set(API_KEY, key);
      } catch (e) {
        const err = e as { code?: string; message: string; hint?: string };
        return { ok: false, error: { code: 'INTERNAL', message: err.message, hint: err.hint } };
      }
      delete update.answer.remote.apiKey;
    }
    const reply = await forward(update);
    if (!reply.ok || !(reply.value as { restartRequired?: boolean }).restartRequired) return reply;
    await restartEngine();
    return { ok: true, value: { ok: true, restartRequired: false } };
  };

  const pickPaths = async (kind: 'files' | 'folder'): Promise<string[]> => {
    const opts: Electron.OpenDialogOptions = {
      title: kind === 'folder' ? 'Add a folder to Quarry' : 'Add files to Quarry',
      properties: kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
      filters: kind === 'folder' ? undefined : [{ name: 'Documents', extensions: ['pdf', 'docx', 'md', 'markdown', 'txt', 'html', 'htm'] }, { name: 'All files', extensions: ['*'] }],
    };
    const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return r.canceled ? [] : r.filePaths;
  };

  const ingest = async (paths: string[]): Promise<void> => {
    if (!paths.length || !engine) return;
    const reply = await engine.call('library.ingest', { paths, collection: 'default', tags: [] });
    if (!reply.ok) dialog.showErrorBox('Could not add the files', `${reply.error.message}${reply.error.hint ? `\n\n${reply.error.hint}` : ''}`);
    send(ipcChannels.menu, 'library' satisfies MenuCommand);
  };

  const createWindow = async (): Promise<void> => {
    win = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 1024,
      minHeight: 700,
      show: false,
      title: 'Quarry',
      backgroundColor: '#f6f7f9',
      webPreferences: secureWebPreferences(preload),
    });
    const wc = win.webContents;
    // No new windows: https links the user clicked go to the system browser, nothing else opens.
    wc.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    // The window never leaves the app (a dropped file would otherwise replace the page).
    wc.on('will-navigate', (e, url) => {
      if (!isAppUrl(url, devServer)) e.preventDefault();
    });
    wc.on('will-redirect', (e, url) => {
      if (!isAppUrl(url, devServer)) e.preventDefault();
    });
    wc.on('will-attach-webview', (e) => e.preventDefault());
    win.once('ready-to-show', () => win?.show());
    win.on('closed', () => (win = undefined));
    await win.loadURL(devServer ?? APP_URL);
  };

  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    // `quarry-desktop file.pdf` while running adds the file to the running app.
    const files = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-') && path.isAbsolute(a));
    void ingest(files);
  });
  app.on('open-file', (e, file) => {
    e.preventDefault();
    void ingest([file]);
  });

  app.whenReady().then(async () => {
    // Every permission (camera, notifications, geolocation…) is refused: the app needs none.
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, done) => done(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, (req) => {
      const u = new URL(req.url);
      if (u.host !== APP_HOST) return new Response('Not found', { status: 404 });
      return serveAppFile(rendererDir, req.url);
    });

    secrets = await SecretStore.open(app.getPath('userData'), safeStorage);
    engine = wire(startEngine());
    registerIpc({
      ipcMain: ipcMain as unknown as IpcMainLike,
      engine: { call: (m, i) => engine!.call(m, i), readFile: (d) => engine!.readFile(d) },
      pickPaths: (kind) => pickPaths(kind),
      devServer,
      intercept,
    });

    const command = (c: MenuCommand): void => send(ipcChannels.menu, c);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate(
          { isMac: process.platform === 'darwin', isDev: !app.isPackaged, appName: app.name },
          {
            addFiles: () => void pickPaths('files').then(ingest),
            addFolder: () => void pickPaths('folder').then(ingest),
            command,
            openHelp: () => void shell.openExternal(HELP_URL),
          },
        ),
      ),
    );
    await createWindow();
    app.on('activate', () => {
      if (!win) void createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (e) => {
    if (quitting || !engine) return;
    // Let the engine finish its writes and release the library lock before exiting.
    e.preventDefault();
    quitting = true;
    void engine.close().finally(() => app.quit());
  });
}
