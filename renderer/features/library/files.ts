import { SUPPORTED_EXTENSIONS } from '../../../contract';
import type { PickedFile } from '../../api/client';

/** The subset of the File and Directory Entries API that a drop needs. */
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: Entry[]) => void, fail: (e: unknown) => void): void };
}

/** Most files taken from one dropped folder, so a stray drop of a home folder cannot run away. */
export const MAX_FOLDER_FILES = 5000;

async function walk(entry: Entry, out: PickedFile[]): Promise<void> {
  if (out.length >= MAX_FOLDER_FILES) return;
  if (entry.isFile && entry.file) {
    // Hidden files (.DS_Store, ._resource forks) are never documents.
    if (entry.name.startsWith('.')) return;
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ file, relativePath: entry.fullPath.replace(/^\//, '') });
    return;
  }
  if (entry.isDirectory && entry.createReader) {
    if (entry.name.startsWith('.')) return;
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until it answers an empty one.
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) break;
      for (const e of batch) await walk(e, out);
    }
  }
}

/**
 * The files of a drop, folders walked recursively. Entries must be taken from the items
 * synchronously, inside the drop event: the DataTransfer is emptied once the handler yields.
 */
export function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries: Entry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (!entries.length && !loose.length) loose.push(...Array.from(dt.files ?? []));
  return (async () => {
    const out: PickedFile[] = loose.map((file) => ({ file }));
    for (const e of entries) await walk(e, out);
    return out;
  })();
}

/** Files from an <input type="file">, with folder-relative paths when a folder was picked. */
export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [])
    .filter((f) => !f.name.startsWith('.'))
    .map((file) => ({ file, relativePath: (file as File & { webkitRelativePath?: string }).webkitRelativePath || undefined }));
}

/** Whether a drag carries files (and not, say, selected text). */
export function dragHasFiles(dt: DataTransfer | null): boolean {
  return Boolean(dt && Array.from(dt.types).includes('Files'));
}

/**
 * Drops files of types Quarry does not read when they came from a folder (a picked or dropped
 * folder's spreadsheets, images, archives): a folder is "my documents", not a list of files
 * to try one by one, and each would otherwise become a red failure row. Files chosen one by one
 * are all kept: the engine names what an unsupported one is.
 */
export function skipUnsupportedInFolders(files: PickedFile[]): { files: PickedFile[]; skipped: { ext: string; count: number }[] } {
  const supported = new Set(SUPPORTED_EXTENSIONS);
  const skipped = new Map<string, number>();
  const kept = files.filter((f) => {
    if (!f.relativePath?.includes('/')) return true;
    const name = f.relativePath.split('/').pop() ?? f.file.name;
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
    if (supported.has(ext)) return true;
    skipped.set(ext, (skipped.get(ext) ?? 0) + 1);
    return false;
  });
  return { files: kept, skipped: [...skipped].map(([ext, count]) => ({ ext, count })).sort((a, b) => b.count - a.count || a.ext.localeCompare(b.ext)) };
}

/** "Skipped 7 files Quarry does not read (.xlsx ×5, .epub, no extension)." */
export function skippedMessage(skipped: { ext: string; count: number }[]): string {
  const total = skipped.reduce((n, s) => n + s.count, 0);
  const kinds = skipped.slice(0, 4).map((s) => `${s.ext ? `.${s.ext}` : 'no extension'}${s.count > 1 ? ` ×${s.count}` : ''}`);
  const more = skipped.length > 4 ? `, ${skipped.length - 4} more types` : '';
  return `Skipped ${total} file${total === 1 ? '' : 's'} Quarry does not read (${kinds.join(', ')}${more}).`;
}
