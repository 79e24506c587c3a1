import { useEffect, useRef } from 'react';

/** A yes/no question in a modal <dialog>; the safe choice has the focus. */
export function ConfirmDialog(props: { title: string; body: string; confirmLabel: string; danger?: boolean; onConfirm: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="confirm-title" onClose={props.onClose}>
      <h2 id="confirm-title" className="dialog-title">
        {props.title}
      </h2>
      <p className="dialog-description">{props.body}</p>
      <div className="dialog-actions">
        <button className="btn" autoFocus onClick={() => ref.current?.close()}>
          Cancel
        </button>
        <button
          className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={() => {
            props.onConfirm();
            ref.current?.close();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
