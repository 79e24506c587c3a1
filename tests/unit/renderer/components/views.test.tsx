import { describe, expect, it } from 'vitest';
import { SignedOut } from '../../../../renderer/App';
import { Sidebar } from '../../../../renderer/app/Sidebar';
import { SearchView, Snippet } from '../../../../renderer/features/search/SearchView';
import { SettingsView } from '../../../../renderer/features/settings/SettingsView';
import { TextViewer } from '../../../../renderer/features/viewer/TextViewer';
import { ActivityView } from '../../../../renderer/features/activity/ActivityView';
import { renderToStaticMarkup } from 'react-dom/server';
import { fakeDoc } from '../../server/fake-engine';
import { count, renderWith } from '../render';

describe('search', () => {
  it('highlights matched terms in snippets', () => {
    const html = renderToStaticMarkup(<Snippet result={{ snippet: 'the «climate» today', highlights: [[4, 13]] }} />);
    expect(html).toBe('<p class="snippet"><span>the </span><mark>climate</mark><span> today</span></p>');
  });

  it('lists results as options of a listbox with the page and the selection', () => {
    const result = { chunkId: 'c', docId: 'd', docName: 'report.pdf', path: '/r.pdf', page: 3, pageEnd: 4, start: 0, end: 5, headingPath: ['Intro', 'Scope'], sectionId: 's', score: 1, text: 't', snippet: 'x «y»', highlights: [[2, 5]] as [number, number][], retrievers: ['text' as const] };
    const { html } = renderWith(<SearchView />, (s) => s.search.setState({ query: 'y', resultsFor: 'y', status: 'done', results: [result], tookMs: 12 }));
    expect(html).toContain('role="listbox"');
    expect(html).toContain('aria-selected="true"');
    expect(html).toContain('pp. 3–4');
    expect(html).toContain('Intro › Scope');
    expect(html).toContain('1 result · 12 ms');
    expect(html).toContain('aria-activedescendant="result-0"');
    expect(html).not.toContain('rerank-status');
    const skipped = renderWith(<SearchView />, (s) =>
      s.search.setState({ query: 'y', resultsFor: 'y', status: 'done', results: [result], tookMs: 12, rerank: { applied: false, reason: 'model-missing', candidates: 0, tookMs: 0, message: 'No reranker model is set: choose one in Settings.' } }),
    ).html;
    expect(skipped).toMatch(/class="count rerank-warning" title="No reranker model is set: choose one in Settings\." data-testid="rerank-status" role="status">not reranked: no model set</);
  });

  it('says what to type when there is no query, and what to try when nothing matched', () => {
    expect(renderWith(<SearchView />).html).toContain('Search everything you have added');
    const { html } = renderWith(<SearchView />, (s) => s.search.setState({ query: 'zzz', resultsFor: 'zzz', status: 'done', results: [] }));
    expect(html).toContain('Nothing found for “zzz”');
    expect(html).not.toContain('quoted words');
    const quoted = renderWith(<SearchView />, (s) => s.search.setState({ query: '"moon got trapped"', resultsFor: '"moon got trapped"', status: 'done', results: [] })).html;
    expect(quoted).toContain('No passage contains the quoted words in exactly that order');
  });

  it('offers a tag filter once documents have tags, showing the chosen tag', () => {
    expect(renderWith(<SearchView />).html).not.toContain('tag-filter');
    const { html } = renderWith(<SearchView />, (s) => {
      s.library.setState({ documents: [fakeDoc('a', '/a.pdf', 'default', { tags: ['legal', 'Q3'] }), fakeDoc('b', '/b.pdf', 'default', { tags: ['finance'] })] });
      s.search.setState({ filters: { tags: ['legal'] } });
    });
    expect(html).toContain('aria-label="Tag"');
    expect(html.match(/<option value="[^"]*"/g)?.filter((o) => ['"legal"', '"Q3"', '"finance"', '""'].some((v) => o.endsWith(v))).length).toBeGreaterThanOrEqual(4);
    expect(html).toMatch(/<option value="legal" selected="">legal<\/option>/);
  });

  it('says when no result contains the words and all are only close in meaning', () => {
    const base = { chunkId: 'c', docId: 'd', docName: 'report.pdf', path: '/r.pdf', page: 3, pageEnd: 3, start: 0, end: 5, headingPath: [], sectionId: 's', score: 1, text: 't', snippet: 'x', highlights: [] as [number, number][] };
    const byMeaning = [{ ...base, retrievers: ['vector' as const] }, { ...base, chunkId: 'c2', retrievers: ['vector' as const] }];
    const set = (results: typeof byMeaning, mode: 'hybrid' | 'vector' = 'hybrid') =>
      renderWith(<SearchView />, (s) => s.search.setState({ query: 'qwxzyplk', resultsFor: 'qwxzyplk', mode, status: 'done', results, tookMs: 5 })).html;
    expect(set(byMeaning)).toContain('data-testid="meaning-only"');
    // In Meaning mode that is what was asked for; one word match anywhere and the list is ordinary.
    expect(set(byMeaning, 'vector')).not.toContain('meaning-only');
    expect(set([{ ...base, retrievers: ['text', 'vector'] as never }, byMeaning[1]])).not.toContain('meaning-only');
  });

  it('says when an ID that was looked up is in no passage, so a near miss is not taken for it', () => {
    const base = { chunkId: 'c', docId: 'd', docName: 'invoices.txt', path: '/i.txt', page: 1, pageEnd: 1, start: 0, end: 5, headingPath: [], sectionId: 's', score: 1, text: 't', snippet: 'x', highlights: [] as [number, number][] };
    const near = [{ ...base, retrievers: ['text' as const, 'vector' as const] }];
    const html = (missing: string[] | undefined) =>
      renderWith(<SearchView />, (s) => s.search.setState({ query: 'INV-2024-0043', resultsFor: 'INV-2024-0043', mode: 'hybrid', status: 'done', results: near, tookMs: 5, missing })).html;
    expect(html(['INV-2024-0043'])).toContain('No passage contains “INV-2024-0043”. These passages share some of its words.');
    expect(html(undefined)).not.toContain('exact-missing');
  });
});

describe('shell and other views', () => {
  it('has labelled navigation, collections with counts and the connection state', () => {
    const { html } = renderWith(<Sidebar isMac={false} />, (s) => s.library.setState({ documents: [fakeDoc('a', '/a.pdf', 'papers'), fakeDoc('b', '/b.pdf')] }));
    expect(html).toContain('aria-label="Main"');
    expect(html).toContain('title="Search (Ctrl+K)"');
    expect(html).toMatch(/papers<\/span><span class="count"[^>]*>1</);
    expect(html).toContain('Connected');
  });

  it('keeps names as tooltips and accessible names for the narrow sidebar of icons', () => {
    const { html } = renderWith(<Sidebar isMac={false} />, (s) => s.library.setState({ documents: [fakeDoc('a', '/a.pdf', 'papers')] }));
    // The labels are clipped on narrow windows, not removed: they stay the buttons' names.
    expect(html).toMatch(/title="Library \(Ctrl\+1\)"><svg[^]*?<span class="nav-label">Library<\/span>/);
    // A collection is told apart by its initial there, and named by its tooltip.
    expect(html).toMatch(/<button class="collection" title="papers">.*?<span class="collection-initial" aria-hidden="true">P<\/span><span class="collection-name">papers<\/span>/);
    expect(html).toMatch(/data-testid="connection" title="Connected"><span class="dot" aria-hidden="true"><\/span><span class="connection-text">Connected<\/span>/);
  });

  it('counts documents in the library per collection, not files that failed to index', () => {
    const error = { code: 'PDF_MALFORMED' as const, message: 'broken' };
    const { html } = renderWith(<Sidebar isMac={false} />, (s) =>
      s.library.setState({ documents: [fakeDoc('a', '/a.pdf', 'papers'), fakeDoc('b', '/b.pdf', 'papers', { status: 'failed', error }), fakeDoc('c', '/c.pdf')] }),
    );
    expect(html).toMatch(/All documents<\/span><span class="count"[^>]*>2</);
    expect(html).toMatch(/papers<\/span><span class="count"[^>]*>1</);
    expect(html).toMatch(/default<\/span><span class="count"[^>]*>1</);
  });

  it('lists a collection the engine keeps, empty, with a count of 0', () => {
    const { html } = renderWith(<Sidebar isMac={false} />, (s) => s.library.setState({ documents: [fakeDoc('a', '/a.pdf')], collectionNames: ['Finance Q3', 'default'] }));
    expect(html).toMatch(/Finance Q3<\/span><span class="count"[^>]*>0</);
    expect(html).toMatch(/default<\/span><span class="count"[^>]*>1</);
  });

  it('does not count a password failure the document has since got past in the Activity badge', () => {
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'locked.pdf is encrypted', hint: 'Enter the password on the document row, or pass --password.' };
    const jobs = [
      { jobId: 'ok', docId: 'd', path: '/locked.pdf', collection: 'default', state: 'done' as const, attempts: 1, createdAt: '2026-01-02T00:00:00Z', updatedAt: '' },
      { jobId: 'pw', docId: 'd', path: '/locked.pdf', collection: 'default', state: 'failed' as const, attempts: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '', error },
      { jobId: 'bad', docId: 'e', path: '/bad.pdf', collection: 'default', state: 'failed' as const, attempts: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '', error: { code: 'PDF_MALFORMED' as const, message: 'bad' } },
    ];
    const { html } = renderWith(<Sidebar isMac={false} />, (s) => s.library.setState({ documents: [fakeDoc('d', '/locked.pdf'), fakeDoc('e', '/bad.pdf', 'default', { status: 'failed', error: jobs[2]!.error })], jobs }));
    expect(html).toContain('aria-label="1 need attention">1<');
  });

  it('tells a signed-out browser where the login link is', () => {
    expect(renderToStaticMarkup(<SignedOut refused={false} />)).toContain('#token=…');
    expect(renderToStaticMarkup(<SignedOut refused />)).toContain('The access token was refused');
  });

  it('lists the keyboard shortcuts in settings, for the platform', () => {
    const { html } = renderWith(<SettingsView isMac />);
    expect(html).toContain('⌘K');
    expect(html).toContain('role="radiogroup"');
  });

  it('marks the cited range in extracted text', () => {
    const html = renderToStaticMarkup(<TextViewer text="alpha beta gamma" range={[6, 10]} />);
    expect(html).toContain('alpha <mark class="passage" data-testid="passage-highlight">beta</mark> gamma');
  });

  it('groups jobs and offers cancel, and retry only where running again can help', () => {
    const { html } = renderWith(<ActivityView />, (s) =>
      s.library.setState({
        jobs: [
          { jobId: '1', path: '/a.pdf', collection: 'default', state: 'running', attempts: 1, createdAt: '', updatedAt: '' },
          { jobId: '2', path: '/b.pdf', collection: 'default', state: 'failed', attempts: 1, createdAt: '', updatedAt: '', error: { code: 'PDF_MALFORMED', message: 'b.pdf is damaged' } },
          { jobId: '3', path: '/c.pdf', collection: 'default', state: 'failed', attempts: 3, createdAt: '', updatedAt: '', error: { code: 'STORE_FAILED', message: 'c.pdf could not be written' } },
        ],
      }),
    );
    expect(html).toContain('In progress');
    expect(html).toContain('Cancel');
    expect(html).toContain('b.pdf is damaged');
    expect(count(html, '> Retry</button>')).toBe(1);
    expect(html.slice(html.indexOf('title="/c.pdf"'))).toContain('> Retry</button>');
  });

  it('offers no Retry for unsupported formats, as the Library does', () => {
    const jobs = ['sheet.xlsx', 'book.epub', 'letter.rtf'].map((name, i) => ({ jobId: `u${i}`, path: `/${name}`, collection: 'default', state: 'failed' as const, attempts: 1, createdAt: '', updatedAt: '', error: { code: 'UNSUPPORTED_TYPE' as const, message: `${name}: this file type is not supported` } }));
    const { html } = renderWith(<ActivityView />, (s) => s.library.setState({ jobs }));
    expect(html).toMatch(/Failed <span class="count">3</);
    expect(html).not.toContain('Retry');
  });

  it('moves a password failure to Finished once a later run unlocked the document, and asks for a password, not Retry, while it stands', () => {
    const error = { code: 'PDF_PASSWORD_REQUIRED' as const, message: 'locked.pdf is encrypted', hint: 'Enter the password on the document row, or pass --password.' };
    const failed = { jobId: 'pw', docId: 'd', path: '/locked.pdf', collection: 'default', state: 'failed' as const, attempts: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '', error };
    const standing = renderWith(<ActivityView />, (s) => s.library.setState({ documents: [fakeDoc('d', '/locked.pdf', 'default', { status: 'failed', error })], jobs: [failed] })).html;
    expect(standing).toMatch(/Failed <span class="count">1</);
    expect(standing).toContain('Enter password');
    expect(standing).not.toContain('Retry');
    expect(standing).not.toContain('--password');
    const done = { ...failed, jobId: 'ok', state: 'done' as const, createdAt: '2026-01-02T00:00:00Z', error: undefined };
    const resolved = renderWith(<ActivityView />, (s) => s.library.setState({ documents: [fakeDoc('d', '/locked.pdf')], jobs: [done, failed] })).html;
    expect(resolved).not.toContain('aria-label="Failed"');
    expect(resolved).toMatch(/Finished <span class="count">2</);
    expect(resolved).toContain('failed · resolved by a later run');
    expect(resolved).not.toContain('Enter password');
  });

  it('offers Dismiss on failed and finished jobs, not on running ones, and Clear finished for the finished list', () => {
    const base = { collection: 'default', attempts: 1, createdAt: '', updatedAt: '2026-01-01T00:00:00Z' } as const;
    const { html } = renderWith(<ActivityView />, (s) =>
      s.library.setState({
        jobs: [
          { ...base, jobId: '1', path: '/a.pdf', state: 'running' },
          { ...base, jobId: '2', path: '/b.pdf', state: 'failed', error: { code: 'PDF_MALFORMED', message: 'b.pdf is damaged' } },
          { ...base, jobId: '3', path: '/c.pdf', state: 'done' },
        ],
      }),
    );
    expect(html).not.toContain('aria-label="Dismiss a.pdf"');
    expect(html).toContain('aria-label="Dismiss b.pdf"');
    expect(html).toContain('aria-label="Dismiss c.pdf"');
    expect(html).toContain('Clear finished');
  });

  it('leaves out the jobs cleared from it, and says so when nothing is left', () => {
    const job = { jobId: 'c', path: '/c.pdf', collection: 'default', state: 'done' as const, attempts: 1, createdAt: '', updatedAt: '2026-01-01T00:00:00Z' };
    const { html } = renderWith(<ActivityView />, (s) => s.library.setState({ jobs: [job], cleared: { ids: new Set(), finishedThrough: '2026-01-01T00:00:00Z' } }));
    expect(html).not.toContain('data-testid="job"');
    expect(html).not.toContain('Clear finished');
    expect(html).toContain('Nothing needs attention');
    expect(html).toContain('0 jobs');
  });
});
