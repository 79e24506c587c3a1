import { useEffect, useMemo } from 'react';
import type { JobInfo } from '../../../contract';
import { useLibrary, useStores } from '../../app/context';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { progressText } from '../library/progress';
import { rowProgress } from '../library/rows';

const GROUPS: { state: JobInfo['state'][]; title: string }[] = [
  { state: ['running', 'queued'], title: 'In progress' },
  { state: ['failed'], title: 'Failed' },
  { state: ['done', 'cancelled'], title: 'Finished' },
];

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/** Activity: the ingestion jobs — running, failed and recent — with cancel and retry. */
export function ActivityView() {
  const { library } = useStores();
  const jobs = useLibrary((s) => s.jobs);
  const files = useLibrary((s) => s.files);
  useEffect(() => {
    void library.getState().refreshJobs();
  }, [library]);
  const groups = useMemo(
    () => GROUPS.map((g) => ({ ...g, jobs: jobs.filter((j) => g.state.includes(j.state)).slice(0, g.state.includes('done') ? 200 : undefined) })),
    [jobs],
  );
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
                    return (
                      <li key={j.jobId} className={`job job-${j.state}`} data-testid="job">
                        <div className="job-main">
                          <span className="name" title={j.path}>
                            {baseName(j.path)}
                          </span>
                          <span className="sub">
                            {j.collection} · {j.state}
                            {j.attempts > 1 ? ` · attempt ${j.attempts}` : ''} · {formatDate(j.updatedAt)}
                          </span>
                          {j.error && j.state === 'failed' && (
                            <span className="sub sub-error">
                              {j.error.message}
                              {j.error.hint ? ` — ${j.error.hint}` : ''}
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
                          {(j.state === 'failed' || j.state === 'cancelled') && (
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
    </section>
  );
}
