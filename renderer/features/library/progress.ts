import type { FileCounts, IngestProgress, JobInfo } from '../../../contract';

/** What the library knows about one running job, folded from progress events. */
export interface FileProgress {
  jobId: string;
  path: string;
  stage: IngestProgress['stage'];
  pagesDone: number;
  pagesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  /** Embed stage: other files' texts the embedder works through before this file's next one. */
  chunksAhead?: number;
  /** Embed stage: the shared embedder's measured throughput (texts per second). */
  embedRate?: number;
  /** True when the engine sent this file's own counts (IngestProgress.file). */
  exact: boolean;
  /** Where the page rate is measured from: the first page count seen in this parse stage. */
  pagesSince?: { at: number; pagesDone: number };
  /** When the job was first seen running (ms). */
  startedAt: number;
  /** When the engine last reported on it (ms): ETAs count down from there. */
  updatedAt: number;
}

type Counts = Pick<FileProgress, 'stage' | 'pagesDone' | 'pagesTotal' | 'chunksDone' | 'chunksTotal' | 'exact'>;

/** Share of a file's work each stage stands for: parsing and embedding dominate. */
const STAGE_SPAN: Record<string, [number, number]> = {
  queued: [0, 0],
  parse: [0, 0.45],
  chunk: [0.45, 0.5],
  embed: [0.5, 0.95],
  index: [0.95, 1],
};

const STAGE_ORDER: Record<string, number> = { queued: 0, parse: 1, chunk: 2, embed: 3, index: 4 };

/**
 * How far along a file is, 0..1. With the file's own counts, the current stage is split by
 * pages read (parse) or chunks embedded (embed); without them, the bar stands at the start of
 * the stage. A file waiting for the embedder has embedded nothing, so its bar stays put.
 */
