import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsUpdate } from '../../contract';
import { loadSettings } from '../../main/config';
import { withSettings } from '../../main/server';
import { tempDir } from '../helpers/shared';
import { FakeEngine } from '../unit/server/fake-engine';

// The reranker settings on a real settings.json in a temp folder, through the settings handlers.
describe('reranker settings', () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: dataDir, cleanup } = await tempDir('quarry-rerank-settings-'));
    await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ embedder: { kind: 'hash' } }));
  });
  afterAll(() => cleanup());

  it('reads, sets and clears the model and budget, keeping other settings', async () => {
    const { handlers } = withSettings(new FakeEngine(), { dataDir, keyStorage: 'environment', env: {} });
    expect((await handlers['settings.get']({})).rerank).toEqual({ model: null, budgetMs: 300 });

    const update = SettingsUpdate.parse({ rerank: { model: 'ms-marco-minilm-l-6-v2', budgetMs: 500 } });
    expect(await handlers['settings.update'](update)).toEqual({ ok: true, restartRequired: true });
    expect((await handlers['settings.get']({})).rerank).toEqual({ model: 'ms-marco-minilm-l-6-v2', budgetMs: 500 });
    const stored = await loadSettings(dataDir);
    expect(stored.embedder).toEqual({ kind: 'hash' });
    expect(stored.rerank).toMatchObject({ model: 'ms-marco-minilm-l-6-v2', budgetMs: 500, topN: 30 });

    await handlers['settings.update'](SettingsUpdate.parse({ rerank: { model: null } }));
    expect((await handlers['settings.get']({})).rerank).toEqual({ model: null, budgetMs: 500 });
    expect(JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).rerank).toEqual({ budgetMs: 500 });
  });

  it('refuses a budget out of range', () => {
    expect(SettingsUpdate.safeParse({ rerank: { budgetMs: 5 } }).success).toBe(false);
  });
});
