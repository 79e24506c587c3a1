import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../../../contract';
import { buildRows, collectionsOf, countRows, failedCount, filterRows, formatFromName, jobStandings, liveProgress, nextStep, sortRows, typeLabel, uiHint } from '../../../../../renderer/features/library/rows';
import { fakeDoc } from '../../../server/fake-engine';

const job = (over: Partial<JobInfo>): JobInfo => ({ jobId: 'j', path: '/x.pdf', collection: 'default', state: 'queued', attempts: 0, createdAt: '2026-01-02T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', ...over });

describe('buildRows', () => {
  it('shows a queued file that has no document yet as a queued row', () => {
    const rows = buildRows([], [job({ jobId: 'j1', path: '/docs/a.pdf', docId: 'd1' })], {}, 0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'd1', name: 'a.pdf', status: 'queued', jobId: 'j1', activeJobId: 'j1', progress: { stage: 'queued', fraction: 0 } });
  });

  it('keys a file by its document from Queued to Ready, so its row is never remounted under the pointer', () => {
    const queued = buildRows([], [job({ jobId: 'j1', path: '/docs/a.pdf', docId: 'd1', state: 'running' })], {}, 0);
    const listed = buildRows([fakeDoc('d1', '/docs/a.pdf', 'default', { status: 'processing' })], [job({ jobId: 'j1', path: '/docs/a.pdf', docId: 'd1', state: 'running' })], {}, 0);
    expect(queued[0]!.key).toBe(listed[0]!.key);
    // A job from an old journal without a document id still gets a key of its own.
    expect(buildRows([], [job({ jobId: 'j9', path: '/b.pdf' })], {}, 0)[0]!.key).toBe('job:j9');
  });

  it('offers Cancel only for the running job of a row, never an older finished one', () => {
    const doc = fakeDoc('d1', '/a.pdf', 'default', { status: 'processing' });
    // The document list is newer than the job list: its latest listed job already finished.
    const [stale] = buildRows([doc], [job({ jobId: 'old', docId: 'd1', path: '/a.pdf', state: 'cancelled' })], {}, 0);
    expect(stale).toMatchObject({ status: 'processing', jobId: 'old', activeJobId: undefined });
    const [running] = buildRows([doc], [job({ jobId: 'new', docId: 'd1', path: '/a.pdf', state: 'running' }), job({ jobId: 'old', docId: 'd1', path: '/a.pdf', state: 'failed' })], {}, 0);
    expect(running).toMatchObject({ status: 'processing', activeJobId: 'new' });
  });

  it('keeps a file whose indexing was cancelled, as Cancelled with its job to retry', () => {
    const cancelled = job({ jobId: 'c', docId: 'dc', path: '/report.docx', state: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled' } });
    const rows = buildRows([], [cancelled], {}, 0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'report.docx', status: 'cancelled', jobId: 'c', activeJobId: undefined, docId: undefined, error: undefined });
    // Dismissed, it goes; queued again, the new job speaks for the file.
    expect(buildRows([], [cancelled], {}, 0, new Set(['c']))).toHaveLength(0);
    const again = buildRows([], [job({ jobId: 'r', docId: 'dc', path: '/report.docx', state: 'queued' }), cancelled], {}, 0);
    expect(again.map((r) => [r.jobId, r.status])).toEqual([['r', 'queued']]);
    // Once indexed, the document row is all there is.
    expect(buildRows([fakeDoc('dc', '/report.docx')], [cancelled], {}, 0).map((r) => r.status)).toEqual(['ready']);
  });

  it('carries the document’s warnings themselves, not just how many', () => {
    const warnings = [{ page: 3, code: 'PAGE_FAILED', message: 'Page 3 could not be read' }];
    const [row] = buildRows([fakeDoc('d', '/w.pdf', 'default', { warnings })], [], {}, 0);
    expect(row!.warnings).toEqual(warnings);
  });

  it('shows a stored document’s repeated warnings once', () => {
    const bad = (page: number) => ({ page, code: 'PDF_MALFORMED', message: `Page ${page} could not be read` });
    const [row] = buildRows([fakeDoc('d', '/fuzzed.pdf', 'default', { warnings: [bad(12), bad(16), bad(12), bad(16)] })], [], {}, 0);
    expect(row!.warnings).toEqual([bad(12), bad(16)]);
  });

  it('attaches running progress and an ETA to the document being indexed', () => {
    const doc = fakeDoc('d1', '/docs/a.pdf', 'default', { status: 'processing' });
    const files = { j1: { jobId: 'j1', path: '/docs/a.pdf', stage: 'embed' as const, pagesDone: 10, pagesTotal: 10, chunksDone: 50, chunksTotal: 100, chunksAhead: 30, embedRate: 20, exact: true, startedAt: 0, updatedAt: 8000 } };
    const [row] = buildRows([doc], [job({ jobId: 'j1', docId: 'd1', state: 'running', path: '/docs/a.pdf' })], files, 10_000);
    expect(row!.status).toBe('processing');
    expect(row!.progress!.fraction).toBeCloseTo(0.725);
    // (30 ahead + 50 own) / 20 per s, reported 2 s ago.
    expect(row!.progress!.etaSeconds).toBe(2);
    expect(row!.progress!.waiting).toBeUndefined();
  });

  it('marks a file that waits for the embedder, with its place and no made-up ETA', () => {
    const doc = fakeDoc('d1', '/docs/a.pdf', 'default', { status: 'processing' });
    const files = { j1: { jobId: 'j1', path: '/docs/a.pdf', stage: 'embed' as const, pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 2, chunksAhead: 500, exact: true, startedAt: 0, updatedAt: 0 } };
    const [row] = buildRows([doc], [job({ jobId: 'j1', docId: 'd1', state: 'running', path: '/docs/a.pdf' })], files, 180_000);
    expect(row!.progress).toEqual({ fraction: 0.5, etaSeconds: undefined, stage: 'embed', waiting: true, chunksAhead: 500 });
  });

  it('shows the stage the engine lists for a running job it has no report of yet, never a made-up "Reading"', () => {
    const live = { stage: 'embed' as const, pagesDone: 1, pagesTotal: 1, chunksDone: 0, chunksTotal: 2 };
    const [row] = buildRows([], [job({ jobId: 'j1', state: 'running', live })], {}, 0);
    expect(row!.progress).toEqual({ fraction: 0.5, stage: 'embed' });
    const [bare] = buildRows([], [job({ jobId: 'j1', state: 'running' })], {}, 0);
    expect(bare!.progress!.stage).not.toBe('parse');
  });

  it('keeps a ready document ready while it is indexed again', () => {
    const [row] = buildRows([fakeDoc('d1', '/a.pdf')], [job({ jobId: 'j2', docId: 'd1', state: 'running' })], {}, 0);
    expect(row).toMatchObject({ status: 'ready', reindexing: true });
  });

  it('shows a failed document with its error and the job to retry', () => {
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'a.pdf is encrypted', hint: 'Enter the password' };
    const rows = buildRows([fakeDoc('d1', '/a.pdf', 'default', { status: 'failed', error })], [job({ jobId: 'j1', docId: 'd1', state: 'failed', error })], {}, 0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed', error, jobId: 'j1' });
  });

  it('shows a job that failed before its document existed, once per file, latest first', () => {
    const jobs = [
      job({ jobId: 'new', path: '/gone.pdf', state: 'failed', error: { code: 'FILE_NOT_FOUND', message: 'gone' } }),
      job({ jobId: 'old', path: '/gone.pdf', state: 'failed', error: { code: 'FILE_NOT_FOUND', message: 'gone before' } }),
      job({ jobId: 'done', path: '/ok.pdf', state: 'done', docId: 'zzz' }),
    ];
    const rows = buildRows([], jobs, {}, 0);
    expect(rows.map((r) => r.jobId)).toEqual(['new']);
    expect(rows[0]!.error!.message).toBe('gone');
  });
});

