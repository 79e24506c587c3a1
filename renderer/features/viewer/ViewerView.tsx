import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageText, SearchResult } from '../../../contract';
import { useApp, useStores } from '../../app/context';
import type { SourceTarget } from '../../app/store';
import { errorInfo } from '../../api/client';
import { PromptDialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { pageHighlight } from './match';
import { PdfViewer } from './PdfViewer';
import { focusPage, MAX_FOCUS_PAGES, pageRangeLabel, passageNeighbours, type MatchHint } from './target';
import { TextViewer } from './TextViewer';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/** The next zoom step up or down from the current scale. */
export function stepZoom(scale: number, dir: 1 | -1): number {
  if (dir > 0) return ZOOMS.find((z) => z > scale + 0.01) ?? ZOOMS.at(-1)!;
  return [...ZOOMS].reverse().find((z) => z < scale - 0.01) ?? ZOOMS[0]!;
}

/**
 * The search result a target was opened from, for its matched terms. Search opens a result with
 * its page range and offsets only, so it is found again among the results on show; a citation
 * or a library document has none (nor does a result of a search made since).
 */
export function searchHint(results: readonly SearchResult[], target: SourceTarget): MatchHint | undefined {
  const r = results.find((x) => x.docId === target.docId && x.page === target.page && x.pageEnd === target.pageEnd && x.start === target.start && x.end === target.end);
  return r && { snippet: r.snippet, highlights: r.highlights };
}

function Viewer({ target, startPage }: { target: SourceTarget; startPage: number }) {
  const { client } = useStores();
  const closeSource = useApp((s) => s.closeSource);
  const [page, setPage] = useState(startPage);
  const [pageInput, setPageInput] = useState(String(startPage));
  const [pages, setPages] = useState<number>();
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [scale, setScale] = useState(1);
  const [mode, setMode] = useState<'page' | 'text'>('page');
  const [pageText, setPageText] = useState<PageText>();
  const [error, setError] = useState<string>();
  const [found, setFound] = useState<boolean>();
  const [prompt, setPrompt] = useState<{ wrong: boolean; resolve: (pw: string | undefined) => void }>();
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => backRef.current?.focus(), []);

  useEffect(() => {
    let cancelled = false;
    client
      .call('library.page', { docId: target.docId, page })
      .then((t) => {
        if (cancelled) return;
        setPageText(t);
        setPages((p) => p ?? t.pages);
        setError(undefined);
      })
      .catch((e: unknown) => !cancelled && setError(errorInfo(e).message));
    return () => {
      cancelled = true;
    };
  }, [client, target.docId, page]);

  const go = (p: number): void => {
    const n = Math.min(Math.max(1, p), pages ?? p);
    setPage(n);
    setPageInput(String(n));
    // Whether the passage was placed is the new page's to say.
    if (n !== page) setFound(undefined);
  };
  const askPassword = useCallback((wrong: boolean) => new Promise<string | undefined>((resolve) => setPrompt({ wrong, resolve })), []);

  const isPdf = pageText?.format === 'pdf';
  // The passage's part on this page (it may start on an earlier page or end on a later one).
  const highlight = pageText && pageText.page === page ? pageHighlight(pageText.text, page, target) : undefined;
  const range = highlight?.range;
  const passage = highlight?.passage;
  const showText = !isPdf || mode === 'text';
  // Where the rest of a passage over a page break is: without this, a page showing only its
  // first lines gave no sign that the words searched for were on the next page.
  const neighbours = passageNeighbours(page, target);

  return (
    <section className="view viewer" aria-labelledby="viewer-title">
      <header className="toolbar">
        <div className="toolbar-title">
          <button ref={backRef} className="icon-btn" aria-label="Back (Esc)" title="Back (Esc)" onClick={closeSource}>
            <Icon name="back" />
          </button>
          <h1 id="viewer-title" className="viewer-title" title={target.docName}>
            {target.docName}
          </h1>
        </div>
        <div className="toolbar-actions">
          <nav className="pager" aria-label="Pages">
            <button className="icon-btn" aria-label="Previous page" disabled={page <= 1} onClick={() => go(page - 1)}>
              <Icon name="chevronLeft" />
            </button>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                go(Number(pageInput) || page);
              }}
            >
              <input className="input page-input" aria-label="Page number" inputMode="numeric" value={pageInput} onChange={(e) => setPageInput(e.target.value)} data-testid="page-input" />
            </form>
            <span className="count">of {pages ?? '…'}</span>
            <button className="icon-btn" aria-label="Next page" disabled={pages !== undefined && page >= pages} onClick={() => go(page + 1)}>
              <Icon name="chevronRight" />
            </button>
          </nav>
          {isPdf && (
            <>
              {/* Zoom scales the page image; the extracted text has nothing for it to do. */}
              {mode === 'page' && (
                <div className="zoom" role="group" aria-label="Zoom">
                  <button className="icon-btn" aria-label="Zoom out" onClick={() => setZoom(stepZoom(scale, -1))}>
                    <Icon name="zoomOut" />
                  </button>
                  <span className="count zoom-value" aria-live="polite">
                    {Math.round(scale * 100)}%
                  </span>
                  <button className="icon-btn" aria-label="Zoom in" onClick={() => setZoom(stepZoom(scale, 1))}>
                    <Icon name="zoomIn" />
                  </button>
                  <button className={`btn btn-small${zoom === 'fit' ? ' on' : ''}`} onClick={() => setZoom('fit')}>
                    Fit width
                  </button>
                </div>
              )}
              <div className="segmented" role="radiogroup" aria-label="Show">
                <button role="radio" aria-checked={mode === 'page'} className={mode === 'page' ? 'on' : ''} onClick={() => setMode('page')}>
                  Page
                </button>
                <button role="radio" aria-checked={mode === 'text'} className={mode === 'text' ? 'on' : ''} onClick={() => setMode('text')}>
                  Text
                </button>
              </div>
            </>
          )}
        </div>
      </header>
      {passage && isPdf && mode === 'page' && found === false && (
        <div className="banner banner-warn" role="status">
          The passage could not be placed on the page image.{' '}
          <button className="link" onClick={() => setMode('text')}>
            Show it in the extracted text
          </button>
        </div>
      )}
      {(neighbours.previous !== undefined || neighbours.next !== undefined) && (
        <nav className="passage-nav" aria-label="Passage" data-testid="passage-nav">
          <span className="passage-nav-note">The passage runs over {pageRangeLabel(target.page, target.pageEnd)}.</span>
          {neighbours.previous !== undefined && (
            <button className="btn btn-small" onClick={() => go(neighbours.previous!)} data-testid="passage-previous">
              <Icon name="chevronLeft" /> {neighbours.previous === target.page ? 'Passage starts on' : 'Passage continues from'} page {neighbours.previous}
            </button>
          )}
          {neighbours.next !== undefined && (
            <button className="btn btn-small btn-primary" onClick={() => go(neighbours.next!)} data-testid="passage-next">
              Passage continues on page {neighbours.next} <Icon name="chevronRight" />
            </button>
          )}
        </nav>
      )}
      <div className="view-body viewer-body" data-testid="viewer" data-page={page}>
        {error ? (
          <EmptyState icon="alert" title="This page could not be loaded">
            <p>{error}</p>
          </EmptyState>
        ) : !pageText ? (
          <div className="loading" aria-busy="true">
            Loading…
          </div>
        ) : showText ? (
          <TextViewer text={pageText.text} range={range} />
        ) : (
          <PdfViewer
            client={client}
            docId={target.docId}
            page={page}
            zoom={zoom}
            passage={passage}
            onLoaded={setPages}
            onScale={setScale}
            askPassword={askPassword}
            onHighlight={setFound}
          />
        )}
      </div>
      {prompt && (
        <PromptDialog
          title={prompt.wrong ? 'Wrong password — try again' : 'This PDF is encrypted'}
          description="Enter its password to display it. The password is not stored."
          label="Password"
          type="password"
          submitLabel="Open"
          onSubmit={(pw) => {
            prompt.resolve(pw);
            setPrompt(undefined);
          }}
          onClose={() => {
            prompt.resolve(undefined);
            setPrompt(undefined);
          }}
        />
      )}
    </section>
  );
}

