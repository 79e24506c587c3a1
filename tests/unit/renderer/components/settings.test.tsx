import { expect, it } from 'vitest';
import type { SettingsView } from '../../../../contract';
import { AnswerSettings } from '../../../../renderer/features/settings/AnswerSettings';
import { ModelSettings } from '../../../../renderer/features/settings/ModelSettings';
import { renderWith } from '../render';

const view = (keyStorage: SettingsView['keyStorage']): SettingsView => ({
  dataDir: '/d',
  answer: { provider: 'remote', remote: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5', hasKey: false }, redact: 'remote' },
  embedder: { kind: 'use' },
  keyStorage,
});

it('keeps the API key field for the keychain in the desktop app, and explains the environment on a server', () => {
  const desktop = renderWith(<AnswerSettings view={view('secure')} />).html;
  expect(desktop).toMatch(/type="password"[^>]*placeholder="Kept in the system keychain, never in settings"/);
  const server = renderWith(<AnswerSettings view={view('environment')} />).html;
  expect(server).toMatch(/type="password"[^>]*disabled=""[^>]*placeholder="Set QUARRY_API_KEY when starting the server"/);
  expect(server).toContain('value="qwen2.5"');
  expect(server).toMatch(/aria-checked="true"[^>]*>Remote API/);
});

it('shows the test result next to the button', () => {
  const { html } = renderWith(<AnswerSettings view={view('secure')} />, (s) => s.settings.setState({ test: { ok: false, models: [], tookMs: 3, error: { code: 'NETWORK', message: 'Cannot reach it.', hint: 'Is it running?' } } }));
  expect(html).toMatch(/data-testid="test-result">Cannot reach it\. Is it running\?/);
});

it('offers downloads with progress and marks the model in use', () => {
  const { html } = renderWith(<ModelSettings view={{ ...view('secure'), embedder: { kind: 'transformers', model: 'b' } }} />, (s) =>
    s.settings.setState({
      models: [
        { id: 'a', kind: 'embedding', name: 'Model A', license: 'MIT', state: 'missing', bytesOnDisk: 0, bytesTotal: 2_000_000 },
        { id: 'b', kind: 'embedding', name: 'Model B', license: 'MIT', state: 'installed', bytesOnDisk: 1000, bytesTotal: 1000 },
        { id: 'r', kind: 'reranker', name: 'Reranker', license: 'MIT', state: 'missing', bytesOnDisk: 0, bytesTotal: null },
      ],
      downloads: { a: { id: 'a', bytesDone: 500_000, bytesTotal: 2_000_000, bytesPerSecond: 100_000, state: 'downloading' } },
    }),
  );
  expect(html).toContain('Downloading…');
  expect(html).toContain('aria-valuenow="25"');
  expect(html).toContain('500 kB of 2.0 MB · 100 kB/s');
  expect(html).toMatch(/Model B.*In use/);
  expect(html).not.toContain('Reranker');
});
