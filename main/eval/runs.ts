import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { QuarryError } from '../util/errors';
import { RunFile } from './run-file';
import type { EvalResult } from './run';

const exec = promisify(execFile);

/** Where saved runs live: `<data-dir>/eval/runs/`. */
export function runsDir(dataDir: string): string {
  return path.join(dataDir, 'eval', 'runs');
}

/** The commit HEAD points at in `cwd` and whether the tree has local changes; null outside git. */
export async function gitState(cwd: string): Promise<{ commit: string | null; dirty?: boolean }> {
  try {
    const { stdout } = await exec('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000 });
    const status = await exec('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, timeout: 5000 });
    return { commit: stdout.trim(), dirty: status.stdout.trim().length > 0 };
  } catch {
    return { commit: null };
  }
}

/** A file-name-safe run name. */
export function safeRunName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 100);
  if (!s) throw new QuarryError('INVALID_INPUT', `"${name}" is not a usable run name.`, { hint: 'Use letters, digits, dots, dashes and underscores.' });
  return s;
}

/** An automatic run name: `<dataset>-<split>-<mode>-<yyyymmdd-hhmmss>`. */
export function autoRunName(dataset: string, split: string, mode: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return safeRunName(`${dataset}-${split}-${mode}-${stamp}`);
}

/** Builds the saved form of an evaluation result. */
export function toRunFile(
  result: EvalResult,
  meta: { name: string; dataset: string; corpusKey: string; documents: number; split: string; commit: string | null; dirty?: boolean; indexSeconds?: number; createdAt?: string },
): RunFile {
  return RunFile.parse({
    version: 1,
    name: meta.name,
    dataset: meta.dataset,
    corpusKey: meta.corpusKey,
    documents: meta.documents,
    split: meta.split,
    createdAt: meta.createdAt ?? new Date().toISOString(),
    commit: meta.commit,
    dirty: meta.dirty,
    config: result.config,
    aggregates: { 'ndcg@10': result['ndcg@10'], 'recall@100': result['recall@100'], 'mrr@10': result['mrr@10'], queries: result.queries },
    tookMs: result.tookMs,
    indexSeconds: meta.indexSeconds,
    perQuery: result.perQuery,
  });
}

/** Writes a run to `<dir>/<name>.json` (atomically) and returns the file's path. */
export async function saveRun(dir: string, run: RunFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${safeRunName(run.name)}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(run) + '\n');
  await rename(tmp, file);
  return file;
}

/** Reads and validates a run file; a damaged or foreign file is an INVALID_INPUT error naming it. */
export async function readRun(file: string): Promise<RunFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new QuarryError('FILE_NOT_FOUND', `No run file at ${file}.`, { hint: 'List saved runs with `quarry eval runs`.' });
    throw new QuarryError('INVALID_INPUT', `${file} is not valid JSON.`, { cause: e });
  }
  const parsed = RunFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuarryError('INVALID_INPUT', `${file} is not a Quarry run file (${issue.path.join('.') || 'root'}: ${issue.message}).`, {
      hint: 'Runs are written by `quarry eval beir`; list them with `quarry eval runs`.',
    });
  }
  return parsed.data;
}

/** Finds a run by path or by saved name (with or without `.json`) in `dir`. */
export async function loadRun(dir: string, ref: string): Promise<RunFile> {
  if (existsSync(ref) && ref.endsWith('.json')) return readRun(ref);
  const byName = path.join(dir, `${ref.replace(/\.json$/, '')}.json`);
  if (existsSync(byName)) return readRun(byName);
  throw new QuarryError('NOT_FOUND', `No saved run named "${ref}" in ${dir}.`, { hint: 'List saved runs with `quarry eval runs`, or give a run file\'s path.' });
}

/** One line of `quarry eval runs`. */
export interface RunSummary {
  name: string;
  file: string;
  dataset: string;
  split: string;
  label: string;
  createdAt: string;
  commit: string | null;
  aggregates: RunFile['aggregates'];
}

/** The saved runs in `dir`, newest first; unreadable files are reported, not fatal. */
export async function listRuns(dir: string): Promise<{ runs: RunSummary[]; unreadable: string[] }> {
  if (!existsSync(dir)) return { runs: [], unreadable: [] };
  const runs: RunSummary[] = [];
  const unreadable: string[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    try {
      const r = await readRun(file);
      runs.push({ name: r.name, file, dataset: r.dataset, split: r.split, label: r.config.label, createdAt: r.createdAt, commit: r.commit, aggregates: r.aggregates });
    } catch {
      unreadable.push(file);
    }
  }
  runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
  return { runs, unreadable };
}
