// The only bridge between the page and the app: `window.quarry`, generated from the contract.
// It runs sandboxed with context isolation, so the page gets these functions and nothing of
// Electron or Node. Channel names come from contract/api.ts, the one place they exist.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { ipcChannels, isEventName, menuCommands, methods, type EventName, type MenuCommand, type QuarryBridge } from '../contract';

const api = Object.fromEntries(methods.map((m) => [m, (input: unknown) => ipcRenderer.invoke(ipcChannels.invoke, m, input)])) as unknown as QuarryBridge['api'];

const bridge: QuarryBridge = {
  api,
  onEvent(listener) {
    // The IpcRendererEvent is never handed to the page: it carries `sender`, a way back into IPC.
    const fn = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (typeof name === 'string' && isEventName(name)) listener(name as EventName, payload);
    };
    ipcRenderer.on(ipcChannels.event, fn);
    return () => void ipcRenderer.removeListener(ipcChannels.event, fn);
  },
  readFile: (docId) => ipcRenderer.invoke(ipcChannels.file, docId),
  pickPaths: (kind) => ipcRenderer.invoke(ipcChannels.pickPaths, kind),
  pathForFile: (file) => webUtils.getPathForFile(file),
  onMenu(listener) {
    const fn = (_e: IpcRendererEvent, command: unknown): void => {
      if ((menuCommands as readonly unknown[]).includes(command)) listener(command as MenuCommand);
    };
    ipcRenderer.on(ipcChannels.menu, fn);
    return () => void ipcRenderer.removeListener(ipcChannels.menu, fn);
  },
  platform: process.platform,
};

contextBridge.exposeInMainWorld('quarry', bridge);
