import type { DocumentInfo, ErrorInfo, FileFormat, JobInfo } from '../../../contract';
import { fileEta, fileFraction, isWaitingToEmbed, type FileProgress } from './progress';

export type RowStatus = 'queued' | 'processing' | 'ready' | 'failed';

/** One line of the document table: a document, or a job that has no document yet. */
export interface Row {
  key: string;
  docId?: string;
  /** The job to retry or cancel, when there is one. */
  jobId?: string;
  name: string;
  path: string;
  collection: string;
  format?: FileFormat;
  pages?: number;
  bytes?: number;
  addedAt: string;
  tags: string[];
  status: RowStatus;
  /** A ready document being indexed again keeps serving search meanwhile. */
  reindexing: boolean;
  error?: ErrorInfo;
  warnings: number;
  progress?: RowProgress;
}

/** A row's indexing progress: how far, the stage, and what the file waits for. */
export interface RowProgress {
  fraction: number;
  etaSeconds?: number;
  stage: string;
  /** In the embed stage with nothing embedded yet, behind other files' texts. */
  waiting?: boolean;
  chunksAhead?: number;
}

/** A running file's progress as its row shows it. */
export function rowProgress(fp: FileProgress, now: number): RowProgress {
  const out: RowProgress = { fraction: fileFraction(fp), etaSeconds: fileEta(fp, now), stage: fp.stage };
  if (isWaitingToEmbed(fp)) {
    out.waiting = true;
    out.chunksAhead = fp.chunksAhead;
  }
  return out;
}

export type SortKey = 'name' | 'format' | 'pages' | 'status' | 'bytes' | 'addedAt';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

const BY_EXTENSION: Record<string, FileFormat> = { pdf: 'pdf', docx: 'docx', md: 'markdown', markdown: 'markdown', html: 'html', htm: 'html', txt: 'text' };

/** The format a file name suggests, for rows the engine has not read yet (or could not). */
export function formatFromName(name: string): FileFormat | undefined {
  return BY_EXTENSION[name.split('.').pop()?.toLowerCase() ?? ''];
}

/**
 * Merges documents with the job queue into table rows. Documents come first-class; jobs add
 * rows only for files that have no document yet (queued, or failed before they could be read).
 */
export function buildRows(documents: DocumentInfo[], jobs: JobInfo[], files: Record<string, FileProgress>, now: number, dismissed: ReadonlySet<string> = new Set()): Row[] {
  // Jobs come newest first: the first seen per document is its latest.
  const latestByDoc = new Map<string, JobInfo>();
  for (const j of jobs) if (j.docId && !latestByDoc.has(j.docId)) latestByDoc.set(j.docId, j);
  const byPath = new Map<string, FileProgress>();
  for (const f of Object.values(files)) byPath.set(f.path, f);

  const progressOf = (job: JobInfo | undefined, path: string): Row['progress'] => {
    const fp = (job && files[job.jobId]) ?? byPath.get(path);
    if (fp) return rowProgress(fp, now);
    // Running, but no report of its own yet: the stage the engine listed, else no stage at all
    // (not "Reading", which it may well be past).
    if (job?.state === 'running') return { fraction: job.live ? fileFraction({ ...job.live, exact: true }) : 0, stage: job.live?.stage ?? 'running' };
    if (job?.state === 'queued') return { fraction: 0, stage: 'queued' };
    return undefined;
  };

  const rows: Row[] = [];
  const docIds = new Set<string>();
  for (const d of documents) {
    docIds.add(d.docId);
    const job = latestByDoc.get(d.docId);
    const active = job && (job.state === 'queued' || job.state === 'running');
    let status: RowStatus = d.status;
    if (active && d.status !== 'ready') status = job.state === 'queued' ? 'queued' : 'processing';
    rows.push({
      key: d.docId,
      docId: d.docId,
      jobId: job?.jobId,
      name: d.name,
      path: d.path,
      collection: d.collection,
      // Until a document has been read, its stored format is a placeholder: trust the name.
      format: d.status === 'ready' ? d.format : (formatFromName(d.name) ?? d.format),
      pages: d.pages || undefined,
      bytes: d.bytes,
      addedAt: d.addedAt,
      tags: d.tags,
      status,
      reindexing: Boolean(active && d.status === 'ready'),
      error: status === 'failed' ? (d.error ?? job?.error) : undefined,
      warnings: d.warnings.length,
      progress: active ? progressOf(job, d.path) : undefined,
    });
  }
  const seenPaths = new Set<string>();
  for (const j of jobs) {
    if ((j.docId && docIds.has(j.docId)) || seenPaths.has(`${j.collection}\0${j.path}`)) continue;
    seenPaths.add(`${j.collection}\0${j.path}`);
    if (j.state === 'done' || j.state === 'cancelled' || dismissed.has(j.jobId)) continue;
    rows.push({
      key: `job:${j.jobId}`,
      jobId: j.jobId,
      docId: undefined,
      name: baseName(j.path),
      format: formatFromName(j.path),
      path: j.path,
      collection: j.collection,
      addedAt: j.createdAt,
      tags: [],
      status: j.state === 'failed' ? 'failed' : j.state === 'running' ? 'processing' : 'queued',
      reindexing: false,
      error: j.error,
      warnings: 0,
      progress: progressOf(j, j.path),
    });
  }
  return rows;
}

