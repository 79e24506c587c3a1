import type { DocumentInfo, ErrorInfo, FileFormat, JobInfo } from '../../../contract';
import { uniqueWarnings } from '../../../contract';
import { formatLabel } from '../../components/format';
import { fileEta, fileFraction, isWaitingToEmbed, type FileProgress } from './progress';

export type RowStatus = 'queued' | 'processing' | 'ready' | 'failed' | 'cancelled';

/** A non-fatal problem the engine recorded for a document (an unreadable page, a page needing OCR). */
export type DocWarning = DocumentInfo['warnings'][number];

/** One line of the document table: a document, or a job that has no document yet. */
export interface Row {
  key: string;
  docId?: string;
  /** The job to retry, when there is one: the file's latest job. */
  jobId?: string;
  /**
   * The queued or running job that Cancel stops, set only while there is one. Cancel never
   * falls back to an older, finished job of the same document.
   */
  activeJobId?: string;
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
  warnings: DocWarning[];
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
 * What the Type column says: the format's name ("PDF", "Word"), or for a file of a type Quarry
 * does not read its extension in capitals ("XLSX", "DOC"), or "—" when the name has none.
 */
export function typeLabel(row: Pick<Row, 'format' | 'name'>): string {
  if (row.format) return formatLabel(row.format);
  const dot = row.name.lastIndexOf('.');
  const ext = dot > 0 ? row.name.slice(dot + 1) : '';
  return /^[a-z0-9]{1,8}$/i.test(ext) ? ext.toUpperCase() : '—';
}

/**
 * Merges documents with the job queue into table rows. Documents come first-class; jobs add
 * rows only for files that have no document yet (queued, failed before they could be read, or
 * cancelled before their document was written: that row stays, Cancelled, with Retry).
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
      activeJobId: active ? job.jobId : undefined,
      name: d.name,
      path: d.path,
      collection: d.collection,
      // Until a document has been read, its stored format is a placeholder: trust the name. A
      // failed file of a type Quarry does not read (.xlsx, a legacy .doc) has no format at all:
      // the placeholder ('text') named a type it is not.
      format: d.status === 'ready' ? d.format : (formatFromName(d.name) ?? (d.status === 'failed' ? undefined : d.format)),
      pages: d.pages || undefined,
      bytes: d.bytes,
      addedAt: d.addedAt,
      tags: d.tags,
      status,
      reindexing: Boolean(active && d.status === 'ready'),
      error: status === 'failed' ? (d.error ?? job?.error) : undefined,
      // Libraries indexed before the engine listed each warning once may hold repeats.
      warnings: uniqueWarnings(d.warnings),
      progress: active ? progressOf(job, d.path) : undefined,
    });
  }
  const seenPaths = new Set<string>();
  for (const j of jobs) {
    if ((j.docId && docIds.has(j.docId)) || seenPaths.has(`${j.collection}\0${j.path}`)) continue;
    seenPaths.add(`${j.collection}\0${j.path}`);
    if (j.state === 'done' || dismissed.has(j.jobId)) continue;
    const active = j.state === 'queued' || j.state === 'running';
    rows.push({
      // Keyed by the document the job will write (its id is known from the start), so the row
      // stays the same element from Queued through Ready: a click never lands on a remounted row.
      key: j.docId ?? `job:${j.jobId}`,
      jobId: j.jobId,
      activeJobId: active ? j.jobId : undefined,
      docId: undefined,
      name: baseName(j.path),
      format: formatFromName(j.path),
      path: j.path,
      collection: j.collection,
      addedAt: j.createdAt,
      tags: [],
      status: j.state === 'failed' ? 'failed' : j.state === 'cancelled' ? 'cancelled' : j.state === 'running' ? 'processing' : 'queued',
      reindexing: false,
      error: j.state === 'failed' ? j.error : undefined,
      warnings: [],
      progress: progressOf(j, j.path),
    });
  }
  return rows;
}

const STATUS_ORDER: Record<RowStatus, number> = { failed: 0, cancelled: 1, processing: 2, queued: 3, ready: 4 };

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
        // As the column reads, so that "XLSX" sorts among the others by name.
        return typeLabel(r);
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

/** Whether a row is a document of the library: read, or being read. Failed and cancelled files are not. */
export function inLibrary(row: Row): boolean {
  return row.status === 'ready' || row.status === 'processing' || row.status === 'queued';
}

/** What a set of rows holds: documents in the library, and files that failed or were cancelled. */
export function countRows(rows: Row[]): { documents: number; failed: number; cancelled: number } {
  const n = { documents: 0, failed: 0, cancelled: 0 };
  for (const r of rows) {
    if (inLibrary(r)) n.documents++;
    else if (r.status === 'failed') n.failed++;
    else n.cancelled++;
  }
  return n;
}

/**
 * Collections with their document counts, 'default' always present, sorted by name. Only
 * documents in the library count: a file that failed to index is not one of them.
 */
export function collectionsOf(rows: Row[], extra: Iterable<string> = []): { name: string; count: number }[] {
  const counts = new Map<string, number>([['default', 0]]);
  for (const c of extra) counts.set(c, counts.get(c) ?? 0);
  for (const r of rows) {
    if (!counts.has(r.collection)) counts.set(r.collection, 0);
    if (inLibrary(r)) counts.set(r.collection, counts.get(r.collection)! + 1);
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
}

/** What a failed or cancelled file offers as its next step. The Library and Activity both use this rule. */
export function nextStep(error: ErrorInfo | undefined): 'password' | 'retry' | 'none' {
  if (!error) return 'none';
  if (error.code === 'PDF_PASSWORD_REQUIRED' || error.code === 'PDF_PASSWORD_WRONG') return 'password';
  // Permanent: the same bytes fail the same way. Re-adding a fixed file is the way forward.
  if (error.code === 'UNSUPPORTED_TYPE' || error.code === 'PDF_MALFORMED' || error.code === 'DOCX_MALFORMED' || error.code === 'DOCX_TOO_LARGE' || error.code === 'FILE_TOO_LARGE' || error.code === 'FILE_EMPTY' || error.code === 'NO_TEXT') return 'none';
  return 'retry';
}

/**
 * The hint to show for an error in this UI. The engine's hints are written for both the CLI and
 * the app; where one names a command-line flag, the app says what to do here instead.
 */
export function uiHint(error: ErrorInfo): string | undefined {
  if (error.code === 'PDF_PASSWORD_REQUIRED') return 'Choose “Enter password” to unlock it; the password is not stored.';
  return error.hint;
}

/**
 * Where a finished job stands now, beside the later jobs for the same file:
 * - open: it failed, it is the file's latest job, and nothing has fixed it: it needs attention.
 * - resolved: a later job for the same file succeeded (a password was entered, a retry worked).
 * - superseded: a later job for the file was started and has not succeeded (yet); that one speaks for the file.
 * - kept: it was the re-index of a ready document, which keeps serving its previous version.
 * - dismissed: the user dismissed it (or removed its document) in the Library.
 * - latest: a job that did not fail, and is the file's latest.
 */
export type JobStanding = 'open' | 'resolved' | 'superseded' | 'kept' | 'dismissed' | 'latest';

function fileKey(j: { collection: string; path: string }): string {
  return `${j.collection}\0${j.path}`;
}

/**
 * Each job's standing (see JobStanding). Jobs come newest first, as the engine lists them. A
 * failure counts as one (the badge, Activity's Failed group) only while it is `open`.
 */
export function jobStandings(documents: DocumentInfo[], jobs: JobInfo[], dismissed: ReadonlySet<string>): Map<string, JobStanding> {
  const docById = new Map<string, DocumentInfo>();
  const docByFile = new Map<string, DocumentInfo>();
  for (const d of documents) {
    docById.set(d.docId, d);
    docByFile.set(fileKey(d), d);
  }
  const out = new Map<string, JobStanding>();
  // Walking newest to oldest: what the file's later jobs did is known when an older one is reached.
  const later = new Map<string, { done: boolean }>();
  for (const j of jobs) {
    const key = fileKey(j);
    const seen = later.get(key);
    if (j.state === 'failed') {
      const doc = (j.docId && docById.get(j.docId)) || docByFile.get(key);
      if (dismissed.has(j.jobId)) out.set(j.jobId, 'dismissed');
      else if (seen) out.set(j.jobId, seen.done ? 'resolved' : 'superseded');
      else if (doc?.status === 'ready') out.set(j.jobId, 'kept');
      else out.set(j.jobId, 'open');
    } else out.set(j.jobId, seen ? (seen.done ? 'resolved' : 'superseded') : 'latest');
    if (seen) seen.done ||= j.state === 'done';
    else later.set(key, { done: j.state === 'done' });
  }
  return out;
}

/** How many failures need the user's attention: the files whose latest job failed, unresolved and not dismissed. */
export function failedCount(documents: DocumentInfo[], jobs: JobInfo[], dismissed: ReadonlySet<string>): number {
  let n = 0;
  for (const s of jobStandings(documents, jobs, dismissed).values()) if (s === 'open') n++;
  return n;
}
