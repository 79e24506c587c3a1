import { useEffect, useState, type DragEvent } from 'react';
import { useApp, useSettings, useStores } from './app/context';
import { shortcutFor } from './app/shortcuts';
import { Sidebar } from './app/Sidebar';
import { Icon } from './components/Icon';
import { Toasts } from './components/Toasts';
import { ActivityView } from './features/activity/ActivityView';
import { ChatView } from './features/chat/ChatView';
import { dragHasFiles, filesFromDrop } from './features/library/files';
import { LibraryView } from './features/library/LibraryView';
import { SearchView } from './features/search/SearchView';
import { effectiveTheme } from './features/settings/store';
import { SettingsView } from './features/settings/SettingsView';
import { ViewerView } from './features/viewer/ViewerView';

function usePrefersDark(): boolean {
  const query = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const on = (e: MediaQueryListEvent): void => setDark(e.matches);
    query.addEventListener('change', on);
    return () => query.removeEventListener('change', on);
  }, [query]);
  return dark;
}

/** The application shell: sidebar, the current view, notifications, shortcuts, window-wide drop. */
export function App({ isMac }: { isMac: boolean }) {
  const { app, library, client, chat, settings } = useStores();
  const view = useApp((s) => s.view);
  const theme = useSettings((s) => s.theme);
  const density = useSettings((s) => s.density);
  const prefersDark = usePrefersDark();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    document.documentElement.dataset.theme = effectiveTheme(theme, prefersDark);
    document.documentElement.dataset.density = density;
  }, [theme, prefersDark, density]);

  // The first listing is requested in main.tsx, before React renders; this keeps it current.
  useEffect(() => library.getState().connect(), [library]);

  // Subscribed for the app's lifetime, so an answer keeps streaming while another view is open.
  useEffect(() => chat.getState().connect(), [chat]);
  useEffect(() => settings.getState().connect(), [settings]);

  // The desktop app's native menu.
  useEffect(
    () =>
      client.onMenu?.((command) => {
        const s = app.getState();
        if (command === 'search') s.requestSearchFocus();
        else if (command === 'add-files') void client.pickPaths?.('files').then((paths) => library.getState().addPaths(paths));
        else s.go(command);
      }),
    [client, app, library],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const action = shortcutFor(e, isMac);
      if (!action) return;
      const s = app.getState();
      if (action.kind === 'search') {
        e.preventDefault();
        s.requestSearchFocus();
      } else if (action.kind === 'go') {
        e.preventDefault();
        s.go(action.view);
      } else if (action.kind === 'back' && s.view === 'viewer' && !document.querySelector('dialog[open]')) {
        s.closeSource();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [app, isMac]);

  const onDragOver = (e: DragEvent): void => {
    if (!dragHasFiles(e.dataTransfer)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent): void => {
    if (!dragHasFiles(e.dataTransfer)) return;
    e.preventDefault();
    setDragging(false);
    // In the desktop app dropped folders are read in place by the engine; a browser must walk them.
    const picked = client.kind === 'ipc' ? Promise.resolve(Array.from(e.dataTransfer.files).map((file) => ({ file }))) : filesFromDrop(e.dataTransfer);
    app.getState().go('library');
    void picked.then((files) => library.getState().addFiles(files));
  };

  return (
    <div className="app" onDragOver={onDragOver} onDragLeave={(e) => e.relatedTarget === null && setDragging(false)} onDrop={onDrop}>
      <Sidebar isMac={isMac} />
      <main className="main" id="main">
        {view === 'library' && <LibraryView />}
        {view === 'search' && <SearchView />}
        {view === 'viewer' && <ViewerView />}
        {view === 'chat' && <ChatView />}
        {view === 'activity' && <ActivityView />}
        {view === 'settings' && <SettingsView isMac={isMac} />}
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-card">
            <Icon name="upload" size={32} />
            <div>Drop files or folders to add them</div>
          </div>
        </div>
      )}
      <Toasts />
    </div>
  );
}

/** Shown when the browser has no token or the server refused it. */
export function SignedOut({ refused }: { refused: boolean }) {
  return (
    <div className="signed-out">
      <div className="card signed-out-card" role="alert">
        <span className="brand-mark" aria-hidden="true">
          Q
        </span>
        <h1>{refused ? 'The access token was refused' : 'Sign in to this Quarry server'}</h1>
        <p>
          Open the link that <code>npm start</code> (or <code>quarry serve</code>) printed in its terminal — it ends in{' '}
          <code>#token=…</code> and signs this browser in.{' '}
          {refused ? 'The server was probably restarted: each start makes a new token unless one is given.' : ''}
        </p>
        <p className="muted">
          To keep the same link across restarts, start it with <code>QUARRY_TOKEN=…</code> in the environment or{' '}
          <code>--token …</code>.
        </p>
      </div>
    </div>
  );
}
