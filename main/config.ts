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
