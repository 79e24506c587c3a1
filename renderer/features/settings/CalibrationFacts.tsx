import type { CalibrationProgress, ErrorInfo, LibraryStatus } from '../../../contract';
import { ProgressBar } from '../../components/ProgressBar';

const STAGES: Record<CalibrationProgress['stage'], string> = {
  sample: 'Sampling passages',
  retrieve: 'Searching with each setting',
  score: 'Scoring',
};

/**
 * The "Calibration" facts of the library card: what self-tuning chose and how sure it is, and a
 * button that re-runs it with its progress. Fusion weights are measured on pseudo-queries built
 * from this library's own passages (no relevance labels needed).
 */
export function CalibrationFacts({
  status,
  calibrating,
  error,
  onCalibrate,
}: {
  status: LibraryStatus;
  calibrating: CalibrationProgress | undefined;
  error: ErrorInfo | undefined;
  onCalibrate: () => void;
}) {
  const c = status.calibration;
  const running = calibrating ?? status.calibrating;
  const gain = c ? c.bestScore - c.lexicalScore : 0;
  return (
    <>
      <dt>Calibration</dt>
      <dd data-testid="calibration">
        {c ? (
          <>
            nDCG@10 {c.score.toFixed(3)} on {c.queries} pseudo-queries from {c.documents.toLocaleString()} documents
            <span className="muted">
              {' '}
              · keyword only {c.lexicalScore.toFixed(3)}, best {c.bestScore.toFixed(3)} (noise ±{c.noise.toFixed(3)})
              {gain < 2 * c.noise ? ' · meaning search gains less than the noise here, so keyword ranking leads' : ''}
            </span>
            {!c.inUse && <span className="badge badge-queued">not in use: settings.json sets the fusion</span>}
            {c.stale && (
              <span className="badge badge-failed" title={c.staleReason}>
                out of date
              </span>
            )}
          </>
        ) : (
          <span className="muted">Not calibrated: searches use the default for {status.embedder.id}.</span>
        )}
        <div className="calibration-actions">
          <button type="button" className="btn btn-small" onClick={onCalibrate} disabled={running !== undefined || status.chunks === 0} data-testid="calibrate">
            {c ? 'Calibrate again' : 'Calibrate now'}
          </button>
          {running && (
            <span role="status" className="muted" data-testid="calibration-progress">
              {STAGES[running.stage]}…
              <ProgressBar small value={running.total > 0 ? running.done / running.total : undefined} label="Calibration progress" />
            </span>
          )}
          {error && (
            <span role="alert" className="sub-error">
              {error.message}
              {error.hint ? ` — ${error.hint}` : ''}
            </span>
          )}
        </div>
      </dd>
    </>
  );
}
