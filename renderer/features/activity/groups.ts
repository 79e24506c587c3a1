import type { JobInfo } from '../../../contract';
import { nextStep, type JobStanding } from '../library/rows';
import type { ClearedJobs } from '../library/store';

export type Group = 'active' | 'failed' | 'finished';

/**
 * Which group a job belongs in. A failure is under Failed until it is over: a later run of the
 * file succeeded (resolved) or the user dismissed it. Its newest attempt is the one that offers
 * a next step; earlier attempts of a file still failing (a wrong password tried twice) stay
 * beside it rather than passing for finished work.
 */
export function groupOf(j: JobInfo, standing: JobStanding | undefined): Group {
  if (j.state === 'running' || j.state === 'queued') return 'active';
  if (j.state === 'failed' && standing !== 'resolved' && standing !== 'dismissed') return 'failed';
  return 'finished';
}

/** The state as a job's line says it, with what became of a failure since. */
export function stateText(j: JobInfo, standing: JobStanding | undefined): string {
  if (j.state !== 'failed') return j.state;
  switch (standing) {
    case 'resolved':
      return 'failed · resolved by a later run';
    case 'superseded':
      return 'failed · run again since';
    case 'kept':
      return 'failed · the indexed version is kept';
    case 'dismissed':
      return 'failed · dismissed';
    default:
      return 'failed';
  }
}

/**
 * What a finished job offers, by the Library's rule (nextStep): a password where one is missing,
 * Retry where running again can help, nothing for a permanent failure. Only the file's latest
 * job offers anything: an older one has been run again since.
 */
export function actionOf(j: JobInfo, standing: JobStanding | undefined): 'password' | 'retry' | 'none' {
  if (j.state === 'cancelled') return standing === 'latest' ? 'retry' : 'none';
  if (j.state === 'failed' && (standing === undefined || standing === 'open' || standing === 'kept')) return nextStep(j.error);
  return 'none';
}

/** Whether a job is still listed: not dismissed from Activity, and not among the finished ones cleared. */
function listed(j: JobInfo, group: Group, cleared: ClearedJobs): boolean {
  if (group === 'active') return true;
  if (cleared.ids.has(j.jobId)) return false;
  // Only finished work goes with "Clear finished": a failure stays until it is dealt with.
  return !(group === 'finished' && cleared.finishedThrough !== undefined && j.updatedAt <= cleared.finishedThrough);
}

/** Activity's groups, newest first as the engine lists jobs, without the jobs the user cleared. */
export function activityGroups(jobs: JobInfo[], standings: ReadonlyMap<string, JobStanding>, cleared: ClearedJobs): Record<Group, JobInfo[]> {
  const out: Record<Group, JobInfo[]> = { active: [], failed: [], finished: [] };
  for (const j of jobs) {
    const group = groupOf(j, standings.get(j.jobId));
    if (listed(j, group, cleared)) out[group].push(j);
  }
  return out;
}
