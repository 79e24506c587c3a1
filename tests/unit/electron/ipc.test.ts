import { describe, expect, it } from 'vitest';
import { ipcChannels, type IpcReply } from '../../../contract';
import { registerIpc, type InvokeEvent, type IpcMainLike } from '../../../electron/ipc';

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (c, fn) => void handlers.set(c, fn), removeHandler: (c) => void handlers.delete(c) };
  return { ipcMain, handlers };
}

const trusted: InvokeEvent = { senderFrame: { url: 'app://quarry/index.html', parent: null }, sender: {} };
const stranger: InvokeEvent = { senderFrame: { url: 'https://evil.example/', parent: null }, sender: {} };

function setup() {
  const { ipcMain, handlers } = fakeIpcMain();
  const calls: { method: string; input: unknown }[] = [];
  const off = registerIpc({
    ipcMain,
    engine: {
      call: async (method, input) => {
        calls.push({ method, input });
        return { ok: true, value: { method } };
      },
      readFile: async () => ({ ok: true, value: new Uint8Array([1, 2]) }),
    },
    pickPaths: async (kind) => [`/picked/${kind}`],
  });
  const invoke = (event: InvokeEvent, channel: string, ...args: unknown[]) => handlers.get(channel)!(event, ...args) as Promise<IpcReply<unknown>>;
  return { handlers, calls, off, invoke };
}

describe('IPC handlers', () => {
  it('forward a contract call with its input parsed by the schema (defaults filled in)', async () => {
    const { invoke, calls } = setup();
    expect(await invoke(trusted, ipcChannels.invoke, 'search.query', { query: 'x' })).toEqual({ ok: true, value: { method: 'search.query' } });
    expect(calls[0]).toEqual({ method: 'search.query', input: { query: 'x', k: 10, mode: 'hybrid', filters: {} } });
  });

  it('refuse a sender that is not the app’s own page, on every channel', async () => {
    const { invoke, calls } = setup();
    for (const channel of [ipcChannels.invoke, ipcChannels.file]) {
      const r = await invoke(stranger, channel, 'library.documents', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(await invoke(stranger, ipcChannels.pickPaths, 'files')).toEqual([]);
    expect(await invoke({ senderFrame: null, sender: {} }, ipcChannels.invoke, 'library.documents', {})).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('refuse unknown methods and bad input before they reach the engine', async () => {
    const { invoke, calls } = setup();
    expect(await invoke(trusted, ipcChannels.invoke, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(trusted, ipcChannels.invoke, 'library.page', { docId: 'd', page: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([]);
  });

  it('forward a new collection’s name trimmed, and refuse a blank one before the engine', async () => {
    const { invoke, calls } = setup();
    expect(await invoke(trusted, ipcChannels.invoke, 'library.createCollection', { name: ' Finance Q3 ' })).toEqual({ ok: true, value: { method: 'library.createCollection' } });
    expect(await invoke(trusted, ipcChannels.invoke, 'library.deleteCollection', { name: ' ' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([{ method: 'library.createCollection', input: { name: 'Finance Q3' } }]);
  });

  it('read files for the viewer and show the open dialog for the app’s page', async () => {
    const { invoke } = setup();
    expect(await invoke(trusted, ipcChannels.file, 'doc1')).toEqual({ ok: true, value: new Uint8Array([1, 2]) });
    expect(await invoke(trusted, ipcChannels.file, 42)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(trusted, ipcChannels.pickPaths, 'folder')).toEqual(['/picked/folder']);
    expect(await invoke(trusted, ipcChannels.pickPaths, 'anything')).toEqual(['/picked/files']);
  });

  it('can be removed again', () => {
    const { handlers, off } = setup();
    off();
    expect(handlers.size).toBe(0);
  });
});

it('lets the app intercept a validated call (the API key goes to the keychain, not the engine)', async () => {
  const { ipcMain, handlers } = fakeIpcMain();
  const forwarded: unknown[] = [];
  const kept: string[] = [];
  registerIpc({
    ipcMain,
    engine: { call: async (_m, input) => (forwarded.push(input), { ok: true, value: { ok: true, restartRequired: true } }), readFile: async () => ({ ok: true, value: new Uint8Array() }) },
    pickPaths: async () => [],
    intercept: async (method, input, forward) => {
      const u = input as { answer?: { remote?: { apiKey?: string } } };
      if (method === 'settings.update' && u.answer?.remote?.apiKey) {
        kept.push(u.answer.remote.apiKey);
        delete u.answer.remote.apiKey;
      }
      return forward(u);
    },
  });
  const call = handlers.get(ipcChannels.invoke)!;
  await call(trusted, 'settings.update', { answer: { remote: { baseUrl: 'https://api.example.com/v1', model: 'm', apiKey: 'sk-secret' } } });
  expect(kept).toEqual(['sk-secret']);
  expect(JSON.stringify(forwarded)).not.toContain('sk-secret');
});
