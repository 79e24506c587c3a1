import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { QuarryClient } from '../api/client';
import type { ChatState, ChatStore } from '../features/chat/store';
import type { LibraryState, LibraryStore } from '../features/library/store';
import type { SearchState, SearchStore } from '../features/search/store';
import type { SettingsState, SettingsStore } from '../features/settings/store';
import type { AppState, AppStore } from './store';

/** Every store of the running app, created once by `createStores` and handed down by context. */
export interface Stores {
  client: QuarryClient;
  app: AppStore;
  library: LibraryStore;
  search: SearchStore;
  settings: SettingsStore;
  chat: ChatStore;
}

export const StoresContext = createContext<Stores | null>(null);

/** The stores; throws outside the provider, which is a programming error. */
export function useStores(): Stores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('useStores() outside <StoresContext.Provider>');
  return s;
}

/** Selects from the app store; re-renders only when the selection changes. */
export function useApp<T>(select: (s: AppState) => T): T {
  return useStore(useStores().app, select);
}

export function useLibrary<T>(select: (s: LibraryState) => T): T {
  return useStore(useStores().library, select);
}

export function useSearch<T>(select: (s: SearchState) => T): T {
  return useStore(useStores().search, select);
}

export function useSettings<T>(select: (s: SettingsState) => T): T {
  return useStore(useStores().settings, select);
}

export function useChat<T>(select: (s: ChatState) => T): T {
  return useStore(useStores().chat, select);
}
