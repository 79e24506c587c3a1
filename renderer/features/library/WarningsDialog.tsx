import { useEffect, useRef } from 'react';
import type { DocWarning } from './rows';

/** "5 warnings", "1 warning". */
export function warningsLabel(n: number): string {
  return `${n.toLocaleString()} warning${n === 1 ? '' : 's'}`;
}

/** Where a warning applies: its page, or the document as a whole. */
export function warningPlace(w: DocWarning): string {
  return w.page !== undefined ? `Page ${w.page}` : 'Whole document';
}

/** A short plain-text summary for a tooltip: the first few warnings, and how many more. */
export function warningsTooltip(warnings: DocWarning[], max = 3): string {
  const lines = warnings.slice(0, max).map((w) => `${warningPlace(w)}: ${w.message}`);
  if (warnings.length > max) lines.push(`…and ${warnings.length - max} more`);
  return lines.join('\n');
}

/**
 * The warnings of one document, each with its page and message, in a modal <dialog> (focus
 * moves into it, Escape closes it and focus returns to the button that opened it).
 */
export function WarningsDialog(props: { name: string; warnings: DocWarning[]; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog dialog-wide" aria-labelledby="warnings-title" aria-describedby="warnings-description" onClose={props.onClose} data-testid="warnings-dialog">
      <h2 id="warnings-title" className="dialog-title">
        {warningsLabel(props.warnings.length)} in {props.name}
      </h2>
      <p id="warnings-description" className="dialog-description">
        Found while reading it. The document was indexed anyway; text a warning names may be missing from search.
      </p>
      <ul className="warning-list" data-testid="warning-list">
        {props.warnings.map((w, i) => (
          <li key={i} className="warning-item" data-testid="warning">
            <span className="warning-place">{warningPlace(w)}</span>
            <span className="warning-message">{w.message}</span>
            <span className="warning-code">{w.code}</span>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button className="btn" autoFocus onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
