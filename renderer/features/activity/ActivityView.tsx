import { useEffect, useMemo, useState } from 'react';
import type { JobInfo } from '../../../contract';
import { useLibrary, useStores } from '../../app/context';
import { PromptDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { progressText } from '../library/progress';
import { jobStandings, nextStep, rowProgress, uiHint, type JobStanding } from '../library/rows';

type Group = 'active' | 'failed' | 'finished';

const GROUPS: { key: Group; title: string }[] = [
  { key: 'active', title: 'In progress' },
  { key: 'failed', title: 'Failed' },
  { key: 'finished', title: 'Finished' },
];

/**
 * Which group a job belongs in. Only failures that still stand are under Failed: one a later
 * job fixed (a password entered, a retry that worked) is finished history, as is one dismissed.
 */
function groupOf(j: JobInfo, standing: JobStanding | undefined): Group {
  if (j.state === 'running' || j.state === 'queued') return 'active';
  if (j.state === 'failed' && (standing === undefined || standing === 'open')) return 'failed';
  return 'finished';
}

/** The state as a job's line says it, with what became of a failure since. */
function stateText(j: JobInfo, standing: JobStanding | undefined): string {
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
function actionOf(j: JobInfo, standing: JobStanding | undefined): 'password' | 'retry' | 'none' {
  if (j.state === 'cancelled') return standing === 'latest' ? 'retry' : 'none';
  if (j.state === 'failed' && (standing === undefined || standing === 'open' || standing === 'kept')) return nextStep(j.error);
  return 'none';
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/** Activity: the ingestion jobs — running, failed and recent — with cancel and retry. */
export function ActivityView() {
  const { library } = useStores();
  const jobs = useLibrary((s) => s.jobs);
  const documents = useLibrary((s) => s.documents);
  const dismissed = useLibrary((s) => s.dismissed);
  const files = useLibrary((s) => s.files);
  const [unlocking, setUnlocking] = useState<JobInfo>();
  useEffect(() => {
    // Documents too: whether a failure was resolved depends on them.
    void library.getState().refresh();
  }, [library]);
  const standings = useMemo(() => jobStandings(documents, jobs, dismissed), [documents, jobs, dismissed]);
  const groups = useMemo(
    () => GROUPS.map((g) => ({ ...g, jobs: jobs.filter((j) => groupOf(j, standings.get(j.jobId)) === g.key).slice(0, g.key === 'finished' ? 200 : undefined) })),
    [jobs, standings],
  );
  const unlock = (j: JobInfo, password: string): void => void library.getState().runAgain(j, password);
  const now = Date.now();
  return (
    <section className="view" aria-labelledby="activity-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <h1 id="activity-title">Activity</h1>
          <span className="count">{jobs.length} job{jobs.length === 1 ? '' : 's'}</span>
        </div>
      </header>
      <div className="view-body">
        {jobs.length === 0 ? (
          <EmptyState icon="activity" title="Nothing has run yet">
            <p>Files you add are read, split and embedded here, one job per file. Running and failed jobs show up in this list.</p>
          </EmptyState>
        ) : (
          groups
            .filter((g) => g.jobs.length)
            .map((g) => (
              <section key={g.title} className="job-group" aria-label={g.title}>
                <h2 className="group-title">
                  {g.title} <span className="count">{g.jobs.length}</span>
                </h2>
                <ul className="jobs">
                  {g.jobs.map((j) => {
                    const fp = files[j.jobId];
                    const live = fp ? rowProgress(fp, now) : undefined;
                    const standing = standings.get(j.jobId);
                    const action = actionOf(j, standing);
                    const hint = j.error ? uiHint(j.error) : undefined;
                    return (
                      <li key={j.jobId} className={`job job-${j.state}${standing && standing !== 'open' && standing !== 'latest' ? ` job-${standing}` : ''}`} data-testid="job" data-state={j.state} data-standing={standing}>
                        <div className="job-main">
                          <span className="name" title={j.path}>
                            {baseName(j.path)}
                          </span>
                          <span className="sub">
                            {j.collection} · {stateText(j, standing)}
                            {j.attempts > 1 ? ` · attempt ${j.attempts}` : ''} · {formatDate(j.updatedAt)}
                          </span>
                          {j.error && j.state === 'failed' && (
                            <span className={`sub${standing === 'open' ? ' sub-error' : ''}`}>
                              {j.error.message}
                              {hint && (standing === undefined || standing === 'open' || standing === 'kept') ? ` — ${hint}` : ''}
                            </span>
                          )}
                        </div>
                        {j.state === 'running' && (
                          <div className="job-progress">
                            <ProgressBar small value={live?.fraction} label={`${baseName(j.path)} progress`} />
                            {live && <span className="count">{progressText(live)}</span>}
                          </div>
                        )}
                        <div className="job-actions">
                          {(j.state === 'running' || j.state === 'queued') && (
                            <button className="btn btn-small" onClick={() => void library.getState().cancel(j.jobId)}>
                              <Icon name="stop" /> Cancel
                            </button>
                          )}
                          {action === 'password' && (
                            <button className="btn btn-small btn-primary" onClick={() => setUnlocking(j)}>
                              <Icon name="key" /> Enter password
                            </button>
                          )}
                          {action === 'retry' && (
                            <button className="btn btn-small" onClick={() => void library.getState().retry(j.jobId)}>
                              <Icon name="refresh" /> Retry
                            </button>
                          )}
                        </div>
                      </li>
                    );
                  })}
                </ul>
              </section>
            ))
        )}
      </div>
      {unlocking && (
        <PromptDialog
          title="Enter the document's password"
          description={`${baseName(unlocking.path)} is encrypted. The password is used once to read it and is not stored.`}
          label="Password"
          type="password"
          submitLabel="Unlock and index"
          onSubmit={(pw) => unlock(unlocking, pw)}
          onClose={() => setUnlocking(undefined)}
        />
      )}
    </section>
  );
}
