import { useEffect, useRef, useState, type FormEvent } from 'react';

/**
 * A small modal form with one text field (password, tags). Built on <dialog>, which traps
 * focus, closes on Escape and restores focus to the opener without extra code.
 */
export function PromptDialog(props: {
  title: string;
  label: string;
  description?: string;
  initial?: string;
  type?: 'text' | 'password';
  submitLabel: string;
  onSubmit: (value: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState(props.initial ?? '');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    props.onSubmit(value);
    ref.current?.close();
  };
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={props.onClose}>
      <form onSubmit={submit}>
        <h2 id="dialog-title" className="dialog-title">
          {props.title}
        </h2>
        {props.description && <p className="dialog-description">{props.description}</p>}
        <label className="field">
          <span className="field-label">{props.label}</span>
          <input
            className="input"
            type={props.type ?? 'text'}
            value={value}
            autoFocus
            autoComplete={props.type === 'password' ? 'off' : undefined}
            onChange={(e) => setValue(e.target.value)}
          />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={props.type === 'password' && !value}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
