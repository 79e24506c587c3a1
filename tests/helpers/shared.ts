import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The folder of third-party documents, models and benchmarks that sits beside the project
 * (`../shared`). Tests read it through QUARRY_SHARED (vitest.config.ts sets it to ../shared
 * when unset) and fail with a clear message when it is missing — never skip silently.
 */
export function sharedDir(): string {
  const dir = process.env.QUARRY_SHARED;
  if (!dir || !existsSync(dir)) {
    throw new Error(
      `The shared test material is missing: QUARRY_SHARED=${dir ?? '(unset)'}. ` +
        'Put the shared/ folder beside the repository or point QUARRY_SHARED at it.',
    );
  }
  return dir;
}

/** A path inside ../shared, failing clearly when it is absent. */
export function sharedPath(...parts: string[]): string {
  const p = path.join(sharedDir(), ...parts);
  if (!existsSync(p)) throw new Error(`Missing shared test file: ${p}`);
  return p;
}

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'quarry-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