/** The source viewer: the cited page with the passage highlighted. */
export function ViewerView() {
  const source = useApp((s) => s.source);
  if (!source) {
    return (
      <section className="view">
        <EmptyState icon="file" title="No document open">
          <p>Open a search result or a document from the library to see it here.</p>
        </EmptyState>
      </section>
    );
  }
  // A new target remounts the viewer, which resets page, zoom and mode.
  return <Opening key={`${source.docId}:${source.page}:${source.pageEnd}:${source.start}:${source.end}`} target={source} />;
}

/**
 * Chooses the page to open at, then shows the viewer there. A search result over a page break
 * opens where its matched words are (see focusPage), which needs the text of its pages first;
 * anything else opens at its first page at once.
 */
function Opening({ target }: { target: SourceTarget }) {
  const { client, app, search } = useStores();
  // Read once: the results on show when the target was opened are the ones it came from.
  const [hint] = useState(() =>
    app.getState().previousView === 'search' && target.pageEnd > target.page && target.pageEnd - target.page < MAX_FOCUS_PAGES ? searchHint(search.getState().results, target) : undefined,
  );
  const [start, setStart] = useState<number | undefined>(hint ? undefined : target.page);

  useEffect(() => {
    if (!hint) return;
    let cancelled = false;
    const pages = Array.from({ length: target.pageEnd - target.page + 1 }, (_, i) => target.page + i);
    Promise.all(pages.map((page) => client.call('library.page', { docId: target.docId, page }).then((t) => [page, t.text] as const)))
      .then((texts) => !cancelled && setStart(focusPage(target, new Map(texts), hint)))
      // The viewer reports a page that cannot be loaded; here the first page is as good as any.
      .catch(() => !cancelled && setStart(target.page));
    return () => {
      cancelled = true;
    };
  }, [client, target, hint]);

  if (start === undefined) {
    return (
      <section className="view viewer" aria-busy="true">
        <div className="loading">Opening {target.docName}…</div>
      </section>
    );
  }
  return <Viewer target={target} startPage={start} />;
}