describe('sorting and filtering', () => {
  const rows = buildRows(
    [
      fakeDoc('1', '/b.pdf', 'papers', { pages: 10, tags: ['climate'] }),
      fakeDoc('2', '/a10.pdf', 'default', { pages: 2 }),
      fakeDoc('3', '/a9.pdf', 'default', { pages: 30, status: 'failed', error: { code: 'PDF_MALFORMED', message: 'broken' } }),
    ],
    [],
    {},
    0,
  );
  it('sorts names naturally and numbers numerically, both ways', () => {
    expect(sortRows(rows, 'name', 'asc').map((r) => r.name)).toEqual(['a9.pdf', 'a10.pdf', 'b.pdf']);
    expect(sortRows(rows, 'pages', 'desc').map((r) => r.pages)).toEqual([30, 10, 2]);
    expect(sortRows(rows, 'status', 'asc')[0]!.status).toBe('failed');
  });
  it('filters by collection and by name or tag', () => {
    expect(filterRows(rows, 'default', '').map((r) => r.docId)).toEqual(['2', '3']);
    expect(filterRows(rows, null, 'CLIM').map((r) => r.docId)).toEqual(['1']);
  });
  it('lists collections with counts of the documents in the library, default always present', () => {
    // a9.pdf failed to index: it is not a document of the library, and not counted.
    expect(collectionsOf(rows)).toEqual([
      { name: 'default', count: 1 },
      { name: 'papers', count: 1 },
    ]);
    expect(collectionsOf([])).toEqual([{ name: 'default', count: 0 }]);
    expect(collectionsOf([], ['new'])).toEqual([
      { name: 'default', count: 0 },
      { name: 'new', count: 0 },
    ]);
  });
  it('counts documents apart from failed and cancelled files', () => {
    const more = [...rows, ...buildRows([], [job({ jobId: 'q', docId: 'dq', path: '/q.md' }), job({ jobId: 'c', docId: 'dc', path: '/c.docx', state: 'cancelled' })], {}, 0)];
    expect(countRows(more)).toEqual({ documents: 3, failed: 1, cancelled: 1 });
  });
});

