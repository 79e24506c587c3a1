import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobJournal, type JobRecord } from '../../../main/jobs/journal';
import { tempDir } from '../../helpers/shared';

const job = (id: string, state: JobRecord['state']): JobRecord => ({ jobId: id, path: `/x/${id}`, collection: 'c', tags: [], state, attempts: 0, createdAt: '2026-01-01', updatedAt: '2026-01-01' });

describe('JobJournal', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('replays the last state per job, requeues running jobs and ignores a torn last line', async () => {
    const j = await JobJournal.open(dir);
    await j.put(job('a', 'queued'));
    await j.put(job('b', 'queued'));
    await j.put({ ...job('a', 'running'), attempts: 1 });
    await j.put(job('b', 'done'));
    await appendFile(path.join(dir, 'jobs.jsonl'), '{"jobId":"c","sta'); // kill -9 mid-write
    const again = await JobJournal.open(dir);
    expect(again.jobs.get('a')).toMatchObject({ state: 'queued', attempts: 1 });
    expect(again.jobs.get('b')?.state).toBe('done');
    expect(again.jobs.has('c')).toBe(false);
    // The compacted file holds one line per job.
    const lines = (await readFile(path.join(dir, 'jobs.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  it('never writes passwords', async () => {
    const j = await JobJournal.open(dir);
    await j.put(job('a', 'queued'));
    expect(await readFile(path.join(dir, 'jobs.jsonl'), 'utf8')).not.toMatch(/password/i);
  });
});
