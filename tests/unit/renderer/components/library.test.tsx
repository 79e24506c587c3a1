import { describe, expect, it } from 'vitest';
import { DocumentTable } from '../../../../renderer/features/library/DocumentTable';
import { LibraryView } from '../../../../renderer/features/library/LibraryView';
import { buildRows } from '../../../../renderer/features/library/rows';
import { fakeDoc } from '../../server/fake-engine';
import { count, renderWith } from '../render';

const noop = (): void => undefined;

describe('DocumentTable', () => {
  it('shows a failure on its row with the reason and the next step', () => {
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'secret.pdf is encrypted', hint: 'Enter its password on the row.' };
    const rows = buildRows([fakeDoc('d1', '/secret.pdf', 'default', { status: 'failed', error })], [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toContain('data-status="failed"');
    expect(html).toMatch(/data-testid="row-error"[^>]*>.*secret\.pdf is encrypted.*— Enter its password on the row\./);
    expect(html).toContain('Enter password');
    expect(html).toContain('aria-label="Remove secret.pdf"');
  });

  it('draws a labelled progress bar with the stage and time left while indexing', () => {
    const now = Date.now();
    // 40 pages read in the last 8 s: 5 pages/s, 50 left.
    const files = { j: { jobId: 'j', path: '/big.pdf', stage: 'parse' as const, pagesDone: 50, pagesTotal: 100, chunksDone: 0, chunksTotal: 0, exact: true, pagesSince: { at: now - 8000, pagesDone: 10 }, startedAt: now - 9000, updatedAt: now } };
    // Rows are built without progress; the table overlays it on the rows in view.
    const rows = buildRows([fakeDoc('d1', '/big.pdf', 'default', { status: 'processing' })], [{ jobId: 'j', path: '/big.pdf', collection: 'default', state: 'running', attempts: 1, createdAt: '', updatedAt: '', docId: 'd1' }], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} files={files} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-valuenow="23"');
    expect(html).toContain('Reading · 10 s left');
  });

  it('says a file waits for the embedder, and how much is ahead of it, without a made-up time', () => {
    const now = Date.now();
    const files = { j: { jobId: 'j', path: '/small.pdf', stage: 'embed' as const, pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 1, chunksAhead: 640, exact: true, startedAt: now - 60_000, updatedAt: now } };
    const rows = buildRows([fakeDoc('d1', '/small.pdf', 'default', { status: 'processing' })], [{ jobId: 'j', path: '/small.pdf', collection: 'default', state: 'running', attempts: 1, createdAt: '', updatedAt: '', docId: 'd1' }], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} files={files} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toContain('Waiting to embed · 640 chunks ahead<');
    expect(html).toContain('aria-valuenow="50"');
  });

  it('puts only the visible window of 10,000 documents in the DOM, with the full count for assistive tech', () => {
    const docs = Array.from({ length: 10_000 }, (_, i) => fakeDoc(`d${i}`, `/lib/doc-${i}.pdf`));
    const rows = buildRows(docs, [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    const rendered = count(html, 'data-testid="doc-row"');
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(40);
    expect(html).toContain('aria-rowcount="10001"');
    expect(html).toContain('height:480000px');
  });

  it('marks the sorted column for screen readers', () => {
    const { html } = renderWith(<DocumentTable rows={[]} rowHeight={48} sort={{ key: 'bytes', dir: 'desc' }} onSort={noop} onAction={noop} />);
    expect(html).toMatch(/aria-sort="descending"[^>]*>.*?Size/);
  });
});

describe('LibraryView', () => {
  it('says what to do when the library is empty', () => {
    const { html } = renderWith(<LibraryView />, (s) => s.library.setState({ loaded: true }));
    expect(html).toContain('Add documents to get started');
    expect(html).toContain('Drop PDF, Word, Markdown, HTML or text files');
    expect(html).toContain('data-testid="dropzone"');
  });

  it('shows a load failure with its hint instead of an empty table', () => {
    const { html } = renderWith(<LibraryView />, (s) => s.library.setState({ loaded: true, loadError: { code: 'STORE_LOCKED', message: 'Another Quarry has the library open.', hint: 'Close it and try again.' } }));
    expect(html).toContain('The library could not be loaded');
    expect(html).toContain('Close it and try again.');
  });

  it('shows the queue banner while files are indexing', () => {
    const { html } = renderWith(<LibraryView />, (s) =>
      s.library.setState({
        loaded: true,
        documents: [fakeDoc('d', '/a.pdf')],
        queue: { stage: 'parse', filesDone: 1, filesTotal: 4, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0, etaSeconds: 90 },
      }),
    );
    expect(html).toContain('Indexing 1 of 4 files · about 2 min left');
    expect(html).toContain('1 document');
  });
});
