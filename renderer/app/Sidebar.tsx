import { useMemo, useState } from 'react';
import { PromptDialog } from '../components/Dialog';
import { Icon, type IconName } from '../components/Icon';
import { buildRows, collectionsOf, failedCount, inLibrary } from '../features/library/rows';
import { useApp, useLibrary, useStores } from './context';
import { displayKeys } from './shortcuts';
import type { View } from './store';

const NAV: { view: View; label: string; icon: IconName; keys?: string }[] = [
  { view: 'library', label: 'Library', icon: 'library', keys: 'Mod+1' },
  { view: 'search', label: 'Search', icon: 'search', keys: 'Mod+K' },
  { view: 'chat', label: 'Chat', icon: 'chat', keys: 'Mod+4' },
  { view: 'activity', label: 'Activity', icon: 'activity', keys: 'Mod+3' },
  { view: 'settings', label: 'Settings', icon: 'settings', keys: 'Mod+,' },
];

const CONNECTION_TEXT = { connecting: 'Connecting…', open: 'Connected', reconnecting: 'Reconnecting…', unauthorized: 'Not signed in' } as const;

/** The left column: app navigation, collections, and the connection state. */
export function Sidebar({ isMac }: { isMac: boolean }) {
  const { library, app } = useStores();
  const view = useApp((s) => s.view);
  const go = useApp((s) => s.go);
  const connection = useApp((s) => s.connection);
  const documents = useLibrary((s) => s.documents);
  const jobs = useLibrary((s) => s.jobs);
  const dismissed = useLibrary((s) => s.dismissed);
  const selected = useLibrary((s) => s.collection);
  const running = useMemo(() => jobs.filter((j) => j.state === 'running' || j.state === 'queued').length, [jobs]);
  // The failures in Activity's Failed group that need attention: a failure a later successful
  // job resolved, or one dismissed, is not one; nor is an earlier attempt of a file tried again.
  const failed = useMemo(() => failedCount(documents, jobs, dismissed), [documents, jobs, dismissed]);
  const previousView = useApp((s) => s.previousView);
  // Created collections come from the engine, so an empty one outlives a reload.
  const names = useLibrary((s) => s.collectionNames);
  const [naming, setNaming] = useState(false);

  // Counted as the library's header counts: documents in the library (read, or being read), not
  // files that failed to index.
  const rows = useMemo(() => buildRows(documents, jobs, {}, 0, dismissed), [documents, jobs, dismissed]);
  const collections = useMemo(() => collectionsOf(rows, names), [rows, names]);
  const total = useMemo(() => rows.filter(inLibrary).length, [rows]);

  const pick = (c: string | null): void => {
    library.getState().selectCollection(c);
    go('library');
  };

  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          Q
        </span>
        <span className="brand-name">Quarry</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav">
          {NAV.map((n) => (
            <li key={n.view}>
              <button
                className={`nav-item${view === n.view || (view === 'viewer' && previousView === n.view) ? ' active' : ''}`}
                aria-current={view === n.view ? 'page' : undefined}
                onClick={() => (n.view === 'search' ? app.getState().requestSearchFocus() : go(n.view))}
                title={n.keys ? `${n.label} (${displayKeys(n.keys, isMac)})` : n.label}
              >
                <Icon name={n.icon} />
                <span className="nav-label">{n.label}</span>
                {n.view === 'activity' && running > 0 && <span className="nav-badge" aria-label={`${running} running`}>{running}</span>}
                {n.view === 'activity' && failed > 0 && <span className="nav-badge nav-badge-error" aria-label={`${failed} need attention`}>{failed}</span>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sidebar-section">
        <div className="sidebar-heading">
          <span id="collections-heading">Collections</span>
          <button className="icon-btn icon-btn-small" aria-label="New collection" title="New collection" onClick={() => setNaming(true)}>
            <Icon name="plus" />
          </button>
        </div>
        <ul className="collections" aria-labelledby="collections-heading">
          <li>
            <button className={`collection${selected === null ? ' active' : ''}`} aria-current={selected === null ? 'true' : undefined} onClick={() => pick(null)} title="All documents">
              <Icon name="library" />
              <span className="collection-name">All documents</span>
              <span className="count" data-testid="collection-count">{total.toLocaleString()}</span>
            </button>
          </li>
          {collections.map(({ name, count }) => (
            <li key={name}>
              <button className={`collection${selected === name ? ' active' : ''}`} aria-current={selected === name ? 'true' : undefined} onClick={() => pick(name)} title={name}>
                <Icon name="folder" />
                {/* Tells collections apart when the sidebar is a column of icons (narrow windows). */}
                <span className="collection-initial" aria-hidden="true">
                  {[...name][0]?.toUpperCase()}
                </span>
                <span className="collection-name">{name}</span>
                <span className="count" data-testid="collection-count">{count.toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className={`connection connection-${connection}`} role="status" data-testid="connection" title={CONNECTION_TEXT[connection]}>
        <span className="dot" aria-hidden="true" />
        <span className="connection-text">{CONNECTION_TEXT[connection]}</span>
      </div>
      {naming && (
        <PromptDialog
          title="New collection"
          description="Files you add while it is selected go into it. Search can be limited to one collection."
          label="Name"
          submitLabel="Create"
          onSubmit={(name) => {
            const n = name.trim();
            if (!n) return;
            void library
              .getState()
              .createCollection(n)
              .then((ok) => ok && pick(n));
          }}
          onClose={() => setNaming(false)}
        />
      )}
    </aside>
  );
}
