/**
 * Calibrations kept with the index: `<dataDir>/calibration.json`, one entry per embedder id
 * (written atomically), and the manager that runs them, answers which fusion the library
 * uses, and re-runs a stale one in the background.
 *
 * Staleness: a calibration belongs to one embedder, so a new embedder simply has none until
 * it is calibrated (its default fusion serves). When the chunk count moves by more than 30%
 * the calibration is stale: it keeps serving (it was measured on most of this library, which
 * beats a default tuned elsewhere), `quarry status` says so, and a writer engine re-runs it in
 * the background once the ingest queue is idle. Background runs happen only in libraries that
 * were calibrated at least once: calibrating is the user's opt-in.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CalibrationInfo, type CalibrationProgress, type CalibrationStatus, type FusionConfig } from '../../contract';
import { QuarryError } from '../util/errors';
import { calibrateFusion, type CalibrateDeps, type CalibrateOptions, type CalibrationRun } from './calibrate';
import { QUERY_BUILDERS, type QueryBuilder } from './calibrate-queries';

export const CALIBRATION_FILE = 'calibration.json';
/** A library that grew or shrank by more than this fraction of its chunks needs a new calibration. */
export const STALE_FRACTION = 0.3;

const CalibrationFile = z.object({ version: z.literal(1), byEmbedder: z.record(z.string(), CalibrationInfo) });

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Reads the calibrations of a library (none when the file is missing or unreadable). */
export async function loadCalibrations(dataDir: string): Promise<Map<string, CalibrationInfo>> {
  try {
    const parsed = CalibrationFile.safeParse(JSON.parse(await readFile(path.join(dataDir, CALIBRATION_FILE), 'utf8')));
    // A damaged file only loses the calibration (defaults serve again), never the library.
    return new Map(parsed.success ? Object.entries(parsed.data.byEmbedder) : []);
  } catch {
    return new Map();
  }
}

/** Writes (or replaces) the calibration of `info.embedderId`, keeping the others; atomic by rename. */
export async function saveCalibration(dataDir: string, info: CalibrationInfo): Promise<void> {
  const all = await loadCalibrations(dataDir);
  all.set(info.embedderId, info);
  const file = path.join(dataDir, CALIBRATION_FILE);
  const tmp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, byEmbedder: Object.fromEntries(all) }, null, 2));
  await rename(tmp, file);
}

/** The stored form of a calibration run. */
export function toCalibrationInfo(run: CalibrationRun, library: { chunks: number; documents: number }, now = new Date()): CalibrationInfo {
  const s = run.selection;
  return {
    embedderId: run.embedderId,
    config: { method: s.chosen.method, denseWeight: s.chosen.denseWeight, rrfK: 60 },
    score: r4(s.chosen.ndcg10),
    bestScore: r4(s.best.ndcg10),
    lexicalScore: r4(s.lexical.ndcg10),
    noise: r4(s.noise),
    spread: r4(s.spread),
    queries: s.queries,
    builder: run.builder,
    seed: run.seed,
    candidates: run.candidates,
    chunks: library.chunks,
    documents: library.documents,
    createdAt: now.toISOString(),
    tookMs: run.tookMs,
    grid: run.grid.map((g) => ({ method: g.method, denseWeight: g.denseWeight, ndcg10: r4(g.ndcg10), mrr10: r4(g.mrr10) })),
  };
}

/** Why a calibration no longer describes the library, or undefined while it does. */
export function staleReason(info: CalibrationInfo, chunks: number): string | undefined {
  const base = Math.max(1, info.chunks);
  const moved = Math.abs(chunks - info.chunks) / base;
  if (moved > STALE_FRACTION) return `the library has ${chunks} passages, ${Math.round(moved * 100)}% ${chunks > info.chunks ? 'more' : 'fewer'} than the ${info.chunks} it was calibrated on`;
  return undefined;
}

/** The fusion a calibration prescribes, with a source line saying where it came from. */
export function calibratedFusion(info: CalibrationInfo): FusionConfig {
  return {
    ...info.config,
    source: `calibrated on this library (${info.createdAt.slice(0, 10)}, ${info.queries} queries: nDCG@10 ${info.score.toFixed(3)}, lexical only ${info.lexicalScore.toFixed(3)})`,
  };
}

