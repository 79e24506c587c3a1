import type { SettingsView } from '../../../contract';
import { useSettings, useStores } from '../../app/context';
import { formatSize } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';

/** The embedding model: the one in use, and the downloadable ones with progress. */
export function ModelSettings({ view }: { view: SettingsView }) {
  const { settings } = useStores();
  const models = useSettings((s) => s.models);
  const downloads = useSettings((s) => s.downloads);
  const status = useSettings((s) => s.status);
  const embedding = models.filter((m) => m.kind === 'embedding');
  const current = view.embedder.kind === 'transformers' ? view.embedder.model : undefined;
  return (
    <section className="card" aria-labelledby="embedding">
      <h2 id="embedding">Embedding model</h2>
      <p>
        In use: <strong>{status?.embedder.id ?? view.embedder.model ?? view.embedder.kind}</strong>
        {view.embedder.kind === 'use' && <span className="muted"> (Universal Sentence Encoder, built in — works offline)</span>}
      </p>
      <ul className="models">
        <li className="model">
          <div className="model-main">
            <span className="name">Universal Sentence Encoder</span>
            <span className="sub">Built in, 512 dimensions, English</span>
          </div>
          {view.embedder.kind === 'use' ? (
            <span className="badge badge-ready">In use</span>
          ) : (
            <button className="btn btn-small" onClick={() => void settings.getState().save({ embedder: { kind: 'use' } })}>
              Use
            </button>
          )}
        </li>
        {embedding.map((m) => {
          const d = downloads[m.id];
          const downloading = d?.state === 'downloading';
          return (
            <li key={m.id} className="model" data-testid="model">
              <div className="model-main">
                <span className="name">{m.name}</span>
                <span className="sub">
                  {m.license} · {m.state === 'installed' ? `downloaded, ${formatSize(m.bytesOnDisk)}` : m.bytesTotal ? formatSize(m.bytesTotal) : 'size unknown'}
                </span>
                {downloading && (
                  <div className="model-progress">
                    <ProgressBar small value={d.bytesTotal ? d.bytesDone / d.bytesTotal : undefined} label={`Downloading ${m.name}`} />
                    <span className="count">
                      {formatSize(d.bytesDone)}
                      {d.bytesTotal ? ` of ${formatSize(d.bytesTotal)}` : ''}
                      {d.bytesPerSecond ? ` · ${formatSize(d.bytesPerSecond)}/s` : ''}
                    </span>
                  </div>
                )}
                {d?.state === 'failed' && d.error && (
                  <span className="sub sub-error">
                    {d.error.message}
                    {d.error.hint ? ` — ${d.error.hint}` : ''}
                  </span>
                )}
              </div>
              {current === m.id ? (
                <span className="badge badge-ready">In use</span>
              ) : m.state === 'installed' ? (
                <button className="btn btn-small" onClick={() => void settings.getState().save({ embedder: { kind: 'transformers', model: m.id } })}>
                  Use
                </button>
              ) : (
                <button className="btn btn-small" disabled={downloading} onClick={() => void settings.getState().pull(m.id)}>
                  {downloading ? 'Downloading…' : m.state === 'partial' ? 'Resume download' : 'Download'}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <p className="muted">Switching the model embeds every document again in the background; search keeps using the previous index until the new one is ready.</p>
    </section>
  );
}
