import { useMemo, useState } from 'react';
import { PromptDialog } from '../components/Dialog';
import { Icon, type IconName } from '../components/Icon';
import { failedCount } from '../features/library/rows';
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
  const selected = useLibrary((s) => s.collection);
  const running = useLibrary((s) => s.jobs.filter((j) => j.state === 'running' || j.state === 'queued').length);
  const failed = useLibrary((s) => failedCount(s.documents, s.jobs, s.dismissed));
  const previousView = useApp((s) => s.previousView);
  const [extra, setExtra] = useState<string[]>([]);
  const [naming, setNaming] = useState(false);

  const collections = useMemo(() => {
    const counts = new Map<string, number>([['default', 0]]);
    for (const c of extra) counts.set(c, 0);
    for (const d of documents) counts.set(d.collection, (counts.get(d.collection) ?? 0) + 1);
    return [...counts].sort((a, b) => a[0].localeCompare(b[0]));
  }, [documents, extra]);

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
                <span>{n.label}</span>
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
            <button className={`collection${selected === null ? ' active' : ''}`} aria-current={selected === null ? 'true' : undefined} onClick={() => pick(null)}>
              <Icon name="library" />
              <span className="collection-name">All documents</span>
              <span className="count">{documents.length.toLocaleString()}</span>
            </button>
          </li>
          {collections.map(([name, count]) => (
            <li key={name}>
              <button className={`collection${selected === name ? ' active' : ''}`} aria-current={selected === name ? 'true' : undefined} onClick={() => pick(name)}>
                <Icon name="folder" />
                <span className="collection-name">{name}</span>
                <span className="count">{count.toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className={`connection connection-${connection}`} role="status" data-testid="connection">
        <span className="dot" aria-hidden="true" />
        {CONNECTION_TEXT[connection]}
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
            setExtra((e) => [...new Set([...e, n])]);
            pick(n);
          }}
          onClose={() => setNaming(false)}
        />
      )}
    </aside>
  );
}
