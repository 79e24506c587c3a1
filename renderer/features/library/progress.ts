import type { IngestProgress } from '../../../contract';

/** What the library knows about one running job, folded from progress events. */
export interface FileProgress {
  jobId: string;
  path: string;
  stage: IngestProgress['stage'];
  pagesDone: number;
  pagesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  /** True when the engine sent this file's own counts (IngestProgress.file). */
  exact: boolean;
  /** When the job was first seen running (ms), for the ETA. */
  startedAt: number;
  updatedAt: number;
}

/** Share of a file's work each stage stands for: parsing and embedding dominate. */
const STAGE_SPAN: Record<string, [number, number]> = {
  queued: [0, 0],
  parse: [0, 0.45],
  chunk: [0.45, 0.5],
  embed: [0.5, 0.95],
  index: [0.95, 1],
};

/**
 * How far along a file is, 0..1. With the file's own counts, the current stage is split by
 * pages (parse) or chunks (embed); without them, the bar stands at the start of the stage.
 */
export function fileFraction(p: Pick<FileProgress, 'stage' | 'pagesDone' | 'pagesTotal' | 'chunksDone' | 'chunksTotal' | 'exact'>): number {
  if (p.stage === 'done' || p.stage === 'unchanged') return 1;
  const span = STAGE_SPAN[p.stage];
  if (!span) return 0;
  const [from, to] = span;
  let within = 0;
  if (p.exact) {
    if (p.stage === 'parse' && p.pagesTotal > 0) within = p.pagesDone / p.pagesTotal;
    if (p.stage === 'embed' && p.chunksTotal > 0) within = p.chunksDone / p.chunksTotal;
  }
  return Math.min(1, Math.max(0, from + (to - from) * within));
}

/**
 * Seconds left for one file, extrapolated from its own pace. Undefined until there is enough
 * to go on (a second of work and 5 % done), so the UI does not flash wild guesses.
 */
export function fileEta(p: FileProgress, now: number): number | undefined {
  const f = fileFraction(p);
  const elapsed = (now - p.startedAt) / 1000;
  if (f < 0.05 || f >= 1 || elapsed < 1) return undefined;
  return Math.max(1, Math.round((elapsed * (1 - f)) / f));
}

/** Folds one progress event into the per-job map (returns the same map when nothing changed). */
export function foldProgress(files: Record<string, FileProgress>, ev: IngestProgress, now: number): Record<string, FileProgress> {
  if (!ev.jobId) return files;
  const terminal = ev.stage === 'done' || ev.stage === 'failed' || ev.stage === 'cancelled' || ev.stage === 'unchanged';
  if (terminal) {
    if (!(ev.jobId in files)) return files;
    const { [ev.jobId]: _gone, ...rest } = files;
    return rest;
  }
  const prev = files[ev.jobId];
  // The event's own counts add up the whole batch; in a batch of one file they are that
  // file's counts, so they can stand in when the engine sends no per-file figures.
  const own = ev.file ?? (ev.filesTotal === 1 ? { pagesDone: ev.pagesDone, pagesTotal: ev.pagesTotal, chunksDone: ev.chunksDone, chunksTotal: ev.chunksTotal } : undefined);
  const next: FileProgress = {
    jobId: ev.jobId,
    path: ev.path ?? prev?.path ?? '',
    stage: ev.stage,
    pagesDone: own?.pagesDone ?? prev?.pagesDone ?? 0,
    pagesTotal: own?.pagesTotal ?? prev?.pagesTotal ?? 0,
    chunksDone: own?.chunksDone ?? prev?.chunksDone ?? 0,
    chunksTotal: own?.chunksTotal ?? prev?.chunksTotal ?? 0,
    exact: own !== undefined,
    startedAt: prev?.startedAt ?? now,
    updatedAt: now,
  };
  return { ...files, [ev.jobId]: next };
}

/** "45 s", "3 min", "1 h 5 min". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
