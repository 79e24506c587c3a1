import { useMemo, useRef, useState, type ChangeEvent } from 'react';
import { useApp, useLibrary, useSettings, useStores } from '../../app/context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PromptDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { DocumentTable, type RowAction } from './DocumentTable';
import { filesFromInput } from './files';
import { fileFraction, formatEta } from './progress';
import { buildRows, countRows, filterRows, sortRows, type Row } from './rows';
import { WarningsDialog } from './WarningsDialog';

type Pending = { kind: 'password' | 'tags' | 'remove' | 'warnings'; row: Row } | undefined;

/** The queue as a whole: files done of total and the time left, while anything is indexing. */
function QueueBanner() {
  const queue = useLibrary((s) => s.queue);
  const files = useLibrary((s) => s.files);
  const uploading = useLibrary((s) => s.uploading);
  if (uploading) {
    return (
      <div className="banner" data-testid="upload-banner">
        <span>
          Uploading {uploading.done} of {uploading.total} file{uploading.total === 1 ? '' : 's'}…
        </span>
        <ProgressBar value={uploading.total ? uploading.done / uploading.total : undefined} label="Upload progress" />
      </div>
    );
  }
  if (!queue || queue.filesTotal === 0 || queue.filesDone >= queue.filesTotal) return null;
  // Finished files count whole; running ones by how far along they are.
  const running = Object.values(files).reduce((sum, f) => sum + fileFraction(f), 0);
  const fraction = Math.min(1, (queue.filesDone + running) / queue.filesTotal);
  return (
    <div className="banner" data-testid="queue-banner">
      <span>
        Indexing {queue.filesDone} of {queue.filesTotal} file{queue.filesTotal === 1 ? '' : 's'}
        {queue.etaSeconds !== undefined ? ` · about ${formatEta(queue.etaSeconds)} left` : ''}
      </span>
      <ProgressBar value={fraction} label="Indexing progress" />
    </div>
  );
}

