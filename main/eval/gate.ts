import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { QuarryError } from '../util/errors';
import { EvalConfig, type RunFile } from './run-file';

/** The largest drop in nDCG@10 below the baseline that the gate lets through. */
export const DEFAULT_TOLERANCE = 0.01;

/** bench/baselines/<dataset>.json: the figure CI holds the default configuration to. */
export const Baseline = z.object({
  dataset: z.string(),
  split: z.string(),
  /** The corpus fingerprint, so a baseline is never compared with a different collection. */
  corpusKey: z.string(),
  queries: z.number().int(),
  config: EvalConfig,
  'ndcg@10': z.number(),
  'recall@100': z.number().optional(),
  'mrr@10': z.number().optional(),
  tolerance: z.number().min(0).max(1).default(DEFAULT_TOLERANCE),
  commit: z.string().nullable(),
  measuredAt: z.string(),
  /** Why the baseline last changed: a person's words, kept with the figure. */
  note: z.string().optional(),
});
export type Baseline = z.infer<typeof Baseline>;

/** The gate's verdict. */
export interface GateResult {
  pass: boolean;
  baseline: number;
  measured: number;
  /** measured − baseline. */
  delta: number;
  /** The lowest passing figure: baseline − tolerance. */
  threshold: number;
  tolerance: number;
  /** Differences in configuration between the baseline and this run (none is the usual case). */
  configChanges: string[];
  message: string;
}

/** Reads and validates a baseline file. */
export async function readBaseline(file: string): Promise<Baseline> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new QuarryError('FILE_NOT_FOUND', `No baseline at ${file}.`, { hint: 'Create one with `quarry eval gate --update` on a trusted commit.' });
    throw new QuarryError('INVALID_INPUT', `${file} is not valid JSON.`, { cause: e });
  }
  const parsed = Baseline.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuarryError('INVALID_INPUT', `${file} is not a baseline file (${issue.path.join('.') || 'root'}: ${issue.message}).`);
  }
  return parsed.data;
}

/** A baseline from a run (what `--update` writes), keeping the tolerance of the one it replaces. */
export function baselineFromRun(run: RunFile, opts: { tolerance?: number; note?: string } = {}): Baseline {
  return Baseline.parse({
    dataset: run.dataset,
    split: run.split,
    corpusKey: run.corpusKey,
    queries: run.aggregates.queries,
    config: run.config,
    'ndcg@10': run.aggregates['ndcg@10'],
    'recall@100': run.aggregates['recall@100'],
    'mrr@10': run.aggregates['mrr@10'],
    tolerance: opts.tolerance ?? DEFAULT_TOLERANCE,
    commit: run.commit,
    measuredAt: run.createdAt,
    note: opts.note,
  });
}

/** Writes a baseline file (stable key order, trailing newline: it is reviewed in diffs). */
export async function writeBaseline(file: string, b: Baseline): Promise<void> {
  await writeFile(file, JSON.stringify(b, null, 2) + '\n');
}

/** What differs between two configurations, as "fusion.denseWeight: 0.2 → 0.3" lines. */
export function configChanges(before: EvalConfig, after: EvalConfig): string[] {
  const flat = (c: EvalConfig): Map<string, string> => {
    const m = new Map<string, string>([['mode', c.mode], ['embedder', c.embedder], ['depth', String(c.depth)]]);
    for (const [k, v] of Object.entries(c.fusion ?? {})) if (k !== 'source') m.set(`fusion.${k}`, JSON.stringify(v));
    for (const [k, v] of Object.entries(c.search)) m.set(`search.${k}`, JSON.stringify(v));
    for (const [k, v] of Object.entries(c.query)) m.set(`query.${k}`, JSON.stringify(v));
    return m;
  };
  const a = flat(before);
  const b = flat(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? '(unset)'} → ${b.get(k) ?? '(unset)'}`);
}

/**
 * The CI gate's rule: a run passes unless its nDCG@10 is below baseline − tolerance. A run on a
 * different dataset, split or corpus cannot be judged against the baseline and is an error.
 *
 * @example
 * checkGate(baseline, run).pass; // false when nDCG@10 dropped by more than 0.01
 */
export function checkGate(baseline: Baseline, run: RunFile, tolerance = baseline.tolerance): GateResult {
  if (run.dataset !== baseline.dataset || run.split !== baseline.split || run.corpusKey !== baseline.corpusKey) {
    throw new QuarryError(
      'INVALID_INPUT',
      `The run is on ${run.dataset}/${run.split} (corpus ${run.corpusKey}) but the baseline on ${baseline.dataset}/${baseline.split} (corpus ${baseline.corpusKey}).`,
      { hint: 'Run the gate on the dataset and split the baseline names.' },
    );
  }
  const measured = run.aggregates['ndcg@10'];
  const b = baseline['ndcg@10'];
  // Both figures are rounded to 4 decimals; compare on that grid so float noise cannot decide.
  const threshold = Math.round((b - tolerance) * 10000) / 10000;
  const delta = Math.round((measured - b) * 10000) / 10000;
  const pass = measured >= threshold;
  const changes = configChanges(baseline.config, run.config);
  const sign = delta > 0 ? '+' : '';
  const message = pass
    ? `PASS: nDCG@10 ${measured.toFixed(4)} vs baseline ${b.toFixed(4)} (${sign}${delta.toFixed(4)}; the gate fails below ${threshold.toFixed(4)}).`
    : `FAIL: nDCG@10 ${measured.toFixed(4)} is below baseline ${b.toFixed(4)} − ${tolerance} = ${threshold.toFixed(4)} (${sign}${delta.toFixed(4)}).`;
  return { pass, baseline: b, measured, delta, threshold, tolerance, configChanges: changes, message };
}
