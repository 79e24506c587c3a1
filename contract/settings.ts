import { z } from 'zod';
import { ErrorInfo } from './errors';

/**
 * What the Settings view reads and changes: answer providers, the embedding model, and the
 * models Quarry can download. Secrets are never part of these shapes' output.
 */

export const AnswerProviderSetting = z.enum(['auto', 'extractive', 'local', 'remote']);

export const SettingsView = z.object({
  dataDir: z.string(),
  answer: z.object({
    provider: AnswerProviderSetting,
    remote: z.object({ baseUrl: z.string(), model: z.string(), hasKey: z.boolean() }).optional(),
    local: z.object({ model: z.string() }).optional(),
    redact: z.enum(['remote', 'always', 'never']),
  }),
  /** The embedder in settings.json (`use`, or a downloaded model id for `transformers`). */
  embedder: z.object({ kind: z.string(), model: z.string().optional() }),
  /** Where an API key can be kept: the OS keychain (desktop app), or only the environment (server). */
  keyStorage: z.enum(['secure', 'environment']),
  /** Cross-encoder reranking: the model (a manifest id or a folder; null: off) and the time budget per query. */
  rerank: z.object({ model: z.string().nullable(), budgetMs: z.number().int() }).optional(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SettingsUpdate = z.object({
  answer: z
    .object({
      provider: AnswerProviderSetting.optional(),
      /** null removes the remote provider. */
      remote: z.object({ baseUrl: z.string().url(), model: z.string().trim().min(1), apiKey: z.string().optional() }).nullable().optional(),
      /** A .gguf path or a model id from the manifest; null removes the local provider. */
      local: z.object({ model: z.string().trim().min(1) }).nullable().optional(),
      redact: z.enum(['remote', 'always', 'never']).optional(),
    })
    .optional(),
  embedder: z.union([z.object({ kind: z.literal('use') }), z.object({ kind: z.literal('transformers'), model: z.string().min(1) })]).optional(),
  rerank: z
    .object({
      /** A reranker id from the manifest or a model folder; null turns reranking off. */
      model: z.string().trim().min(1).nullable().optional(),
      budgetMs: z.number().int().min(10).max(10_000).optional(),
    })
    .optional(),
});
export type SettingsUpdate = z.input<typeof SettingsUpdate>;

/** Whether the change takes effect only after the engine restarts (the desktop app does that itself). */
export const SettingsSaved = z.object({ ok: z.literal(true), restartRequired: z.boolean() });

export const RemoteTest = z.object({ baseUrl: z.string().url(), model: z.string().trim().min(1), apiKey: z.string().optional() });
export const RemoteTestResult = z.object({
  ok: z.boolean(),
  /** Models the server lists (when it lists them). */
  models: z.array(z.string()),
  /** Whether `model` is among them (undefined when the server lists none). */
  modelFound: z.boolean().optional(),
  tookMs: z.number(),
  error: ErrorInfo.optional(),
});
export type RemoteTestResult = z.infer<typeof RemoteTestResult>;

export const ModelInfo = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  license: z.string(),
  state: z.enum(['installed', 'partial', 'missing']),
  bytesOnDisk: z.number(),
  bytesTotal: z.number().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelProgress = z.object({
  id: z.string(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  bytesPerSecond: z.number(),
  /** done / failed end the download. */
  state: z.enum(['downloading', 'done', 'failed']),
  error: ErrorInfo.optional(),
});
export type ModelProgress = z.infer<typeof ModelProgress>;
