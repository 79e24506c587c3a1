import { existsSync } from 'node:fs';
import path from 'node:path';
import { findModel, loadManifest, type ModelEntry, type ModelManifest } from '../embed/manifest';
import { pullModel, requireInstalled, type PullProgress } from '../embed/models';
import { QuarryError } from '../util/errors';

/** True when the setting names a file rather than a manifest id. */
export function isModelPath(spec: string): boolean {
  return /\.gguf$/i.test(spec) || spec.includes('/') || spec.includes('\\');
}

export interface ResolveOptions {
  /** The models folder, `<dataDir>/models` (a model lands in `<modelsDir>/<id>/`). */
  modelsDir: string;
  /** Defaults to the manifest shipped in models/manifest.json. */
  manifest?: ModelManifest;
  /** Download the model when it is not installed (default false: say how to get it instead). */
  download?: boolean;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
}

/** The manifest entry of a local chat model. @throws when the id is unknown or not a GGUF chat model. */
export function chatModelEntry(id: string, manifest: ModelManifest = loadManifest()): ModelEntry & { gguf: string } {
  const entry = findModel(id, manifest);
  const gguf = entry.files.find((f) => /\.gguf$/i.test(f.path));
  if (entry.kind !== 'llm' || entry.runtime !== 'llama-cpp' || !gguf) {
    throw new QuarryError('INVALID_INPUT', `"${id}" is a ${entry.kind} model, not a local chat model`, {
      hint: 'Choose a model of kind "llm" (quarry models lists them), or a .gguf file.',
    });
  }
  return { ...entry, gguf: gguf.path };
}

/**
 * The GGUF file for a local-model setting: a path as given, or a manifest id resolved to its
 * file under `<modelsDir>/<id>/` — downloaded first (resumable, checksum-verified, through the
 * same downloader as the embedding models) when `download` is set.
 *
 * @throws QuarryError MODEL_MISSING naming the file or id and how to get it.
 */
export async function resolveModel(spec: string, opts: ResolveOptions): Promise<string> {
  if (isModelPath(spec)) {
    if (!existsSync(spec)) {
      throw new QuarryError('MODEL_MISSING', `The local model file does not exist: ${spec}`, {
        hint: 'Choose an existing .gguf file, or a model id from `quarry models`.',
      });
    }
    return spec;
  }
  const manifest = opts.manifest ?? loadManifest();
  const entry = chatModelEntry(spec, manifest);
  if (opts.download) {
    await pullModel(entry.id, { dir: opts.modelsDir, manifest, fetch: opts.fetchImpl, signal: opts.signal, onProgress: opts.onProgress });
  }
  return path.join(requireInstalled(opts.modelsDir, entry), entry.gguf);
}
