import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QuarryError } from '../util/errors';
import { downloadFile } from './download';
import { findModel, loadManifest, modelDir, type ModelEntry, type ModelManifest } from './manifest';

/** Progress of a model pull, reported at most ~10 times a second per file. */
export interface PullProgress {
  id: string;
  /** The file being downloaded (its path inside the model folder). */
  file: string;
  fileIndex: number;
  fileCount: number;
  fileBytesDone: number;
  fileBytesTotal: number | null;
  /** All files together; the total is null until every file's size is known. */
  bytesDone: number;
  bytesTotal: number | null;
  bytesPerSecond: number;
}

/** Options of {@link pullModel}. */
export interface PullOptions {
  /** The models folder, `<dataDir>/models`; the model lands in `<dir>/<id>/`. */
  dir: string;
  fetch?: typeof fetch;
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  /** Defaults to the manifest shipped in models/manifest.json. */
  manifest?: ModelManifest;
  retries?: number;
  retryDelayMs?: number;
}

/** A model's state on disk. */
export interface ModelStatus {
  id: string;
  kind: ModelEntry['kind'];
  name: string;
  license: string;
  dir: string;
  /** installed: every file present; partial: some files or a resumable .part; missing: nothing. */
  state: 'installed' | 'partial' | 'missing';
  files: Array<{ path: string; present: boolean; size: number | null; expectedSize: number | null }>;
  bytesOnDisk: number;
  /** From the manifest or the sizes pinned on first download; null while unknown. */
  bytesTotal: number | null;
}

interface Pin {
  sha256: string;
  size: number;
  pinnedAt: string;
}
type Pins = Record<string, Pin>;

/** Where checksums computed on first download are kept (trust on first use), keyed by URL. */
export const PINS_FILE = 'pinned-checksums.json';

/**
 * Downloads every file of a manifest model into `<dir>/<id>/`, skipping files already there,
 * resuming partial ones, verifying each against the manifest's sha256 — or, where the manifest
 * has none, against the sha256 pinned when the same URL was first downloaded (the first
 * download pins it).
 *
 * @throws QuarryError NOT_FOUND (unknown id), MODEL_CHECKSUM, NETWORK, CANCELLED.
 * @example
 * await pullModel('bge-small-en-v1.5', { dir: path.join(dataDir, 'models'), onProgress: (p) => bar.update(p.bytesDone) });
 */
export async function pullModel(id: string, opts: PullOptions): Promise<ModelStatus> {
  const manifest = opts.manifest ?? loadManifest();
  const entry = findModel(id, manifest);
  const target = modelDir(opts.dir, entry.id);
  // Two pulls of one model in this process would write the same .part files: the second
  // waits for the first and then finds the files installed.
  const previous = inFlight.get(target) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => pull(entry, target, opts));
  const settled = run.catch(() => {});
  inFlight.set(target, settled);
  void settled.then(() => {
    if (inFlight.get(target) === settled) inFlight.delete(target);
  });
  return run;
}

const inFlight = new Map<string, Promise<unknown>>();

