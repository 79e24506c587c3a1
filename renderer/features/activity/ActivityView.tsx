import { useEffect, useMemo, useState } from 'react';
import type { JobInfo } from '../../../contract';
import { useLibrary, useStores } from '../../app/context';
import { PromptDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { progressText } from '../library/progress';
import { jobStandings, rowProgress, uiHint } from '../library/rows';
import { actionOf, activityGroups, stateText, type Group } from './groups';

const GROUPS: { key: Group; title: string }[] = [
  { key: 'active', title: 'In progress' },
  { key: 'failed', title: 'Failed' },
  { key: 'finished', title: 'Finished' },
];

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/**
 * Activity: the ingestion jobs — running, failed and recent — with cancel, retry (or a password),
 * dismiss, and "Clear finished" for the history.
 */
export function ActivityView() {
  const { library } = useStores();
  const jobs = useLibrary((s) => s.jobs);
  const documents = useLibrary((s) => s.documents);
  const dismissed = useLibrary((s) => s.dismissed);
  const cleared = useLibrary((s) => s.cleared);
  const files = useLibrary((s) => s.files);
  const [unlocking, setUnlocking] = useState<JobInfo>();
  useEffect(() => {
    // Documents too: whether a failure was resolved depends on them.
    void library.getState().refresh();
  }, [library]);
  const standings = useMemo(() => jobStandings(documents, jobs, dismissed), [documents, jobs, dismissed]);
  const grouped = useMemo(() => activityGroups(jobs, standings, cleared), [jobs, standings, cleared]);
  const groups = GROUPS.map((g) => ({ ...g, jobs: g.key === 'finished' ? grouped.finished.slice(0, 200) : grouped[g.key] }));
  const listed = grouped.active.length + grouped.failed.length + grouped.finished.length;
  const unlock = (j: JobInfo, password: string): void => void library.getState().runAgain(j, password);
  const now = Date.now();
  return (
    <section className="view" aria-labelledby="activity-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <h1 id="activity-title">Activity</h1>
          <span className="count">
            {listed} job{listed === 1 ? '' : 's'}
          </span>
        </div>
        {grouped.finished.length > 0 && (
          <div className="toolbar-actions">
            {/* Every finished job, not only the 200 listed. */}
            <button className="btn btn-small" onClick={() => library.getState().clearFinished(grouped.finished)}>
              <Icon name="x" /> Clear finished
            </button>
          </div>
        )}
      </header>
      <div className="view-body">
        {jobs.length === 0 ? (
          <EmptyState icon="activity" title="Nothing has run yet">
            <p>Files you add are read, split and embedded here, one job per file. Running and failed jobs show up in this list.</p>
          </EmptyState>
        ) : listed === 0 ? (
          <EmptyState icon="activity" title="Nothing needs attention">
            <p>No file is being indexed, and the jobs you cleared are hidden. New ones show up here.</p>
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
                            // The Library's Retry: a listed document is re-indexed, else the job runs again.
                            <button className="btn btn-small" onClick={() => void library.getState().runAgain(j)}>
                              <Icon name="refresh" /> Retry
                            </button>
                          )}
                          {j.state !== 'running' && j.state !== 'queued' && (
                            <button className="icon-btn" aria-label={`Dismiss ${baseName(j.path)}`} title="Dismiss" onClick={() => library.getState().clearJobs([j.jobId])}>
                              <Icon name="x" />
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