export function fileFraction(p: Counts): number {
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
 * True while a file in the embed stage has nothing embedded yet and other files' texts are
 * ahead of it at the shared embedder.
 */
export function isWaitingToEmbed(p: Pick<FileProgress, 'stage' | 'chunksDone' | 'chunksAhead'>): boolean {
  return p.stage === 'embed' && p.chunksDone === 0 && (p.chunksAhead ?? 0) > 0;
}

/** Minimum span a page rate is measured over (ms): a single burst of pages says little. */
const MIN_RATE_SPAN_MS = 1000;

/**
 * Seconds left in the file's current stage, from a measured rate only: pages per second of
 * this file while it is read, the embedder's throughput applied to the texts ahead of this
 * file plus its own while it embeds. Undefined without a measured rate (or in the short chunk
 * and save stages), so nothing is made up. It counts down between reports and is re-estimated
 * at each one; it never grows with the time already spent.
 */
export function fileEta(p: FileProgress, now: number): number | undefined {
  if (!p.exact) return undefined;
  let seconds: number | undefined;
  if (p.stage === 'parse' && p.pagesTotal > 0 && p.pagesSince) {
    const read = p.pagesDone - p.pagesSince.pagesDone;
    const span = p.updatedAt - p.pagesSince.at;
    if (read > 0 && span >= MIN_RATE_SPAN_MS) seconds = (p.pagesTotal - p.pagesDone) / ((read * 1000) / span);
  } else if (p.stage === 'embed' && p.embedRate !== undefined && p.embedRate > 0) {
    const left = (p.chunksAhead ?? 0) + Math.max(0, p.chunksTotal - p.chunksDone);
    if (left > 0) seconds = left / p.embedRate;
  }
  if (seconds === undefined || !(seconds > 0)) return undefined;
  const since = Math.max(0, (now - p.updatedAt) / 1000);
  return Math.max(1, Math.round(seconds - since));
}

/** What a progress line says: the stage, what the file waits for, and the time left if known. */
export function progressText(p: { stage: string; waiting?: boolean; chunksAhead?: number; etaSeconds?: number }): string {
  let text = STAGE_LABEL[p.stage] ?? 'Indexing';
  if (p.waiting) {
    text = 'Waiting to embed';
    if (p.chunksAhead) text += ` · ${p.chunksAhead} chunk${p.chunksAhead === 1 ? '' : 's'} ahead`;
  }
  if (p.etaSeconds !== undefined) text += ` · ${formatEta(p.etaSeconds)} left`;
  return text;
}

const STAGE_LABEL: Record<string, string> = { queued: 'Waiting', parse: 'Reading', chunk: 'Splitting', embed: 'Embedding', index: 'Saving' };

/** The file's counts from an event or a job listing, when the engine sent them. */
function ownCounts(ev: IngestProgress): FileCounts | undefined {
  // The event's own counts add up the whole batch; in a batch of one file they are that
  // file's counts, so they can stand in when the engine sends no per-file figures.
  return ev.file ?? (ev.filesTotal === 1 ? { pagesDone: ev.pagesDone, pagesTotal: ev.pagesTotal, chunksDone: ev.chunksDone, chunksTotal: ev.chunksTotal } : undefined);
}

/** The next state of one file from a report of its stage and (maybe) its own counts. */
function advance(prev: FileProgress | undefined, jobId: string, path: string | undefined, stage: IngestProgress['stage'], own: FileCounts | undefined, now: number): FileProgress {
  const next: FileProgress = {
    jobId,
    path: path ?? prev?.path ?? '',
    stage,
    pagesDone: own?.pagesDone ?? prev?.pagesDone ?? 0,
    pagesTotal: own?.pagesTotal ?? prev?.pagesTotal ?? 0,
    chunksDone: own?.chunksDone ?? prev?.chunksDone ?? 0,
    chunksTotal: own?.chunksTotal ?? prev?.chunksTotal ?? 0,
    // Once the engine has sent the file's own counts, a report without them keeps the ones
    // known: the bar does not fall back to the start of the stage.
    exact: own !== undefined || (prev?.exact ?? false),
    startedAt: prev?.startedAt ?? now,
    updatedAt: now,
  };
  if (stage === 'embed') {
    const ahead = own ? own.chunksAhead : prev?.chunksAhead;
    const rate = own ? own.embedRate : prev?.embedRate;
    if (ahead !== undefined) next.chunksAhead = ahead;
    if (rate !== undefined) next.embedRate = rate;
  }
  if (stage === 'parse' && next.exact && next.pagesTotal > 0) {
    // The page rate is measured within one parse stage of one run: a new stage, or counts that
    // went back (a retry), start the measurement again.
    const since = prev?.stage === 'parse' ? prev.pagesSince : undefined;
    next.pagesSince = since && since.pagesDone <= next.pagesDone ? since : { at: now, pagesDone: next.pagesDone };
  }
  return next;
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
  return { ...files, [ev.jobId]: advance(files[ev.jobId], ev.jobId, ev.path, ev.stage, ownCounts(ev), now) };
}

/** Whether report `b` is at least as far along as `a` (stage first, then the counts). */
function notBehind(a: Counts, b: Counts): boolean {
  const sa = STAGE_ORDER[a.stage] ?? 0;
  const sb = STAGE_ORDER[b.stage] ?? 0;
  if (sa !== sb) return sb > sa;
  return b.pagesDone >= a.pagesDone && b.chunksDone >= a.chunksDone;
}

/**
 * Brings the per-job map in line with a job listing (`jobs.list`): after a page reload, or a
 * reconnect that missed events, running jobs get the stage and counts the engine reports for
 * them now, and jobs no longer running lose their progress. A file the events already took
 * further keeps its own (returns the same map when nothing changed).
 */
export function syncWithJobs(files: Record<string, FileProgress>, jobs: JobInfo[], now: number): Record<string, FileProgress> {
  let out = files;
  const edit = (): Record<string, FileProgress> => (out === files ? (out = { ...files }) : out);
  for (const j of jobs) {
    const prev = files[j.jobId];
    if (j.state !== 'running') {
      if (prev) delete edit()[j.jobId];
      continue;
    }
    if (!j.live) continue;
    const { stage, ...own } = j.live;
    if (prev && !notBehind(prev, { stage, ...own, exact: true })) continue;
    edit()[j.jobId] = advance(prev, j.jobId, j.path, stage, own, now);
  }
  return out;
}

/** "45 s", "3 min", "1 h 5 min". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