it('offers the right next step for each failure', () => {
  expect(nextStep({ code: 'PDF_PASSWORD_REQUIRED', message: '' })).toBe('password');
  expect(nextStep({ code: 'PDF_PASSWORD_WRONG', message: '' })).toBe('password');
  expect(nextStep({ code: 'STORE_FAILED', message: '' })).toBe('retry');
  expect(nextStep({ code: 'PDF_MALFORMED', message: '' })).toBe('none');
  expect(nextStep({ code: 'UNSUPPORTED_TYPE', message: '' })).toBe('none');
  expect(nextStep({ code: 'FILE_TOO_LARGE', message: '' })).toBe('none');
  expect(nextStep({ code: 'CANCELLED', message: '' })).toBe('retry');
  expect(nextStep(undefined)).toBe('none');
});

it('says what to do about a password in this app, not on the command line', () => {
  const engine = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'a.pdf is encrypted and needs a password.', hint: 'Enter the password on the document row, or pass --password.' };
  expect(uiHint(engine)).not.toMatch(/--password/);
  expect(uiHint(engine)).toMatch(/Enter password/);
  expect(uiHint({ code: 'PDF_MALFORMED', message: 'x', hint: 'Re-save it.' })).toBe('Re-save it.');
});

it('sorts 10,000 rows quickly enough to stay interactive', () => {
  const docs = Array.from({ length: 10_000 }, (_, i) => fakeDoc(`d${i}`, `/lib/report-${(i * 7919) % 10_000}.pdf`, i % 3 ? 'default' : 'papers', { pages: i % 400 }));
  const all = buildRows(docs, [], {}, 0);
  const sorted = sortRows(filterRows(all, null, 'report-1'), 'name', 'asc');
  expect(sorted.length).toBe(1111);
  expect(sorted[0]!.name).toBe('report-1.pdf');
});

