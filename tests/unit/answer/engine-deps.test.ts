import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineAnswerDeps, loadAnswerConfig, type AnswerEngine } from '../../../main/answer/engine-deps';
import { tempDir } from '../../helpers/shared';

const PAGES: Record<number, string> = { 1: 'Intro text. Section A starts here and', 2: 'continues on page two. Then section B.' };

// A stand-in for the two store reads answering uses; the real store is LanceDB (tested by its owner).
const engine: AnswerEngine = {
  handlers: { 'search.query': async (q) => ({ query: q.query, mode: q.mode, tookMs: 0, results: [] }) },
  store: {
    chunksBySection: async (id) =>
      id === 'd:s1'
        ? [
            { doc_id: 'd', page_start: 1, page_end: 1, char_start: 12, char_end: 37 },
            { doc_id: 'd', page_start: 1, page_end: 2, char_start: 20, char_end: 22 },
          ]
        : [],
    getPage: async (_doc, page) => PAGES[page],
  },
};

describe('engineAnswerDeps', () => {
  it('rebuilds a section from page text across pages (chunks overlap, so they are not joined)', async () => {
    const deps = engineAnswerDeps(engine);
    expect(await deps.expandSection?.('d:s1')).toBe('Section A starts here and\n\ncontinues on page two.');
    expect(await deps.expandSection?.('none')).toBeUndefined();
  });

  it('parses the search query with the contract schema (defaults filled in)', async () => {
    const r = await engineAnswerDeps(engine).search({ query: 'x' });
    expect(r.mode).toBe('hybrid');
  });
});

describe('loadAnswerConfig', () => {
  it('reads settings.json "answer", takes secrets from the environment, defaults to extractive', async () => {
    const t = await tempDir('quarry-answer-cfg-');
    try {
      expect((await loadAnswerConfig(t.dir, {})).remote).toBeUndefined();
      await writeFile(path.join(t.dir, 'settings.json'), JSON.stringify({ answer: { remote: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen' }, privacy: { redact: 'always' } } }));
      const c = await loadAnswerConfig(t.dir, { QUARRY_API_KEY: 'sk-env', QUARRY_LOCAL_MODEL: 'qwen2.5-1.5b-instruct-q4_k_m' });
      expect(c.remote).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen', apiKey: 'sk-env' });
      expect(c.local).toMatchObject({ model: 'qwen2.5-1.5b-instruct-q4_k_m', modelsDir: path.join(t.dir, 'models') });
      expect(c.privacy.redact).toBe('always');
      await writeFile(path.join(t.dir, 'settings.json'), JSON.stringify({ answer: { remote: { baseUrl: 'not a url', model: 'm' } } }));
      await expect(loadAnswerConfig(t.dir, {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('answer.remote.baseUrl') });
    } finally {
      await t.cleanup();
    }
  });
});
