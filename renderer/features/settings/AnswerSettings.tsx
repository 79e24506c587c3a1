import { useEffect, useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../contract';
import { useSettings, useStores } from '../../app/context';
import { PathInput } from '../../components/PathInput';

const PROVIDERS = [
  { value: 'auto', label: 'Automatic', help: 'The remote model, then the local one, then quoting from the sources.' },
  { value: 'extractive', label: 'Quotes only', help: 'No model: answers quote the most relevant sentences. Works offline, always.' },
  { value: 'local', label: 'Local model', help: 'A GGUF model run on this computer. Nothing leaves it.' },
  { value: 'remote', label: 'Remote API', help: 'Any OpenAI-compatible server (OpenAI, Ollama, LM Studio, vLLM). Passages are sent to it.' },
] as const;

/** Answer providers: which one answers, the remote endpoint with its key and a connection test, the local model. */
export function AnswerSettings({ view }: { view: SettingsView }) {
  const { settings } = useStores();
  const test = useSettings((s) => s.test);
  const saving = useSettings((s) => s.saving);
  const [provider, setProvider] = useState(view.answer.provider);
  const [baseUrl, setBaseUrl] = useState(view.answer.remote?.baseUrl ?? '');
  const [model, setModel] = useState(view.answer.remote?.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const [local, setLocal] = useState(view.answer.local?.model ?? '');
  const [redact, setRedact] = useState(view.answer.redact);
  // The result describes the model that was tested, even after the field is edited.
  const [tested, setTested] = useState('');
  useEffect(() => setProvider(view.answer.provider), [view.answer.provider]);

  const secure = view.keyStorage === 'secure';
  const save = (e: FormEvent): void => {
    e.preventDefault();
    void settings.getState().save({
      answer: {
        provider,
        redact,
        remote: baseUrl && model ? { baseUrl, model, ...(secure && apiKey ? { apiKey } : {}) } : null,
        local: local ? { model: local } : null,
      },
    }).then((ok) => ok && setApiKey(''));
  };

  return (
    <form className="card" aria-labelledby="answers" onSubmit={save}>
      <h2 id="answers">Answers</h2>
      <div className="setting setting-column">
        <span className="setting-label" id="provider-label">
          Who writes answers
        </span>
        <div className="segmented" role="radiogroup" aria-labelledby="provider-label">
          {PROVIDERS.map((p) => (
            <button type="button" key={p.value} role="radio" aria-checked={provider === p.value} className={provider === p.value ? 'on' : ''} onClick={() => setProvider(p.value)}>
              {p.label}
            </button>
          ))}
        </div>
        <p className="muted">{PROVIDERS.find((p) => p.value === provider)?.help}</p>
      </div>

      <fieldset className="fieldset">
        <legend>Remote API</legend>
        <label className="field">
          <span className="field-label">Base URL</span>
          <input className="input" type="url" placeholder="http://127.0.0.1:11434/v1" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Model</span>
          <input className="input" placeholder="qwen2.5:7b" value={model} onChange={(e) => setModel(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">API key</span>
          <input
            className="input"
            type="password"
            autoComplete="off"
            disabled={!secure}
            placeholder={view.answer.remote?.hasKey ? 'A key is stored (enter a new one to replace it)' : secure ? 'Kept in the system keychain, never in settings' : 'Set QUARRY_API_KEY when starting the server'}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
          />
        </label>
        <div className="row-actions">
          <button
            type="button"
            className="btn"
            disabled={!baseUrl || !model || test === 'testing'}
            onClick={() => {
              setTested(model);
              void settings.getState().testRemote({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
            }}
          >
            {test === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
          {test && test !== 'testing' && (
            <span className={test.ok ? 'test-ok' : 'sub-error'} role="status" data-testid="test-result">
              {test.ok
                ? `Connected in ${test.tookMs} ms${test.modelFound === false ? ` — but “${tested}” is not among its models (${test.models.slice(0, 5).join(', ')})` : ''}`
                : `${test.error?.message ?? 'Failed'}${test.error?.hint ? ` ${test.error.hint}` : ''}`}
            </span>
          )}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Local model</legend>
        <label className="field">
          <span className="field-label">GGUF file or model id</span>
          <PathInput value={local} onChange={setLocal} placeholder="/path/to/model.gguf" pick="files" />
        </label>
      </fieldset>

      <div className="setting">
        <label className="setting-label" htmlFor="redact">
          Hide e-mails, phone and card numbers
        </label>
        <select id="redact" className="select" value={redact} onChange={(e) => setRedact(e.target.value as typeof redact)}>
          <option value="remote">From remote models</option>
          <option value="always">From every model</option>
          <option value="never">Never</option>
        </select>
      </div>
      <div className="row-actions row-actions-end">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
