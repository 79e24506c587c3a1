import { useEffect } from 'react';
import { useSettings, useStores } from '../../app/context';
import { displayKeys, SHORTCUTS } from '../../app/shortcuts';
import { AnswerSettings } from './AnswerSettings';
import { CalibrationFacts } from './CalibrationFacts';
import { ModelSettings } from './ModelSettings';
import { RerankSettings } from './RerankSettings';
import type { Density, Theme } from './store';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Settings: appearance, the library's engine configuration, privacy, shortcuts. */
export function SettingsView({ isMac }: { isMac: boolean }) {
  const { settings, client } = useStores();
  const theme = useSettings((s) => s.theme);
  const density = useSettings((s) => s.density);
  const status = useSettings((s) => s.status);
  const statusError = useSettings((s) => s.statusError);
  const engine = useSettings((s) => s.engine);
  const engineError = useSettings((s) => s.engineError);
  const restartNeeded = useSettings((s) => s.restartNeeded);
  const calibrating = useSettings((s) => s.calibrating);
  const calibrateError = useSettings((s) => s.calibrateError);
  useEffect(() => {
    void settings.getState().loadStatus();
    void settings.getState().loadEngine();
  }, [settings]);

  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <h1 id="settings-title">Settings</h1>
        </div>
      </header>
      {restartNeeded && (
        <div className="banner banner-warn" role="status" data-testid="restart-needed">
          Saved. Restart <code>quarry serve</code> to apply the new model settings.
        </div>
      )}
      <div className="view-body settings">
        {engineError && (
          <div className="card sub-error" role="alert">
            {engineError.message}
            {engineError.hint ? ` — ${engineError.hint}` : ''}
          </div>
        )}
        {engine && <AnswerSettings key={JSON.stringify(engine.answer)} view={engine} />}
        {engine && <ModelSettings view={engine} />}
        {engine && <RerankSettings key={JSON.stringify(engine.rerank)} view={engine} />}
        <section className="card" aria-labelledby="appearance">
          <h2 id="appearance">Appearance</h2>
          <div className="setting">
            <span className="setting-label" id="theme-label">
              Theme
            </span>
            <div className="segmented" role="radiogroup" aria-labelledby="theme-label">
              {THEMES.map((t) => (
                <button key={t.value} role="radio" aria-checked={theme === t.value} className={theme === t.value ? 'on' : ''} onClick={() => settings.getState().setTheme(t.value)}>
                  {t.label}
                </button>
              ))}
            </div>
          </div>
          <div className="setting">
            <label className="setting-label" htmlFor="density">
              Table density
            </label>
            <select id="density" className="select" value={density} onChange={(e) => settings.getState().setDensity(e.target.value as Density)}>
              <option value="comfortable">Comfortable</option>
              <option value="compact">Compact</option>
            </select>
          </div>
        </section>

        <section className="card" aria-labelledby="library-settings">
          <h2 id="library-settings">Library</h2>
          {statusError ? (
            <p className="sub-error">{statusError.message}</p>
          ) : !status ? (
            <p className="muted">Loading…</p>
          ) : (
            <dl className="facts">
              <dt>Data folder</dt>
              <dd className="mono" data-testid="data-dir">
                {status.dataDir}
              </dd>
              <dt>Documents</dt>
              <dd>
                {status.documents.toLocaleString()} ({status.chunks.toLocaleString()} passages)
              </dd>
              <dt>Embedding model</dt>
              <dd>
                {status.embedder.id} <span className="muted">· {status.embedder.dimension} dimensions · {status.embedder.kind}</span>
              </dd>
              <dt>Search fusion</dt>
              <dd>
                {status.fusion.method.toUpperCase()}, meaning weight {status.fusion.denseWeight.toFixed(2)}
                {status.fusion.source ? <span className="muted"> · {status.fusion.source}</span> : null}
              </dd>
              <CalibrationFacts status={status} calibrating={calibrating} error={calibrateError} onCalibrate={() => void settings.getState().calibrate()} />
              <dt>Indexes</dt>
              <dd>
                Keyword {status.indexes.fts ? 'built' : 'not built yet'} · Vector {status.indexes.vector ? 'built' : 'exact search (small library)'}
              </dd>
            </dl>
          )}
          <p className="muted">
            The embedding model and data folder are set when the library is opened ({client.kind === 'http' ? '`quarry serve --data-dir`' : 'the desktop app’s Library menu'}); changing the model re-embeds every document.
          </p>
        </section>

        <section className="card" aria-labelledby="privacy">
          <h2 id="privacy">Privacy</h2>
          <p>Documents, indexes and embeddings stay in the data folder on this computer. Quarry sends nothing anywhere unless you configure a remote model provider, and its logs never contain document text.</p>
          {client.kind === 'http' && <p className="muted">This window talks to a Quarry server with an access token kept for this browser tab only.</p>}
        </section>

        <section className="card" aria-labelledby="shortcuts">
          <h2 id="shortcuts">Keyboard shortcuts</h2>
          <dl className="facts shortcuts">
            {SHORTCUTS.map((s) => (
              <div key={s.keys} className="fact-row">
                <dt>
                  <kbd>{displayKeys(s.keys, isMac)}</kbd>
                </dt>
                <dd>{s.label}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </section>
  );
}
