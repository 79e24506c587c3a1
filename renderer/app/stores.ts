import type { QuarryClient } from '../api/client';
import { createChatStore } from '../features/chat/store';
import { createLibraryStore } from '../features/library/store';
import { createSearchStore } from '../features/search/store';
import { createSettingsStore } from '../features/settings/store';
import type { Stores } from './context';
import { createAppStore } from './store';

/** Creates every store for one client and wires their cross-cutting reactions. */
export function createStores(client: QuarryClient, storage?: Pick<Storage, 'getItem' | 'setItem'>): Stores {
  const app = createAppStore();
  const library = createLibraryStore({
    client,
    onError: (info) => app.getState().error(info),
    onInfo: (text) => app.getState().toast('info', text),
    storage,
  });
  const search = createSearchStore(client);
  const settings = createSettingsStore(client, storage);
  const chat = createChatStore(client, (info) => app.getState().error(info));
  client.onConnection((state) => app.getState().setConnection(state));
  return { client, app, library, search, settings, chat };
}
