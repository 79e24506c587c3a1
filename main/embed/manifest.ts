import path from 'node:path';
import { z } from 'zod';
import bundledManifest from '../../models/manifest.json';
import { QuarryError } from '../util/errors';

const SAFE_ID = /^[a-z0-9][a-z0-9._-]*$/i;

/** A file of a model: where it goes (relative to the model's folder) and where it comes from. */
export const ModelFile = z.object({
  path: z
    .string()
    .min(1)
    // A manifest can be edited by hand: never let a file escape its model's folder.
    .refine((p) => !path.isAbsolute(p) && !p.split(/[\\/]/).some((part) => part === '..' || part === ''), 'must be a relative path inside the model folder'),
  url: z.string().url(),
  /** Lower-case hex; null when unknown (pinned on first download, see the manifest notes). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  size: z.number().int().nonnegative().nullable(),
});
export type ModelFile = z.infer<typeof ModelFile>;

/** One downloadable model. */
export const ModelEntry = z.object({
  id: z.string().regex(SAFE_ID),
  kind: z.enum(['embedding', 'reranker', 'llm']),
  name: z.string(),
  description: z.string().optional(),
  license: z.string(),
  source: z.string().url(),
  runtime: z.enum(['transformers', 'llama-cpp']),
  default: z.boolean().optional(),
  /** transformers.js ONNX variant: q8 → onnx/model_quantized.onnx, fp32 → onnx/model.onnx. */
  dtype: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4']).optional(),
  dimension: z.number().int().positive().optional(),
  pooling: z.enum(['mean', 'cls']).optional(),
  normalize: z.boolean().optional(),
  queryPrefix: z.string().optional(),
  passagePrefix: z.string().optional(),
  maxTokens: z.number().int().positive().optional(),
  contextLength: z.number().int().positive().optional(),
  files: z.array(ModelFile).min(1),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

/** The whole manifest (models/manifest.json). */
export const ModelManifest = z.object({
  version: z.literal(1),
  notes: z.array(z.string()).default([]),
  models: z.array(ModelEntry),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

let cached: ModelManifest | undefined;

/** The manifest shipped with Quarry, parsed and checked once. */
export function loadManifest(): ModelManifest {
  cached ??= parseManifest(bundledManifest);
  return cached;
}

/**
 * Checks a manifest (the bundled one, or one supplied by tests or an administrator).
 *
 * @throws QuarryError('INVALID_INPUT') naming the first problem.
 */
export function parseManifest(raw: unknown): ModelManifest {
  const parsed = ModelManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuarryError('INVALID_INPUT', `The model manifest is invalid at ${issue.path.join('.')}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const m of parsed.data.models) {
    if (ids.has(m.id)) throw new QuarryError('INVALID_INPUT', `The model manifest lists "${m.id}" twice.`);
    ids.add(m.id);
  }
  return parsed.data;
}

/**
 * The manifest entry for `id`.
 *
 * @throws QuarryError('NOT_FOUND') listing the known ids.
 */
export function findModel(id: string, manifest: ModelManifest = loadManifest()): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) {
    throw new QuarryError('NOT_FOUND', `No model called "${id}" is known.`, {
      hint: `Known models: ${manifest.models.map((m) => m.id).join(', ')}.`,
    });
  }
  return entry;
}

/** Where a model's files live: `<modelsDir>/<id>/`. */
export function modelDir(modelsDir: string, id: string): string {
  if (!SAFE_ID.test(id)) throw new QuarryError('INVALID_INPUT', `"${id}" is not a valid model id.`);
  return path.join(modelsDir, id);
}