const STATUS_ORDER: Record<RowStatus, number> = { failed: 0, processing: 1, queued: 2, ready: 3 };

/** Sorts rows by a column; ties fall back to the name so the order is stable. */
export function sortRows(rows: Row[], key: SortKey, dir: 'asc' | 'desc'): Row[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sign = dir === 'asc' ? 1 : -1;
  const value = (r: Row): number | string => {
    switch (key) {
      case 'pages':
        return r.pages ?? -1;
      case 'bytes':
        return r.bytes ?? -1;
      case 'status':
        return STATUS_ORDER[r.status];
      case 'format':
        return r.format ?? '';
      case 'addedAt':
        return r.addedAt;
      default:
        return r.name;
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return c !== 0 ? sign * c : collator.compare(a.name, b.name);
  });
}

/**
 * A row with its running job's live progress. The table is built and sorted without progress
 * (so a progress event does not re-sort 10,000 rows); this is applied to the visible rows only.
 * Returns the same object when there is nothing newer, so unchanged rows do not re-render.
 */
export function liveProgress(row: Row, files: Record<string, FileProgress>, now: number): Row {
  if (!row.progress) return row;
  let fp = row.jobId ? files[row.jobId] : undefined;
  if (!fp) for (const f of Object.values(files)) if (f.path === row.path) fp = f;
  if (!fp) return row;
  return { ...row, progress: rowProgress(fp, now) };
}

/** Rows in a collection (null: all) whose name, tags or path contain the text. */
export function filterRows(rows: Row[], collection: string | null, text: string): Row[] {
  const q = text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (collection === null || r.collection === collection) &&
      (!q || r.name.toLowerCase().includes(q) || r.tags.some((t) => t.toLowerCase().includes(q)) || r.path.toLowerCase().includes(q)),
  );
}

/** Collections with their document counts, 'default' always present, sorted by name. */
export function collectionsOf(rows: Row[]): { name: string; count: number }[] {
  const counts = new Map<string, number>([['default', 0]]);
  for (const r of rows) counts.set(r.collection, (counts.get(r.collection) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
}

/** What a failed row offers as its next step. */
export function nextStep(error: ErrorInfo | undefined): 'password' | 'retry' | 'none' {
  if (!error) return 'none';
  if (error.code === 'PDF_PASSWORD_REQUIRED' || error.code === 'PDF_PASSWORD_WRONG') return 'password';
  if (error.code === 'UNSUPPORTED_TYPE' || error.code === 'PDF_MALFORMED' || error.code === 'DOCX_MALFORMED' || error.code === 'FILE_EMPTY' || error.code === 'NO_TEXT') return 'none';
  return 'retry';
}

/** How many files need the user's attention: failed documents, and failed files with no document. */
export function failedCount(documents: DocumentInfo[], jobs: JobInfo[], dismissed: ReadonlySet<string>): number {
  const ids = new Set<string>();
  let n = 0;
  for (const d of documents) {
    ids.add(d.docId);
    if (d.status === 'failed') n++;
  }
  const paths = new Set<string>();
  for (const j of jobs) {
    const key = `${j.collection}\0${j.path}`;
    if (paths.has(key) || (j.docId && ids.has(j.docId))) continue;
    paths.add(key);
    if (j.state === 'failed' && !dismissed.has(j.jobId)) n++;
  }
  return n;
}
