import { useApp } from '../app/context';
import { Icon } from './Icon';

/** Notifications, announced politely to screen readers; errors carry their next step. */
export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismiss);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          <Icon name={t.kind === 'error' ? 'alert' : 'check'} />
          <div className="toast-text">
            <div>{t.text}</div>
            {t.hint && <div className="toast-hint">{t.hint}</div>}
          </div>
          {t.action && (
            <button
              className="btn toast-action"
              data-testid="toast-action"
              onClick={() => {
                dismiss(t.id);
                t.action?.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <Icon name="x" />
          </button>
        </div>
      ))}
    </div>
  );
}
