/** A determinate progress bar (indeterminate when `value` is undefined), labelled for screen readers. */
export function ProgressBar({ value, label, small }: { value: number | undefined; label: string; small?: boolean }) {
  const pct = value === undefined ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress${small ? ' progress-small' : ''}${pct === undefined ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div className="progress-fill" style={pct === undefined ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
