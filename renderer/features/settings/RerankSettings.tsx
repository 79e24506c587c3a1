import { useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../contract';
import { useSettings, useStores } from '../../app/context';
import { formatSize } from '../../components/format';
import { PathInput } from '../../components/PathInput';

const DEFAULT_BUDGET_MS = 300;

/** Cross-encoder reranking: off, a downloadable reranker or a model folder, and the time budget per search. */
export function RerankSettings({ view }: { view: SettingsView }) {
  const { settings } = useStores();
  const models = useSettings((s) => s.models);
  const downloads = useSettings((s) => s.downloads);
  const saving = useSettings((s) => s.saving);
  const rerankers = models.filter((m) => m.kind === 'reranker');
  const current = view.rerank?.model ?? null;
  const initial = current === null ? 'none' : rerankers.some((m) => m.id === current) ? current : 'folder';
  const [choice, setChoice] = useState(initial);
  const [folder, setFolder] = useState(initial === 'folder' ? (current ?? '') : '');
  const [budget, setBudget] = useState(String(view.rerank?.budgetMs ?? DEFAULT_BUDGET_MS));

  const budgetMs = Number(budget);
  const budgetOk = Number.isInteger(budgetMs) && budgetMs >= 10 && budgetMs <= 10_000;
  const picked = rerankers.find((m) => m.id === choice);
  const download = picked ? downloads[picked.id] : undefined;
  const save = (e: FormEvent): void => {
    e.preventDefault();
    const model = choice === 'none' ? null : choice === 'folder' ? folder.trim() : choice;
    void settings.getState().save({ rerank: { model, budgetMs } });
  };

  return (
    <form className="card" aria-labelledby="reranking" onSubmit={save} data-testid="rerank-settings">
      <h2 id="reranking">Reranking</h2>
      <p className="muted">
        A cross-encoder reads the query together with each of the top 30 passages and reorders them: more accurate, and slower. A search that would take longer than
        the budget keeps its first order and says so.
      </p>
      <div className="setting">
        <label className="setting-label" htmlFor="rerank-model">
          Reranker
        </label>
        <select id="rerank-model" className="select" value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="none">Off</option>
          {rerankers.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.state === 'installed' ? '' : ' (not downloaded)'}
            </option>
          ))}
          <option value="folder">Model folder…</option>
        </select>
      </div>
      {choice === 'folder' && (
        <label className="field">
          <span className="field-label">Model folder (ONNX: config.json, tokenizer.json, onnx/model.onnx)</span>
          <PathInput value={folder} onChange={setFolder} placeholder="/path/to/reranker" pick="folder" />
        </label>
      )}
      {picked && picked.state !== 'installed' && (
        <div className="row-actions">
          <button type="button" className="btn btn-small" disabled={download?.state === 'downloading'} onClick={() => void settings.getState().pull(picked.id)}>
            {download?.state === 'downloading' ? 'Downloading…' : 'Download'}
          </button>
          <span className="sub" role="status">
            {download?.state === 'downloading'
              ? `${formatSize(download.bytesDone)}${download.bytesTotal ? ` of ${formatSize(download.bytesTotal)}` : ''}`
              : download?.state === 'failed'
                ? `${download.error?.message ?? 'Download failed'}${download.error?.hint ? ` — ${download.error.hint}` : ''}`
                : `${picked.license}${picked.bytesTotal ? ` · ${formatSize(picked.bytesTotal)}` : ''}. Until it is downloaded, searches keep their first order.`}
          </span>
        </div>
      )}
      <div className="setting">
        <label className="setting-label" htmlFor="rerank-budget">
          Time budget per search (ms)
        </label>
        <input id="rerank-budget" className="input" type="number" min={10} max={10_000} step={10} value={budget} aria-invalid={!budgetOk} onChange={(e) => setBudget(e.target.value)} />
      </div>
      <div className="row-actions row-actions-end">
        <button type="submit" className="btn btn-primary" disabled={saving || !budgetOk || (choice === 'folder' && !folder.trim())}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
