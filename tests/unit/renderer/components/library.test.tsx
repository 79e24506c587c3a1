import { describe, expect, it } from 'vitest';
import { DocumentTable } from '../../../../renderer/features/library/DocumentTable';
import { LibraryView } from '../../../../renderer/features/library/LibraryView';
import { buildRows } from '../../../../renderer/features/library/rows';
import { WarningsDialog } from '../../../../renderer/features/library/WarningsDialog';
import { fakeDoc } from '../../server/fake-engine';
import { count, renderWith } from '../render';

const noop = (): void => undefined;

describe('DocumentTable', () => {
  it('shows a failure on its row with the reason and the next step, in the app’s words', () => {
    // The engine's hint serves the CLI too; the row says what to do on the row instead.
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'secret.pdf is encrypted', hint: 'Enter the password on the document row, or pass --password.' };
    const rows = buildRows([fakeDoc('d1', '/secret.pdf', 'default', { status: 'failed', error })], [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toContain('data-status="failed"');
    expect(html).toMatch(/data-testid="row-error"[^>]*>.*secret\.pdf is encrypted.*— Choose “Enter password” to unlock it/);
    expect(html).not.toContain('--password');
    expect(html).toContain('Enter password');
    expect(html).toContain('aria-label="Remove secret.pdf"');
  });

  it('says "No text" for an indexed document with nothing searchable in it, with the reason as its tooltip', () => {
    const scan = { code: 'NO_TEXT', message: 'No text layer on its page: it is a scan, and Quarry cannot read scans yet.' };
    const rows = buildRows([fakeDoc('s', '/scan.pdf', 'default', { warnings: [scan] }), fakeDoc('r', '/report.pdf')], [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    const rowOf = (name: string): string => html.split('data-testid="doc-row"').find((r) => r.includes(`data-name="${name}"`)) ?? '';
    expect(rowOf('scan.pdf')).toMatch(/data-testid="row-no-text"[^>]*>No text</);
    expect(rowOf('scan.pdf')).toContain('title="No text layer on its page: it is a scan, and Quarry cannot read scans yet."');
    expect(rowOf('report.pdf')).toContain('badge-ready');
    expect(rowOf('report.pdf')).not.toContain('No text');
  });

  it('offers no Retry for a file type Quarry cannot read, and Retry where running again can help', () => {
    const job = (jobId: string, path: string, code: 'UNSUPPORTED_TYPE' | 'STORE_FAILED') => ({ jobId, path, docId: `d-${jobId}`, collection: 'default', state: 'failed' as const, attempts: 1, createdAt: '', updatedAt: '', error: { code, message: `${path} failed` } });
    const rows = buildRows([], [job('x', '/sheet.xlsx', 'UNSUPPORTED_TYPE'), job('s', '/disk.pdf', 'STORE_FAILED')], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    const sheet = html.slice(html.indexOf('data-name="sheet.xlsx"'), html.indexOf('data-name="disk.pdf"'));
    expect(sheet).not.toContain('Retry');
    expect(html.slice(html.indexOf('data-name="disk.pdf"'))).toContain('Retry');
  });

  it('keeps the collection under the name and makes warnings a button that opens the list', () => {
    const warnings = [1, 2, 3, 4, 5].map((page) => ({ page, code: 'PAGE_FAILED', message: `Page ${page} could not be read` }));
    const rows = buildRows([fakeDoc('d1', '/fuzzed.pdf', 'papers', { warnings })], [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toMatch(/data-testid="row-collection">papers</);
    expect(html).toMatch(/<button[^>]*aria-haspopup="dialog"[^>]*aria-label="5 warnings in fuzzed\.pdf: show them"[^>]*title="Page 1: Page 1 could not be read\nPage 2: [^"]*\n…and 2 more"[^>]*>.*5 warnings<\/button>/);
  });

  it('lists each warning with its page and message in a dialog', () => {
    const warnings = [
      { page: 2, code: 'PAGE_FAILED', message: 'Bad XRef entry' },
      { code: 'PASSWORD_NOT_NEEDED', message: 'The PDF opens without one.' },
    ];
    const { html } = renderWith(<WarningsDialog name="fuzzed.pdf" warnings={warnings} onClose={noop} />);
    expect(html).toContain('2 warnings in fuzzed.pdf');
    expect(count(html, 'data-testid="warning"')).toBe(2);
    expect(html).toMatch(/Page 2<\/span><span class="warning-message">Bad XRef entry/);
    expect(html).toMatch(/Whole document<\/span><span class="warning-message">The PDF opens without one\./);
    expect(html).toContain('>Close</button>');
  });

  it('shows a cancelled file as Cancelled, with Retry and Dismiss and no Cancel', () => {
    const rows = buildRows([], [{ jobId: 'c', docId: 'dc', path: '/report.docx', collection: 'default', state: 'cancelled', attempts: 1, createdAt: '', updatedAt: '', error: { code: 'CANCELLED', message: 'Cancelled' } }], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    expect(html).toContain('data-status="cancelled"');
    expect(html).toContain('>Cancelled</span>');
    expect(html).toContain('Retry');
    expect(html).toContain('aria-label="Dismiss report.docx"');
    expect(html).not.toContain('Cancel indexing');
  });

  it('points each Cancel button at its own row’s running job, whatever the order', () => {
    const jobs = ['a', 'b', 'c'].map((n) => ({ jobId: `job-${n}`, docId: `d-${n}`, path: `/${n}.docx`, collection: 'default', state: 'running' as const, attempts: 1, createdAt: '', updatedAt: '' }));
    const rows = buildRows([], jobs, {}, 0);
    for (const order of [rows, [...rows].reverse()]) {
      const { html } = renderWith(<DocumentTable rows={order} rowHeight={48} sort={{ key: 'status', dir: 'asc' }} onSort={noop} onAction={noop} />);
      for (const n of ['a', 'b', 'c']) expect(html).toMatch(new RegExp(`aria-label="Cancel indexing ${n}\\.docx"[^>]*data-job-id="job-${n}"`));
    }
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
    // The cell clamps the line at a word; the tooltip keeps all of it.
    expect(html).toContain('<span class="status-progress-text" title="Waiting to embed · 640 chunks ahead">');
  });

  it('shows the type from the extension for a file of a type Quarry does not read, never a made-up "Text"', () => {
    const unsupported = { code: 'UNSUPPORTED_TYPE' as const, message: 'not readable' };
    // The engine's placeholder format for files it could not read is 'text'.
    const docs = [
      fakeDoc('x', '/sheet.xlsx', 'default', { status: 'failed', format: 'text', error: unsupported }),
      fakeDoc('w', '/old.doc', 'default', { status: 'failed', format: 'text', error: unsupported }),
      fakeDoc('t', '/notes.txt', 'default', { format: 'text' }),
    ];
    const { html } = renderWith(<DocumentTable rows={buildRows(docs, [], {}, 0)} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    const typeOf = (name: string): string | undefined => new RegExp(`data-name="${name.replace('.', '\\.')}".*?</div></div><div role="gridcell" class="td">([^<]*)</div>`).exec(html)?.[1];
    expect(typeOf('sheet.xlsx')).toBe('XLSX');
    expect(typeOf('old.doc')).toBe('DOC');
    expect(typeOf('notes.txt')).toBe('Text');
  });

  it('keeps every tag reachable: a chip and "+N" with all of them in the tooltip, and under the name for narrow windows', () => {
    const rows = buildRows([fakeDoc('d1', '/olap.pdf', 'papers', { tags: ['research', 'olap-2010', 'french'] }), fakeDoc('d2', '/one.pdf', 'papers', { tags: ['legal'] })], [], {}, 0);
    const { html } = renderWith(<DocumentTable rows={rows} rowHeight={48} sort={{ key: 'name', dir: 'asc' }} onSort={noop} onAction={noop} />);
    const olap = html.slice(html.indexOf('data-name="olap.pdf"'), html.indexOf('data-name="one.pdf"'));
    expect(olap).toContain('<div role="gridcell" class="td td-tags" title="Tags: research, olap-2010, french">');
    // One chip and "+2" on a narrow cell, two and "+1" on a wide one (a container query picks).
    expect(olap).toMatch(/<span class="chip">research<\/span><span class="chip chip-wide">olap-2010<\/span><span class="chip chip-more chip-narrow">\+2<\/span><span class="chip chip-more chip-wide">\+1<\/span>/);
    expect(olap).toContain('<span class="visually-hidden">research, olap-2010, french</span>');
    // Under the name (shown while the Tags column is hidden), and in the name's tooltip.
    expect(olap).toMatch(/class="sub sub-tags" title="Tags: research, olap-2010, french" data-testid="row-tags-inline">.*research, olap-2010, french<\/span>/);
    expect(olap).toContain('title="/olap.pdf\nTags: research, olap-2010, french"');
    // A single tag needs no count.
    const one = html.slice(html.indexOf('data-name="one.pdf"'));
    expect(one).toContain('<span class="chip">legal</span>');
    expect(one).not.toContain('chip-more');
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

  it('counts the documents in the library, with failed files apart', () => {
    const error = { code: 'PDF_MALFORMED' as const, message: 'broken' };
    const { html } = renderWith(<LibraryView />, (s) =>
      s.library.setState({
        loaded: true,
        documents: [fakeDoc('a', '/a.pdf'), fakeDoc('b', '/b.pdf', 'default', { status: 'processing' }), fakeDoc('c', '/c.pdf', 'default', { status: 'failed', error })],
        jobs: [{ jobId: 'x', path: '/x.xlsx', collection: 'default', state: 'failed', attempts: 1, createdAt: '', updatedAt: '', error: { code: 'UNSUPPORTED_TYPE', message: 'no' } }],
      }),
    );
    expect(html).toMatch(/data-testid="doc-count">2 documents</);
    expect(html).toMatch(/data-testid="failed-count">2 failed</);
  });

  it('says a selected collection is empty, whatever the filter, and offers to delete it if it was created', () => {
    const { html } = renderWith(<LibraryView />, (s) =>
      s.library.setState({ loaded: true, documents: [fakeDoc('a', '/a.pdf')], collection: 'Finance Q3', collectionNames: ['Finance Q3', 'default'], filter: 'budget' }),
    );
    expect(html).toContain('data-testid="collection-empty"');
    expect(html).toContain('Finance Q3 is empty');
    expect(html).toContain('Delete collection');
    expect(html).not.toContain('No documents match');
    // 'default' is where files go when no collection is chosen: never offered for deletion.
    const fallback = renderWith(<LibraryView />, (s) => s.library.setState({ loaded: true, documents: [fakeDoc('a', '/a.pdf', 'papers')], collection: 'default', collectionNames: ['default', 'papers'] })).html;
    expect(fallback).toContain('default is empty');
    expect(fallback).not.toContain('Delete collection');
  });

  it('says nothing matches the filter in a collection that has documents, with a way to clear it', () => {
    const { html } = renderWith(<LibraryView />, (s) => s.library.setState({ loaded: true, documents: [fakeDoc('a', '/a.pdf', 'papers')], collection: 'papers', filter: 'zzz' }));
    expect(html).toContain('No documents match');
    expect(html).toContain('Nothing in papers matches “zzz”.');
    expect(html).toContain('Clear filter');
  });
});
