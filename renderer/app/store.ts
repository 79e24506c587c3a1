import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorInfo } from '../../contract';
import type { ConnectionState } from '../api/client';

export type View = 'library' | 'search' | 'chat' | 'viewer' | 'activity' | 'settings';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
  hint?: string;
  /** A button on the toast (Undo); pressing it runs `run` and closes the toast. */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run(): void;
}

/** How long an info toast with an action (Undo) stays: inside the engine's 15 s undo window. */
export const ACTION_TOAST_MS = 12_000;

/** A passage to show in the source viewer: a search hit or a citation. */
export interface SourceTarget {
  docId: string;
  docName: string;
  /** 1-based page where the passage starts, and where it ends. */
  page: number;
  pageEnd: number;
  /** Character offsets: `start` within `page`'s text, `end` within `pageEnd`'s. */
  start: number;
  end: number;
}

export interface AppState {
  view: View;
  /** The view the viewer returns to. */
  previousView: View;
  connection: ConnectionState;
  toasts: Toast[];
  source: SourceTarget | undefined;
  /** Bumped to ask the search box to take focus (Ctrl/Cmd+K). */
  focusSearch: number;
  go(view: View): void;
  openSource(target: SourceTarget): void;
  closeSource(): void;
  toast(kind: Toast['kind'], text: string, hint?: string, action?: ToastAction): void;
  error(info: ErrorInfo): void;
  dismiss(id: number): void;
  setConnection(state: ConnectionState): void;
  requestSearchFocus(): void;
}

export type AppStore = StoreApi<AppState>;

/** App-wide UI state: the current view, the source being viewed, notifications. */
export function createAppStore(): AppStore {
  let nextId = 1;
  return createStore<AppState>()((set, get) => ({
    view: 'library',
    previousView: 'library',
    connection: 'connecting',
    toasts: [],
    source: undefined,
    focusSearch: 0,
    go: (view) => set((s) => ({ view, previousView: s.view === 'viewer' ? s.previousView : s.view })),
    openSource: (source) => set((s) => ({ source, view: 'viewer', previousView: s.view === 'viewer' ? s.previousView : s.view })),
    closeSource: () => set((s) => ({ view: s.previousView })),
    toast: (kind, text, hint, action) => {
      const id = nextId++;
      set((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text, hint, action }] }));
      // Errors stay until dismissed: they carry a next step the user may need to read. An Undo
      // stays long enough to be reached.
      if (kind === 'info') setTimeout(() => get().dismiss(id), action ? ACTION_TOAST_MS : 4000);
    },
    error: (info) => get().toast('error', info.message, info.hint),
    dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    setConnection: (connection) => set({ connection }),
    requestSearchFocus: () => set((s) => ({ view: 'search', focusSearch: s.focusSearch + 1 })),
  }));
}
