import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SUPPORTED_EXTENSIONS } from './ingest';

/**
 * Expands folders into the supported files inside them (recursively, skipping hidden entries).
 * Paths that are files — or do not exist — pass through as given, so the job reports them.
 */
export async function expandPaths(paths: string[], signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const exts = new Set<string>(SUPPORTED_EXTENSIONS.map((e: string) => e.toLowerCase().replace(/^\./, '')));
  async function walk(dir: string): Promise<void> {
    signal?.throwIfAborted();
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing to add
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && exts.has(path.extname(e.name).slice(1).toLowerCase())) out.push(p);
    }
  }
  for (const p of paths) {
    const abs = path.resolve(p);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isDirectory()) await walk(abs);
    else out.push(abs);
  }
  return [...new Set(out)];
}