/** The library: the documents of the selected collection, with adding, progress and repair. */
export function LibraryView() {
  const { client, library, app } = useStores();
  const documents = useLibrary((s) => s.documents);
  const jobs = useLibrary((s) => s.jobs);
  const files = useLibrary((s) => s.files);
  const collection = useLibrary((s) => s.collection);
  const collectionNames = useLibrary((s) => s.collectionNames);
  const filter = useLibrary((s) => s.filter);
  const sort = useLibrary((s) => s.sort);
  const loaded = useLibrary((s) => s.loaded);
  const loadError = useLibrary((s) => s.loadError);
  const dismissed = useLibrary((s) => s.dismissed);
  const density = useSettings((s) => s.density);
  const openSource = useApp((s) => s.openSource);
  const [pending, setPending] = useState<Pending>();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // Built and sorted without live progress: a progress event (10 a second while indexing)
  // re-renders the visible rows, it does not rebuild and re-sort the whole library.
  const allRows = useMemo(() => buildRows(documents, jobs, {}, 0, dismissed), [documents, jobs, dismissed]);
  const rows = useMemo(() => sortRows(filterRows(allRows, collection, filter), sort.key, sort.dir), [allRows, collection, filter, sort]);

  const act = (action: RowAction, row: Row): void => {
    const lib = library.getState();
    switch (action) {
      case 'open':
        if (row.docId) openSource({ docId: row.docId, docName: row.name, page: 1, pageEnd: 1, start: 0, end: 0 });
        break;
      case 'retry':
        void lib.runAgain(row);
        break;
      case 'reindex':
        if (row.docId) void lib.reindex(row.docId);
        break;
      case 'cancel':
        // The row's own running job, captured when the row was drawn: never looked up by position.
        if (row.activeJobId) void lib.cancel(row.activeJobId);
        break;
      case 'dismiss':
        if (row.jobId) lib.dismiss([row.jobId]);
        break;
      case 'password':
      case 'tags':
      case 'remove':
      case 'warnings':
        setPending({ kind: action, row });
        break;
    }
  };

  const addFiles = async (kind: 'files' | 'folder'): Promise<void> => {
    if (client.pickPaths) {
      const paths = await client.pickPaths(kind);
      await library.getState().addPaths(paths);
    } else (kind === 'files' ? fileInput : folderInput).current?.click();
  };
  const onPicked = (e: ChangeEvent<HTMLInputElement>): void => {
    const picked = filesFromInput(e.target.files);
    e.target.value = '';
    void library.getState().addFiles(picked);
  };

  const title = collection ?? 'All documents';
  // Documents are what is in the library (read, or being read); failed and cancelled files are counted apart.
  const counts = useMemo(() => countRows(rows), [rows]);
  const empty = loaded && !loadError && allRows.length === 0 && collection === null;
  // A selected collection with nothing in it says so (and how to fill it), whatever the filter:
  // "No documents match" would send the user looking for documents that were never there.
  const collectionEmpty = loaded && !loadError && collection !== null && !allRows.some((r) => r.collection === collection);
  // Only a collection created on purpose can be deleted; 'default' is where files go otherwise.
  const deletable = collection !== null && collection !== 'default' && collectionNames.includes(collection);

  return (
    <section className="view" aria-labelledby="library-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <h1 id="library-title">{title}</h1>
          <span className="count" data-testid="doc-count">
            {counts.documents.toLocaleString()} document{counts.documents === 1 ? '' : 's'}
          </span>
          {counts.failed > 0 && (
            <span className="count count-failed" data-testid="failed-count">
              {counts.failed.toLocaleString()} failed
            </span>
          )}
          {counts.cancelled > 0 && (
            <span className="count" data-testid="cancelled-count">
              {counts.cancelled.toLocaleString()} cancelled
            </span>
          )}
        </div>
        <div className="toolbar-actions">
          <input
            className="input input-filter"
            type="search"
            placeholder="Filter by name or tag"
            aria-label="Filter documents"
            value={filter}
            onChange={(e) => library.getState().setFilter(e.target.value)}
          />
          <button className="btn" onClick={() => void addFiles('folder')}>
            <Icon name="folder" /> Add folder
          </button>
          <button className="btn btn-primary" onClick={() => void addFiles('files')} data-testid="add-files">
            <Icon name="plus" /> Add files
          </button>
          <input ref={fileInput} type="file" multiple hidden onChange={onPicked} data-testid="file-input" accept=".pdf,.docx,.txt,.md,.markdown,.html,.htm" />
          <input ref={folderInput} type="file" hidden onChange={onPicked} {...{ webkitdirectory: '' }} />
        </div>
      </header>
      <QueueBanner />
      {loadError ? (
        <EmptyState icon="alert" title="The library could not be loaded" action={<button className="btn" onClick={() => void library.getState().refresh()}>Try again</button>}>
          <p>{loadError.message}</p>
          {loadError.hint && <p>{loadError.hint}</p>}
        </EmptyState>
      ) : !loaded ? (
        <div className="loading" aria-busy="true">
          Loading the library…
        </div>
      ) : empty ? (
        <div className="dropzone" data-testid="dropzone">
          <EmptyState
            icon="upload"
            title="Add documents to get started"
            action={
              <button className="btn btn-primary" onClick={() => void addFiles('files')}>
                <Icon name="plus" /> Add files
              </button>
            }
          >
            <p>Drop PDF, Word, Markdown, HTML or text files — or whole folders — anywhere in this window.</p>
            <p>Quarry reads them on this computer, makes them searchable, and cites the page every answer comes from.</p>
          </EmptyState>
        </div>
      ) : collectionEmpty ? (
        <div className="dropzone" data-testid="collection-empty">
          <EmptyState
            icon="folder"
            title={`${title} is empty`}
            action={
              <>
                <button className="btn btn-primary" onClick={() => void addFiles('files')}>
                  <Icon name="plus" /> Add files
                </button>{' '}
                {deletable && (
                  <button className="btn" onClick={() => collection !== null && void library.getState().deleteCollection(collection)}>
                    <Icon name="trash" /> Delete collection
                  </button>
                )}
              </>
            }
          >
            <p>Files you add while it is selected go into it. Drop them, or whole folders, anywhere in this window.</p>
          </EmptyState>
        </div>
      ) : rows.length === 0 ? (
        <EmptyState
          icon="search"
          title="No documents match"
          action={
            <button className="btn" onClick={() => library.getState().setFilter('')}>
              Clear filter
            </button>
          }
        >
          <p>{`Nothing in ${title} matches “${filter}”.`}</p>
        </EmptyState>
      ) : (
        <DocumentTable rows={rows} files={files} rowHeight={density === 'compact' ? 36 : 48} sort={sort} onSort={(k) => library.getState().sortBy(k)} onAction={act} />
      )}
      {pending?.kind === 'password' && (
        <PromptDialog
          title="Enter the document's password"
          description={`${pending.row.name} is encrypted. The password is used once to read it and is not stored.`}
          label="Password"
          type="password"
          submitLabel="Unlock and index"
          onSubmit={(pw) => {
            void library.getState().runAgain(pending.row, pw);
          }}
          onClose={() => setPending(undefined)}
        />
      )}
      {pending?.kind === 'warnings' && <WarningsDialog name={pending.row.name} warnings={pending.row.warnings} onClose={() => setPending(undefined)} />}
      {pending?.kind === 'tags' && (
        <PromptDialog
          title={`Tags of ${pending.row.name}`}
          description="Separate tags with commas. Search can be narrowed to a tag."
          label="Tags"
          initial={pending.row.tags.join(', ')}
          submitLabel="Save tags"
          onSubmit={(v) => pending.row.docId && void library.getState().setTags(pending.row.docId, v.split(','))}
          onClose={() => setPending(undefined)}
        />
      )}
      {pending?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${pending.row.name}?`}
          body="It leaves the library and search. The file on disk is not touched."
          confirmLabel="Remove"
          danger
          onConfirm={() => {
            if (pending.row.docId) {
              const { docId, name } = pending.row;
              const undo = { label: 'Undo', run: () => void library.getState().restore(docId).then((ok) => ok && app.getState().toast('info', `Restored ${name}`)) };
              void library
                .getState()
                .remove(docId)
                .then((removed) => removed && app.getState().toast('info', `Removed ${name}`, undefined, undo));
            }
          }}
          onClose={() => setPending(undefined)}
        />
      )}
    </section>
  );
}
