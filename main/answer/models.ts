import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { QuarryError } from '../util/errors';

/** One downloadable file of a model. */
export const ModelFile = z.looseObject({
  /** File name inside the model's folder. */
  name: z.string().min(1),
  url: z.string().url(),
  sha256: z.string().regex(/^[a-fA-F0-9]{64}$/),
  bytes: z.number().int().positive().optional(),
});
export type ModelFile = z.infer<typeof ModelFile>;

/** A manifest entry: id, files, source and licence (see GUIDE.md, models/). */
export const ModelEntry = z.looseObject({
  id: z.string().min(1),
  kind: z.string().optional(),
  files: z.array(ModelFile).min(1),
  license: z.string().optional(),
  source: z.string().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

const Manifest = z.union([z.looseObject({ models: z.array(ModelEntry) }), z.array(ModelEntry)]);

/** Reads a models manifest: `{ "models": [ … ] }` or a bare array of entries. */
export async function readManifest(file: string): Promise<ModelEntry[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    throw new QuarryError('MODEL_MISSING', `The models manifest is missing: ${file}`, { cause: e });
  }
  const parsed = Manifest.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new QuarryError('INVALID_INPUT', `The models manifest ${file} is malformed: ${parsed.error.message}`);
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.models;
}

/** True when the spec names a file rather than a manifest id. */
export function isModelPath(spec: string): boolean {
  return /\.gguf$/i.test(spec) || spec.includes('/') || spec.includes('\\');
}

export interface ResolveOptions {
  modelsDir: string;
  manifestPath: string;
  /** Download the model when it is not there yet (default false: tell the user how instead). */
  download?: boolean;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | undefined) => void;
}

/**
 * The GGUF file for a local-model setting: a path as given, or a manifest id resolved to
 * `<modelsDir>/<id>/<file>`, downloaded (and checksum-verified) when `download` is set.
 *
 * @throws QuarryError MODEL_MISSING naming the file or id and how to get it.
 */
export async function resolveModel(spec: string, opts: ResolveOptions): Promise<string> {
  if (isModelPath(spec)) {
    if (!existsSync(spec)) {
      throw new QuarryError('MODEL_MISSING', `The local model file does not exist: ${spec}`, {
        hint: 'Choose an existing .gguf file, or a model id from the models list.',
      });
    }
    return spec;
  }
  const entry = (await readManifest(opts.manifestPath)).find((m) => m.id === spec);
  if (!entry) {
    throw new QuarryError('MODEL_MISSING', `No model "${spec}" in the models manifest`, { hint: 'Run quarry models to list the models that can be used.' });
  }
  const file = entry.files.find((f) => /\.gguf$/i.test(f.name)) ?? entry.files[0];
  const dest = path.join(opts.modelsDir, entry.id, path.basename(file.name));
  if (existsSync(dest) && (!file.bytes || (await stat(dest)).size === file.bytes)) return dest;
  if (!opts.download) {
    throw new QuarryError('MODEL_MISSING', `The model "${spec}" has not been downloaded yet`, {
      hint: `Run quarry models pull ${spec}, or download it from the settings.`,
    });
  }
  await downloadVerified(file.url, dest, file.sha256, opts);
  return dest;
}

/**
 * Downloads `url` to `dest` through a `.part` file, hashing as it goes; the file is moved into
 * place only when its SHA-256 matches, so a broken or tampered download is never loaded.
 */
export async function downloadVerified(
  url: string,
  dest: string,
  sha256: string,
  opts: { fetchImpl?: typeof fetch; signal?: AbortSignal; onProgress?: (bytes: number, total: number | undefined) => void } = {},
): Promise<void> {
  const fetchImpl = opts.fetchImpl ?? globalThis.fetch;
  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: opts.signal, redirect: 'follow' });
  } catch (e) {
    if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'The download was cancelled', { cause: e });
    throw new QuarryError('NETWORK', `Could not download ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, retryable: true });
  }
  if (!res.ok || !res.body) {
    throw new QuarryError('NETWORK', `Downloading ${url} failed (HTTP ${res.status})`, { retryable: res.status >= 500 || res.status === 429 });
  }
  const totalHeader = Number(res.headers.get('content-length'));
  const total = Number.isFinite(totalHeader) && totalHeader > 0 ? totalHeader : undefined;
  const hash = createHash('sha256');
  const out = createWriteStream(part);
  // Write errors surface through `end` below; without a listener a late one would crash the process.
  let writeError: Error | undefined;
  out.on('error', (e) => {
    writeError = e;
  });
  let bytes = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      hash.update(value);
      bytes += value.byteLength;
      if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
      opts.onProgress?.(bytes, total);
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err || writeError ? reject(err ?? writeError) : resolve())));
  } catch (e) {
    out.destroy();
    await rm(part, { force: true });
    if (opts.signal?.aborted) throw new QuarryError('CANCELLED', 'The download was cancelled', { cause: e });
    throw new QuarryError('NETWORK', `The download of ${url} broke off after ${bytes} bytes`, { cause: e, retryable: true });
  }
  const digest = hash.digest('hex');
  if (digest.toLowerCase() !== sha256.toLowerCase()) {
    await rm(part, { force: true });
    throw new QuarryError('MODEL_CHECKSUM', `The downloaded file from ${url} has the wrong checksum`, {
      hint: 'The download was corrupted or the file changed upstream; try again later.',
    });
  }
  await rename(part, dest);
}
