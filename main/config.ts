import { readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { FusionConfig } from '../contract';
import { AnswerConfig } from './answer/config';

/**
 * The OS app-data folder: ~/.local/share/quarry (XDG), ~/Library/Application Support/Quarry,
 * %APPDATA%\Quarry — the same place the desktop app uses.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.QUARRY_DATA_DIR) return path.resolve(env.QUARRY_DATA_DIR);
  const home = homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Quarry');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Quarry');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'quarry');
}

export const EmbedderSettings = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('use'), workers: z.number().int().min(1).max(16).optional() }),
  z.object({ kind: z.literal('transformers'), model: z.string() }),
  z.object({ kind: z.literal('openai'), baseUrl: z.string().url(), model: z.string(), apiKey: z.string().optional(), dimension: z.number().int().optional() }),
  z.object({ kind: z.literal('hash'), dimension: z.number().int().optional() }),
]);
export type EmbedderSettings = z.infer<typeof EmbedderSettings>;

/**
 * Cross-encoder reranking (main/search/rerank.ts). Off while `model` is unset. The defaults keep
 * an interactive search within ~half a second on a laptop: 30 candidates, 300 ms for them.
 */
export const RerankSettings = z.object({
  /** A reranker id from models/manifest.json (installed under `<dataDir>/models/<id>/`) or a model folder. */
  model: z.string().min(1).optional(),
  /** Per-query time budget: past it the fused order stands and the results say so. */
  budgetMs: z.number().int().min(10).max(10_000).default(300),
  /** How many of the fused top candidates the cross-encoder scores. */
  topN: z.number().int().min(2).max(200).default(30),
  /** Token limit per (query, passage) pair; capped by the model's own limit. */
  maxLength: z.number().int().min(16).max(8192).default(512),
  /** The model is unloaded after this long without a query (ms). */
  idleMs: z.number().int().min(1000).default(300_000),
});
export type RerankSettings = z.infer<typeof RerankSettings>;

/** Settings stored in `<dataDir>/settings.json`. Secrets never go here (safeStorage in the app). */
export const Settings = z.object({
  embedder: EmbedderSettings.default({ kind: 'use' }),
  /** Per-embedder fusion overrides (from calibration or the user), keyed by embedder id. */
  fusion: z.record(z.string(), FusionConfig).default({}),
  ingest: z
    .object({
      concurrency: z.number().int().min(1).max(16).default(2),
      embedBatchSize: z.number().int().min(1).max(512).default(32),
    })
    .default({ concurrency: 2, embedBatchSize: 32 }),
  /** Answer providers: local GGUF, remote OpenAI-compatible API, timeouts, privacy. */
  answer: AnswerConfig.optional(),
  rerank: RerankSettings.default({ budgetMs: 300, topN: 30, maxLength: 512, idleMs: 300_000 }),
});
export type Settings = z.infer<typeof Settings>;

export async function loadSettings(dataDir: string): Promise<Settings> {
  try {
    return Settings.parse(JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Settings.parse({});
    throw e;
  }
}

export async function saveSettings(dataDir: string, s: Settings): Promise<void> {
  const file = path.join(dataDir, 'settings.json');
  await writeFile(`${file}.tmp`, JSON.stringify(s, null, 2));
  await rename(`${file}.tmp`, file);
}
