import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ErrorInfo, JobState } from '../../contract';

export interface JobRecord {
  jobId: string;
  path: string;
  collection: string;
  tags: string[];
  state: JobState;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  docId?: string;
  error?: ErrorInfo;
  /** Earliest time (ms) a retry may start, after a transient failure. */
  notBefore?: number;
  /** Set on jobs whose document was already up to date. */
  unchanged?: boolean;
  /** Time spent per stage of the last run (ms), for the activity view and benchmarks. */
  timings?: StageTimings;
  /** Chunk texts the last run embedded and how many the embedding cache answered. */
  embedding?: { texts: number; cacheHits: number };
}

export interface StageTimings {
  hashMs: number;
  parseMs: number;
  chunkMs: number;
  embedMs: number;
  indexMs: number;
}

/**
 * The durable job list: an append-only JSON-lines file where the last line for a job id wins.
 * Every state change is one appended line, fsync'd, so a `kill -9` at any moment loses at most
 * the line being written (a torn last line is ignored on load). Passwords are never written.
 */
export class JobJournal {
  private readonly byState = new Map<JobState, number>();

  private constructor(
    private readonly file: string,
    readonly jobs: Map<string, JobRecord>,
    private readonly readOnly: boolean,
  ) {
    for (const j of jobs.values()) this.byState.set(j.state, (this.byState.get(j.state) ?? 0) + 1);
  }

  /** Jobs in `state` now, without a scan (a 10,000-file ingest asks after every event). */
  count(state: JobState): number {
    return this.byState.get(state) ?? 0;
  }

  /**
   * Loads the journal. A read-only journal (a reader beside a running writer) never rewrites
   * the file: compaction would race with the writer's appends.
   */
  static async open(dataDir: string, opts: { readOnly?: boolean; keepFinished?: number } = {}): Promise<JobJournal> {
    const keepFinished = opts.keepFinished ?? 2000;
    if (!opts.readOnly) await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, 'jobs.jsonl');
    const jobs = new Map<string, JobRecord>();
    try {
      const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line.trim()) continue;
        try {
          const rec = JSON.parse(line) as JobRecord;
          if (rec.jobId) jobs.set(rec.jobId, rec);
        } catch {
          // torn write from a crash: skip the line
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (opts.readOnly) return new JobJournal(file, jobs, true);
    // Jobs that were running when the process died start again.
    for (const j of jobs.values()) if (j.state === 'running') j.state = 'queued';
    // Compact: keep unfinished jobs and the most recent finished ones.
    const finished = [...jobs.values()].filter((j) => j.state !== 'queued').sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const j of finished.slice(0, Math.max(0, finished.length - keepFinished))) jobs.delete(j.jobId);
    const journal = new JobJournal(file, jobs, false);
    await journal.rewrite();
    return journal;
  }

  /** Records a job's new state durably before it is acted on. */
  async put(rec: JobRecord): Promise<void> {
    return this.putMany([rec]);
  }

  /** Records several jobs with one append and one fsync (queueing a large folder). */
  async putMany(recs: JobRecord[]): Promise<void> {
    if (this.readOnly) throw new Error('The job journal was opened read-only.');
    if (recs.length === 0) return;
    for (const rec of recs) {
      const old = this.jobs.get(rec.jobId);
      if (old) this.byState.set(old.state, (this.byState.get(old.state) ?? 0) - 1);
      this.byState.set(rec.state, (this.byState.get(rec.state) ?? 0) + 1);
      this.jobs.set(rec.jobId, rec);
    }
    await appendFile(this.file, recs.map((rec) => JSON.stringify(rec) + '\n').join(''), { flush: true });
  }

  private async rewrite(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile([...this.jobs.values()].map((j) => JSON.stringify(j) + '\n').join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}
