import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../contract';

export interface MenuActions {
  addFiles(): void;
  addFolder(): void;
  command(c: MenuCommand): void;
  openHelp(): void;
}

/**
 * The native menu. macOS gets the app menu first and Cmd accelerators; elsewhere the same
 * items sit under File with Ctrl. Reload and developer tools exist only in development.
 */
export function buildMenuTemplate(opts: { isMac: boolean; isDev: boolean; appName: string }, act: MenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Add Files…', accelerator: 'CmdOrCtrl+O', click: () => act.addFiles() },
      { label: 'Add Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => act.addFolder() },
      { type: 'separator' },
      opts.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const go: MenuItemConstructorOptions = {
    label: 'Go',
    submenu: [
      { label: 'Library', accelerator: 'CmdOrCtrl+1', click: () => act.command('library') },
      { label: 'Search', accelerator: 'CmdOrCtrl+K', click: () => act.command('search') },
      { label: 'Activity', accelerator: 'CmdOrCtrl+3', click: () => act.command('activity') },
      { label: 'Chat', accelerator: 'CmdOrCtrl+4', click: () => act.command('chat') },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(opts.isDev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = { role: 'help', submenu: [{ label: 'Quarry Documentation', click: () => act.openHelp() }] };
  const settings: MenuItemConstructorOptions = { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => act.command('settings') };

  if (opts.isMac) {
    return [
      { label: opts.appName, submenu: [{ role: 'about' }, { type: 'separator' }, settings, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] },
      file,
      { role: 'editMenu' },
      go,
      view,
      { role: 'windowMenu' },
      help,
    ];
  }
  (file.submenu as MenuItemConstructorOptions[]).splice(3, 0, settings, { type: 'separator' });
  return [file, { role: 'editMenu' }, go, view, help];
}
