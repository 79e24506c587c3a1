import { describe, expect, it } from 'vitest';
import type { ErrorInfo, JobInfo } from '../../../../../contract';
import { actionOf, activityGroups, groupOf } from '../../../../../renderer/features/activity/groups';
import { failedCount, jobStandings } from '../../../../../renderer/features/library/rows';
import { fakeDoc } from '../../../server/fake-engine';

function job(over: Partial<JobInfo> & { jobId: string }): JobInfo {
  return { path: '/locked.pdf', collection: 'default', state: 'failed', attempts: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', docId: 'd', ...over };
}

const required: ErrorInfo = { code: 'PDF_PASSWORD_REQUIRED', message: 'locked.pdf is encrypted and needs a password.' };
const wrong: ErrorInfo = { code: 'PDF_PASSWORD_WRONG', message: 'The password for locked.pdf is not correct.' };
const none = { ids: new Set<string>() };

/** Jobs newest first, as the engine lists them; the document as the engine keeps it after each failure. */
function wrongPasswordTwice() {
  const jobs = [
    job({ jobId: 'wrong2', error: wrong, createdAt: '2026-01-01T00:03:00Z', updatedAt: '2026-01-01T00:03:05Z' }),
    job({ jobId: 'wrong1', error: wrong, createdAt: '2026-01-01T00:02:00Z', updatedAt: '2026-01-01T00:02:05Z' }),
    job({ jobId: 'first', error: required, createdAt: '2026-01-01T00:01:00Z', updatedAt: '2026-01-01T00:01:05Z' }),
  ];
  const docs = [fakeDoc('d', '/locked.pdf', 'default', { status: 'failed', error: wrong })];
  return { jobs, docs };
}

describe('Activity groups', () => {
  it('lists every attempt of a file still failing under Failed, none under Finished, and asks for the password on the newest only', () => {
    const { jobs, docs } = wrongPasswordTwice();
    const standings = jobStandings(docs, jobs, new Set());
    const groups = activityGroups(jobs, standings, none);
    expect(groups.failed.map((j) => j.jobId)).toEqual(['wrong2', 'wrong1', 'first']);
    expect(groups.finished).toEqual([]);
    expect(jobs.map((j) => actionOf(j, standings.get(j.jobId)))).toEqual(['password', 'none', 'none']);
    // The badge counts the file once: its newest attempt is the failure that needs attention.
    expect(failedCount(docs, jobs, new Set())).toBe(1);
  });

  it('moves the attempts to Finished once a later run succeeded', () => {
    const { jobs } = wrongPasswordTwice();
    const all = [job({ jobId: 'right', state: 'done', error: undefined, createdAt: '2026-01-01T00:04:00Z', updatedAt: '2026-01-01T00:04:09Z' }), ...jobs];
    const docs = [fakeDoc('d', '/locked.pdf')];
    const groups = activityGroups(all, jobStandings(docs, all, new Set()), none);
    expect(groups.failed).toEqual([]);
    expect(groups.finished.map((j) => j.jobId)).toEqual(['right', 'wrong2', 'wrong1', 'first']);
  });

  it('lists a failed re-index of a ready document under Failed, with its next step', () => {
    const failed = job({ jobId: 'reindex', error: required });
    const standing = jobStandings([fakeDoc('d', '/locked.pdf')], [failed], new Set()).get('reindex');
    expect(standing).toBe('kept');
    expect(groupOf(failed, standing)).toBe('failed');
    expect(actionOf(failed, standing)).toBe('password');
  });

  it('hides jobs dismissed in Activity, and finished ones cleared, but never a failure or running work with them', () => {
    const jobs = [
      job({ jobId: 'running', path: '/r.pdf', state: 'running', updatedAt: '2026-01-01T00:00:00Z' }),
      job({ jobId: 'broken', path: '/b.pdf', error: { code: 'PDF_MALFORMED', message: 'b.pdf is damaged' }, updatedAt: '2026-01-01T00:00:00Z' }),
      job({ jobId: 'done-old', path: '/o.pdf', state: 'done', updatedAt: '2026-01-01T09:00:00Z' }),
      job({ jobId: 'done-new', path: '/n.pdf', state: 'done', updatedAt: '2026-01-01T11:00:00Z' }),
      job({ jobId: 'dismissed', path: '/x.pdf', error: { code: 'STORE_FAILED', message: 'disk' } }),
    ];
    const standings = jobStandings([], jobs, new Set(['dismissed']));
    const ids = (g: JobInfo[]): string[] => g.map((j) => j.jobId);
    const before = activityGroups(jobs, standings, none);
    expect([ids(before.active), ids(before.failed), ids(before.finished)]).toEqual([['running'], ['broken'], ['done-old', 'done-new', 'dismissed']]);
    // Dismissed in Activity: that job only.
    const dismissedOne = activityGroups(jobs, standings, { ids: new Set(['broken']) });
    expect([ids(dismissedOne.active), ids(dismissedOne.failed), ids(dismissedOne.finished)]).toEqual([['running'], [], ['done-old', 'done-new', 'dismissed']]);
    // "Clear finished" at 10:00: finished work up to then goes, the failure from before then stays,
    // and a job finished after it (or run again since) shows.
    const cleared = activityGroups(jobs, standings, { ids: new Set(), finishedThrough: '2026-01-01T10:00:00Z' });
    expect([ids(cleared.active), ids(cleared.failed), ids(cleared.finished)]).toEqual([['running'], ['broken'], ['done-new']]);
  });
});
