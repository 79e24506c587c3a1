import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SearchQuery, type SearchQueryParsed, type SearchResults } from '../../contract';
import type { Embedder } from '../embed/types';
import { QuarryError } from '../util/errors';
import { AnswerConfig } from './config';
import type { AnswerDeps } from './types';

/** The part of the engine answering uses, structurally (so answering does not depend on how the engine is built). */
export interface AnswerEngine {
  handlers: { 'search.query'(q: SearchQueryParsed): Promise<SearchResults> };
  store: {
    chunksBySection(sectionId: string): Promise<{ doc_id: string; page_start: number; page_end: number; char_start: number; char_end: number }[]>;
    getPage(docId: string, page: number): Promise<string | undefined>;
  };
}

// A section longer than this is not worth fetching: the packer would not use it anyway.
const MAX_SECTION_CHARS = 12_000;

/**
 * AnswerDeps over the engine: search through the contract handler, and parent-section
 * expansion rebuilt from the stored page text (chunks overlap, so their texts cannot simply be
 * joined; the section is the page text from its first chunk's start to its last chunk's end).
 */
export function engineAnswerDeps(engine: AnswerEngine, embedder?: Embedder): AnswerDeps {
  return {
    search: (q) => engine.handlers['search.query'](SearchQuery.parse(q)),
    embedder,
    async expandSection(sectionId: string): Promise<string | undefined> {
      const rows = await engine.store.chunksBySection(sectionId);
      if (rows.length === 0) return undefined;
      const first = rows[0];
      const last = rows[rows.length - 1];
      const parts: string[] = [];
      for (let p = first.page_start; p <= last.page_end; p++) {
        const page = await engine.store.getPage(first.doc_id, p);
        if (page === undefined) return undefined;
        const from = p === first.page_start ? first.char_start : 0;
        const to = p === last.page_end ? last.char_end : page.length;
        parts.push(page.slice(from, to));
        if (parts.reduce((n, s) => n + s.length, 0) > MAX_SECTION_CHARS) return undefined;
      }
      return parts.join('\n\n');
    },
  };
}

/**
 * Answer settings for the CLI: the `answer` object of `<dataDir>/settings.json`, then the
 * environment — QUARRY_REMOTE_URL / QUARRY_REMOTE_MODEL / QUARRY_API_KEY for a remote provider,
 * QUARRY_LOCAL_MODEL for a local one. Keys never live in settings.json.
 */
export async function loadAnswerConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<AnswerConfig> {
  let raw: Record<string, unknown> = {};
  try {
    const settings = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { answer?: Record<string, unknown> };
    raw = settings.answer ?? {};
  } catch {
    // No settings file yet: defaults (extractive).
  }
  const remote = { ...((raw.remote as Record<string, unknown> | undefined) ?? {}) };
  if (env.QUARRY_REMOTE_URL) remote.baseUrl = env.QUARRY_REMOTE_URL;
  if (env.QUARRY_REMOTE_MODEL) remote.model = env.QUARRY_REMOTE_MODEL;
  if (env.QUARRY_API_KEY) remote.apiKey = env.QUARRY_API_KEY;
  const local = { ...((raw.local as Record<string, unknown> | undefined) ?? {}) };
  if (env.QUARRY_LOCAL_MODEL) local.model = env.QUARRY_LOCAL_MODEL;
  const parsed = AnswerConfig.safeParse({
    ...raw,
    remote: remote.baseUrl || remote.model ? remote : undefined,
    local: local.model ? { modelsDir: path.join(dataDir, 'models'), ...local } : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuarryError('INVALID_INPUT', `The answer settings are invalid at answer.${issue.path.join('.')}: ${issue.message}`, {
      hint: 'Fix the "answer" section of settings.json, or the QUARRY_REMOTE_* / QUARRY_LOCAL_MODEL variables.',
    });
  }
  return parsed.data;
}
