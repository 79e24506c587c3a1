import { expect, it } from 'vitest';
import type { ModelInfo, SettingsView } from '../../../../contract';
import { RerankSettings } from '../../../../renderer/features/settings/RerankSettings';
import { renderWith } from '../render';

const base: SettingsView = { dataDir: '/d', answer: { provider: 'auto', redact: 'remote' }, embedder: { kind: 'use' }, keyStorage: 'environment' };
const reranker = (state: ModelInfo['state']): ModelInfo => ({ id: 'ms-marco', kind: 'reranker', name: 'MS MARCO MiniLM', license: 'Apache-2.0', state, bytesOnDisk: 0, bytesTotal: 23_000_000 });

it('is off by default with the default budget, and lists downloadable rerankers only', () => {
  const { html } = renderWith(<RerankSettings view={base} />, (s) =>
    s.settings.setState({ models: [reranker('missing'), { ...reranker('installed'), id: 'bge', kind: 'embedding', name: 'BGE small' }] }),
  );
  expect(html).toMatch(/<option value="none" selected="">Off<\/option>/);
  expect(html).toContain('MS MARCO MiniLM (not downloaded)');
  expect(html).not.toContain('BGE small');
  expect(html).toMatch(/id="rerank-budget"[^>]*value="300"/);
});

it('shows the chosen manifest model, and offers its download while it is missing', () => {
  const view = { ...base, rerank: { model: 'ms-marco', budgetMs: 500 } };
  const missing = renderWith(<RerankSettings view={view} />, (s) => s.settings.setState({ models: [reranker('missing')] })).html;
  expect(missing).toMatch(/<option value="ms-marco" selected="">/);
  expect(missing).toContain('>Download</button>');
  expect(missing).toContain('searches keep their first order');
  expect(missing).toMatch(/id="rerank-budget"[^>]*value="500"/);
  const installed = renderWith(<RerankSettings view={view} />, (s) => s.settings.setState({ models: [reranker('installed')] })).html;
  expect(installed).not.toContain('>Download</button>');
});

it('shows a model folder that is not in the manifest in the folder field', () => {
  const { html } = renderWith(<RerankSettings view={{ ...base, rerank: { model: '/models/my-reranker', budgetMs: 300 } }} />);
  expect(html).toMatch(/<option value="folder" selected="">/);
  expect(html).toContain('value="/models/my-reranker"');
});
