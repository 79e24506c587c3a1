import { expect, it } from 'vitest';
import type { LibraryStatus, SettingsView } from '../../../../contract';
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

it('shows what calibration chose, how sure it is, and its progress', async () => {
  const { CalibrationFacts } = await import('../../../../renderer/features/settings/CalibrationFacts');
  const status: LibraryStatus = {
    dataDir: '/d', documents: 120, chunks: 900, collections: [], embedder: { id: 'use-512', dimension: 512, kind: 'use' }, fusion: { method: 'minmax' as const, denseWeight: 0, rrfK: 60 },
    jobs: { queued: 0, running: 0, failed: 0, done: 0 }, failures: [], indexes: { fts: true, vector: false },
  };
  const none = renderWith(<CalibrationFacts status={status} calibrating={undefined} error={undefined} onCalibrate={() => undefined} />).html;
  expect(none).toContain('Not calibrated: searches use the default for use-512.');
  expect(none).toMatch(/data-testid="calibrate"[^>]*>Calibrate now</);

  const calibration = {
    embedderId: 'use-512', config: { method: 'minmax' as const, denseWeight: 0, rrfK: 60 }, score: 0.6914, bestScore: 0.6999, lexicalScore: 0.6914, noise: 0.006, spread: 0.3,
    queries: 300, builder: 'masked', seed: 1, candidates: 100, chunks: 900, documents: 120, createdAt: '2026-11-22T10:00:00Z', tookMs: 9000, inUse: true, stale: true, staleReason: 'The library grew by 45% since.',
  };
  const html = renderWith(
    <CalibrationFacts status={{ ...status, calibration }} calibrating={{ stage: 'retrieve', done: 150, total: 300 }} error={{ code: 'INTERNAL', message: 'Disk full' }} onCalibrate={() => undefined} />,
  ).html;
  expect(html).toContain('nDCG@10 0.691 on 300 pseudo-queries from 120 documents');
  expect(html).toContain('keyword only 0.691, best 0.700 (noise ±0.006)');
  expect(html).toContain('meaning search gains less than the noise here');
  expect(html).toMatch(/title="The library grew by 45% since\."[^>]*>\s*out of date/);
  expect(html).toMatch(/data-testid="calibrate"[^>]*disabled=""[^>]*>Calibrate again|disabled=""[^>]*data-testid="calibrate"[^>]*>Calibrate again/);
  expect(html).toContain('Searching with each setting…');
  expect(html).toContain('aria-valuenow="50"');
  expect(html).toMatch(/role="alert"[^>]*>Disk full/);
});