/** Runs calibrations for an engine and keeps their results. */
export class CalibrationManager {
  private running?: Promise<CalibrationInfo>;
  private progress?: CalibrationProgress;
  private readonly abort = new AbortController();
  /** Chunk count of the last background attempt, so a failing one is not retried until the library changes. */
  private lastAutoChunks = -1;

  private constructor(
    private readonly opts: {
      dataDir: string;
      deps: CalibrateDeps;
      countChunks: () => Promise<number>;
      embedderId: () => string;
      onProgress: (p: CalibrationProgress) => void;
      readOnly: boolean;
    },
    private readonly byEmbedder: Map<string, CalibrationInfo>,
  ) {}

  static async create(opts: CalibrationManager['opts']): Promise<CalibrationManager> {
    return new CalibrationManager(opts, await loadCalibrations(opts.dataDir));
  }

  /** The calibration of an embedder, if any. */
  get(embedderId: string): CalibrationInfo | undefined {
    return this.byEmbedder.get(embedderId);
  }

  /** The calibrated fusion of an embedder, if it has one. */
  fusionFor(embedderId: string): FusionConfig | undefined {
    const info = this.byEmbedder.get(embedderId);
    return info && calibratedFusion(info);
  }

  /** The running calibration's progress, if one runs. */
  get current(): CalibrationProgress | undefined {
    return this.running ? this.progress : undefined;
  }

  /** What status reports for the serving embedder. */
  async status(overridden: boolean): Promise<CalibrationStatus | undefined> {
    const info = this.byEmbedder.get(this.opts.embedderId());
    if (!info) return undefined;
    const { grid: _grid, ...rest } = info;
    const reason = staleReason(info, await this.opts.countChunks());
    return { ...rest, inUse: !overridden, stale: reason !== undefined, ...(reason ? { staleReason: reason } : {}) };
  }

  /**
   * Calibrates the serving embedder now and stores the result. A call while one runs joins it.
   *
   * @throws QuarryError INVALID_INPUT (read-only engine, too small a library), CANCELLED.
   */
  run(req: Pick<CalibrateOptions, 'sampleSize' | 'seed' | 'builder'> = {}, extra: Pick<CalibrateOptions, 'signal' | 'onProgress'> = {}): Promise<CalibrationInfo> {
    if (this.opts.readOnly) return Promise.reject(new QuarryError('INVALID_INPUT', 'This engine was opened read-only; calibration writes calibration.json.'));
    this.running ??= (async () => {
      const signal = extra.signal ? AbortSignal.any([extra.signal, this.abort.signal]) : this.abort.signal;
      const run = await calibrateFusion(this.opts.deps, {
        ...req,
        signal,
        onProgress: (p) => {
          this.progress = p;
          this.opts.onProgress(p);
          extra.onProgress?.(p);
        },
      });
      const info = toCalibrationInfo(run, { chunks: await this.opts.countChunks(), documents: this.opts.deps.docs().size });
      signal.throwIfAborted();
      await saveCalibration(this.opts.dataDir, info);
      this.byEmbedder.set(info.embedderId, info);
      return info;
    })().finally(() => {
      this.running = undefined;
      this.progress = undefined;
    });
    return this.running;
  }

  /**
   * Re-runs the calibration in the background when the library was calibrated before and the
   * serving embedder's calibration is missing or stale. Failures are kept quiet (status shows
   * the stale calibration) and not retried until the chunk count changes.
   */
  async maybeRecalibrate(): Promise<void> {
    if (this.opts.readOnly || this.running || this.byEmbedder.size === 0 || this.abort.signal.aborted) return;
    const chunks = await this.opts.countChunks();
    const info = this.byEmbedder.get(this.opts.embedderId());
    if (info && !staleReason(info, chunks)) return;
    if (chunks === this.lastAutoChunks) return;
    this.lastAutoChunks = chunks;
    const builder = QUERY_BUILDERS.find((b): b is QueryBuilder => b === info?.builder);
    await this.run(info ? { seed: info.seed, builder } : {}).catch(() => undefined);
  }

  /** Cancels a running calibration and waits for it to stop. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }
}