describe('dismissed jobs and attention count', () => {
  const failed = job({ jobId: 'f', path: '/broken.pdf', state: 'failed', error: { code: 'PDF_MALFORMED', message: 'broken' } });
  it('hides a dismissed failure from the table and the count', () => {
    expect(buildRows([], [failed], {}, 0)).toHaveLength(1);
    expect(buildRows([], [failed], {}, 0, new Set(['f']))).toHaveLength(0);
    expect(failedCount([], [failed], new Set())).toBe(1);
    expect(failedCount([], [failed], new Set(['f']))).toBe(0);
  });
  it('counts a failed document once, not its old failed jobs as well', () => {
    const doc = fakeDoc('d', '/x.pdf', 'default', { status: 'failed' });
    expect(failedCount([doc], [job({ jobId: 'a', docId: 'd', state: 'failed' }), job({ jobId: 'b', docId: 'd', state: 'failed' })], new Set())).toBe(1);
    expect(failedCount([fakeDoc('d', '/x.pdf')], [job({ jobId: 'a', docId: 'd', state: 'failed' })], new Set())).toBe(0);
  });
  it('no longer counts a password failure once the document was unlocked by a later job', () => {
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'locked' };
    // Newest first: the re-index with the password, then the failure without one.
    const jobs = [job({ jobId: 'unlocked', docId: 'd', path: '/x.pdf', state: 'done', createdAt: '2026-01-03T00:00:00Z' }), job({ jobId: 'locked', docId: 'd', path: '/x.pdf', state: 'failed', error })];
    const docs = [fakeDoc('d', '/x.pdf')];
    expect(jobStandings(docs, jobs, new Set()).get('locked')).toBe('resolved');
    expect(failedCount(docs, jobs, new Set())).toBe(0);
    // Even while the document list still has the old failed entry.
    expect(failedCount([fakeDoc('d', '/x.pdf', 'default', { status: 'failed', error })], jobs, new Set())).toBe(0);
  });
  it('tells resolved, superseded, kept, dismissed and open failures apart', () => {
    const e = { code: 'STORE_FAILED' as const, message: 'disk' };
    const jobs = [
      job({ jobId: 'b2', path: '/b.pdf', state: 'running' }),
      job({ jobId: 'b1', path: '/b.pdf', state: 'failed', error: e }),
      job({ jobId: 'c1', path: '/c.pdf', docId: 'dc', state: 'failed', error: e }),
      job({ jobId: 'd1', path: '/d.pdf', state: 'failed', error: e }),
      job({ jobId: 'e1', path: '/e.pdf', state: 'failed', error: e }),
      // The same path in another collection is another file.
      job({ jobId: 'e0', path: '/e.pdf', collection: 'other', state: 'done' }),
    ];
    const s = jobStandings([fakeDoc('dc', '/c.pdf')], jobs, new Set(['d1']));
    expect(Object.fromEntries(s)).toEqual({ b2: 'latest', b1: 'superseded', c1: 'kept', d1: 'dismissed', e1: 'open', e0: 'latest' });
    expect(failedCount([fakeDoc('dc', '/c.pdf')], jobs, new Set(['d1']))).toBe(1);
  });
  it('takes the type from the file name until the document has been read', () => {
    const rows = buildRows([fakeDoc('d', '/a.docx', 'default', { status: 'processing', format: 'text' })], [job({ jobId: 'q', path: '/b.md' })], {}, 0);
    expect(rows.map((r) => r.format)).toEqual(['docx', 'markdown']);
    expect(formatFromName('x.PDF')).toBe('pdf');
    expect(formatFromName('x.xyz')).toBeUndefined();
  });
  it('gives a failed file of a type Quarry does not read no format, and labels it by its extension', () => {
    const unsupported = { code: 'UNSUPPORTED_TYPE' as const, message: 'no' };
    const rows = buildRows(
      [
        fakeDoc('x', '/Cups.xlsx', 'default', { status: 'failed', format: 'text', error: unsupported }),
        fakeDoc('p', '/broken.pdf', 'default', { status: 'failed', format: 'text', error: { code: 'PDF_MALFORMED', message: 'no' } }),
        fakeDoc('r', '/README', 'default', { status: 'failed', format: 'text', error: unsupported }),
      ],
      [job({ jobId: 'j', path: '/legacy.doc', state: 'failed', error: unsupported })],
      {},
      0,
    );
    expect(rows.map((r) => [r.name, r.format, typeLabel(r)])).toEqual([
      ['Cups.xlsx', undefined, 'XLSX'],
      ['broken.pdf', 'pdf', 'PDF'],
      ['README', undefined, '—'],
      ['legacy.doc', undefined, 'DOC'],
    ]);
    // The Type column sorts as it reads.
    expect(sortRows(rows, 'format', 'asc').map((r) => typeLabel(r))).toEqual(['—', 'DOC', 'PDF', 'XLSX']);
  });
});

describe('liveProgress', () => {
  const fp = { jobId: 'j', path: '/a.pdf', stage: 'embed' as const, pagesDone: 1, pagesTotal: 1, chunksDone: 5, chunksTotal: 10, exact: true, startedAt: 0, updatedAt: 0 };
  it('overlays a running job’s progress on its row, by job id or by path', () => {
    const [row] = buildRows([fakeDoc('d', '/a.pdf', 'default', { status: 'processing' })], [job({ jobId: 'j', docId: 'd', state: 'running', path: '/a.pdf' })], {}, 0);
    expect(row!.progress).toEqual({ fraction: 0, stage: 'running' });
    expect(liveProgress(row!, { j: fp }, 10_000).progress!.fraction).toBeCloseTo(0.725);
    expect(liveProgress({ ...row!, jobId: undefined }, { other: fp }, 10_000).progress!.stage).toBe('embed');
  });
  it('returns the very same row when nothing is running for it, so it does not re-render', () => {
    const [ready] = buildRows([fakeDoc('d', '/a.pdf')], [], {}, 0);
    expect(liveProgress(ready!, { j: fp }, 0)).toBe(ready);
    const [active] = buildRows([], [job({ jobId: 'q', path: '/b.pdf' })], {}, 0);
    expect(liveProgress(active!, {}, 0)).toBe(active);
  });
});
