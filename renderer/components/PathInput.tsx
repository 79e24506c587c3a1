import { useStores } from '../app/context';

/**
 * A path text field with a "Choose…" button that opens the desktop app's native picker (the
 * browser build has no picker, so the button is left out there).
 */
export function PathInput({ value, onChange, placeholder, pick }: { value: string; onChange: (path: string) => void; placeholder: string; pick: 'files' | 'folder' }) {
  const { client } = useStores();
  const browse = async (): Promise<void> => {
    const [p] = (await client.pickPaths?.(pick)) ?? [];
    if (p) onChange(p);
  };
  return (
    <div className="input-row">
      <input className="input" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
      {client.pickPaths && (
        <button type="button" className="btn" onClick={() => void browse()}>
          Choose…
        </button>
      )}
    </div>
  );
}