async function pull(entry: ModelEntry, target: string, opts: PullOptions): Promise<ModelStatus> {
  await mkdir(target, { recursive: true });
  const pins = await readPins(opts.dir);
  const sizes: Array<number | null> = entry.files.map((f) => f.size ?? pins[f.url]?.size ?? null);
  const doneBefore = new Array<number>(entry.files.length).fill(0);

  for (let i = 0; i < entry.files.length; i++) {
    const file = entry.files[i];
    const dest = path.join(target, file.path);
    const pin = pins[file.url];
    const expectedSha256 = file.sha256 ?? pin?.sha256 ?? null;
    const expectedSize = file.size ?? pin?.size ?? null;
    const existing = await sizeOrNull(dest);
    if (existing !== null && (expectedSize === null || existing === expectedSize)) {
      doneBefore[i] = existing;
      sizes[i] ??= existing;
      continue;
    }
    const result = await downloadFile({
      url: file.url,
      dest,
      expectedSha256,
      expectedSize,
      fetch: opts.fetch,
      signal: opts.signal,
      retries: opts.retries,
      retryDelayMs: opts.retryDelayMs,
      onProgress: (p) => {
        if (!opts.onProgress) return;
        sizes[i] ??= p.bytesTotal;
        const bytesTotal = sumOrNull(sizes);
        const bytesDone = doneBefore.reduce((a, b, k) => a + (k === i ? p.bytesDone : b), 0);
        opts.onProgress({
          id: entry.id,
          file: file.path,
          fileIndex: i,
          fileCount: entry.files.length,
          fileBytesDone: p.bytesDone,
          fileBytesTotal: p.bytesTotal,
          bytesDone,
          bytesTotal,
          bytesPerSecond: p.bytesPerSecond,
        });
      },
    });
    doneBefore[i] = result.size;
    sizes[i] = result.size;
    if (!file.sha256 && !pin) {
      pins[file.url] = { sha256: result.sha256, size: result.size, pinnedAt: new Date().toISOString() };
      await writePins(opts.dir, pins);
    }
  }
  return statusOf(opts.dir, entry, pins);
}

/**
 * Every manifest model with its state under `dir` (`<dataDir>/models`). Cheap: checks presence
 * and sizes, never hashes.
 */
export async function listModels(dir: string, opts: { manifest?: ModelManifest } = {}): Promise<ModelStatus[]> {
  const manifest = opts.manifest ?? loadManifest();
  const pins = await readPins(dir);
  return Promise.all(manifest.models.map((m) => statusOf(dir, m, pins)));
}

/**
 * The folder of an installed manifest model.
 *
 * @throws QuarryError('MODEL_MISSING') whose hint says how to get the files.
 */
export function requireInstalled(dir: string, entry: ModelEntry): string {
  const target = modelDir(dir, entry.id);
  const missing = entry.files.filter((f) => !existsSync(path.join(target, f.path)));
  if (missing.length > 0) {
    throw new QuarryError('MODEL_MISSING', `The model "${entry.id}" is not installed (missing ${missing.map((f) => f.path).join(', ')}).`, {
      hint: `Run \`quarry models pull ${entry.id}\`, or put the files in ${target}.`,
    });
  }
  return target;
}

async function statusOf(dir: string, entry: ModelEntry, pins: Pins): Promise<ModelStatus> {
  const target = modelDir(dir, entry.id);
  let partial = false;
  const files = await Promise.all(
    entry.files.map(async (f) => {
      const dest = path.join(target, f.path);
      const size = await sizeOrNull(dest);
      if (size === null && (await sizeOrNull(`${dest}.part`)) !== null) partial = true;
      return { path: f.path, present: size !== null, size, expectedSize: f.size ?? pins[f.url]?.size ?? null };
    }),
  );
  const present = files.filter((f) => f.present).length;
  const state = present === files.length ? 'installed' : present > 0 || partial ? 'partial' : 'missing';
  const expected = files.map((f) => f.expectedSize ?? (f.present ? f.size : null));
  return {
    id: entry.id,
    kind: entry.kind,
    name: entry.name,
    license: entry.license,
    dir: target,
    state,
    files,
    bytesOnDisk: files.reduce((a, f) => a + (f.size ?? 0), 0),
    bytesTotal: sumOrNull(expected),
  };
}

async function readPins(dir: string): Promise<Pins> {
  try {
    return JSON.parse(await readFile(path.join(dir, PINS_FILE), 'utf8')) as Pins;
  } catch {
    // Absent, or damaged: that must not block downloads; it only loses trust-on-first-use pins.
    return {};
  }
}

async function writePins(dir: string, pins: Pins): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, PINS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(pins, null, 2)}\n`);
  await rename(tmp, file);
}

async function sizeOrNull(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function sumOrNull(values: Array<number | null>): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}
