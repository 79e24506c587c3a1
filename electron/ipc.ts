import { ipcChannels, isMethod, type IpcReply, type Method } from '../contract';
import { parseInput } from '../main/server/api-routes';
import { QuarryError, toQuarryError } from '../main/util/errors';
import type { EngineConnection } from './engine-connection';
import { isTrustedSender } from './security';

/** What an IPC handler sees of the event (Electron's IpcMainInvokeEvent, narrowed for tests). */
export interface InvokeEvent {
  senderFrame: { url: string; parent: unknown } | null;
  sender: unknown;
}

/** The subset of ipcMain used (so tests can give a fake). */
export interface IpcMainLike {
  handle(channel: string, fn: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  engine: Pick<EngineConnection, 'call' | 'readFile'>;
  /** Shows the open dialog for the window that sent the event. */
  pickPaths(kind: 'files' | 'folder', sender: unknown): Promise<string[]>;
  /** The dev server URL in development (also trusted then). */
  devServer?: string;
  /**
   * Sees every call after validation and decides how to forward it (the app takes API keys
   * out of settings.update here, into the OS keychain).
   */
  intercept?: (method: Method, input: unknown, forward: (input: unknown) => Promise<IpcReply<unknown>>) => Promise<IpcReply<unknown>>;
}

const refused = (): IpcReply<never> => ({
  ok: false,
  error: new QuarryError('UNAUTHORIZED', 'This request did not come from the Quarry window.').toInfo(),
});

/**
 * Registers the IPC handlers, generated from the contract: one `invoke` channel that checks the
 * sender frame, checks the method name against the contract, parses the input with its schema
 * and forwards it to the engine host; plus file reads for the viewer and the open dialog.
 * Returns a function that removes them.
 */
export function registerIpc(deps: IpcDeps): () => void {
  const { ipcMain, engine, devServer } = deps;

  ipcMain.handle(ipcChannels.invoke, async (event, method, input) => {
    if (!isTrustedSender(event.senderFrame, devServer)) return refused();
    if (typeof method !== 'string' || !isMethod(method)) {
      return { ok: false, error: new QuarryError('INVALID_INPUT', `Unknown method ${String(method)}.`).toInfo() };
    }
    try {
      // Parsed here as well as in the host: bad input never crosses the process boundary.
      const parsed = parseInput(method, input);
      const forward = (i: unknown): Promise<IpcReply<unknown>> => engine.call(method, i);
      return await (deps.intercept ? deps.intercept(method, parsed, forward) : forward(parsed));
    } catch (e) {
      return { ok: false, error: toQuarryError(e).toInfo() };
    }
  });

  ipcMain.handle(ipcChannels.file, async (event, docId) => {
    if (!isTrustedSender(event.senderFrame, devServer)) return refused();
    if (typeof docId !== 'string' || !docId) return { ok: false, error: new QuarryError('INVALID_INPUT', 'No document id.').toInfo() };
    return engine.readFile(docId);
  });

  ipcMain.handle(ipcChannels.pickPaths, async (event, kind) => {
    if (!isTrustedSender(event.senderFrame, devServer)) return [];
    return deps.pickPaths(kind === 'folder' ? 'folder' : 'files', event.sender);
  });

  return () => {
    for (const c of [ipcChannels.invoke, ipcChannels.file, ipcChannels.pickPaths]) ipcMain.removeHandler(c);
  };
}
