import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { FileFormat, SearchMode, SearchResult } from '../../../contract';
import { useApp, useLibrary, useSearch, useStores } from '../../app/context';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { exactTierEnd, hasQuotedPhrase, highlightParts, MAX_RESULTS, missingNotice, onlyByMeaning, rerankNote } from './store';

const MODES: { value: SearchMode; label: string }[] = [
  { value: 'hybrid', label: 'Hybrid' },
  { value: 'text', label: 'Keyword' },
  { value: 'vector', label: 'Meaning' },
];

const FORMATS: { value: FileFormat | ''; label: string }[] = [
  { value: '', label: 'Any type' },
  { value: 'pdf', label: 'PDF' },
  { value: 'docx', label: 'Word' },
  { value: 'markdown', label: 'Markdown' },
  { value: 'html', label: 'HTML' },
  { value: 'text', label: 'Text' },
];

/** A snippet with its matched terms in <mark>. */
export function Snippet({ result }: { result: Pick<SearchResult, 'snippet' | 'highlights'> }) {
  const parts = useMemo(() => highlightParts(result.snippet, result.highlights), [result.snippet, result.highlights]);
  return (
    <p className="snippet">
      {parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </p>
  );
}

function pageLabel(r: SearchResult): string {
  return r.pageEnd > r.page ? `pp. ${r.page}–${r.pageEnd}` : `p. ${r.page}`;
}

/** Search as you type, with filters, highlighted snippets and keyboard navigation. */
export function SearchView() {
  const { search } = useStores();
  const query = useSearch((s) => s.query);
  const mode = useSearch((s) => s.mode);
  const filters = useSearch((s) => s.filters);
  const results = useSearch((s) => s.results);
  const status = useSearch((s) => s.status);
  const error = useSearch((s) => s.error);
  const tookMs = useSearch((s) => s.tookMs);
  const rerank = useSearch((s) => s.rerank);
  const missing = useSearch((s) => s.missing);
  const resultsFor = useSearch((s) => s.resultsFor);
  const selected = useSearch((s) => s.selected);
  const limit = useSearch((s) => s.limit);
  const focusSearch = useApp((s) => s.focusSearch);
  const openSource = useApp((s) => s.openSource);
  const documents = useLibrary((s) => s.documents);
  const exactEnd = exactTierEnd(results);
  const collections = useMemo(() => [...new Set(documents.map((d) => d.collection))].sort(), [documents]);
  const tags = useMemo(() => [...new Set(documents.flatMap((d) => d.tags))].sort((a, b) => a.localeCompare(b)), [documents]);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusSearch]);

  useEffect(() => {
    list.current?.querySelector(`[data-index="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const open = (r: SearchResult): void =>
    openSource({ docId: r.docId, docName: r.docName, page: r.page, pageEnd: r.pageEnd, start: r.start, end: r.end });

  const onKey = (e: KeyboardEvent): void => {
    const s = search.getState();
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      // Past the last result of a full page, the next page comes (selection stays put until then).
      if (s.selected === s.results.length - 1 && s.results.length >= s.limit && s.limit < MAX_RESULTS && s.status === 'done') void s.more();
      s.move(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      s.move(-1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = s.results[s.selected];
      if (r && s.resultsFor === s.query.trim()) open(r);
      else void s.runNow();
    }
  };

  const activeId = results.length ? `result-${selected}` : undefined;
  return (
    <section className="view" aria-labelledby="search-title">
      <header className="toolbar toolbar-search">
        <h1 id="search-title" className="visually-hidden">
          Search
        </h1>
        <div className="search-box">
          <Icon name="search" />
          <input
            ref={input}
            className="search-input"
            type="search"
            placeholder="Search your documents"
            aria-label="Search your documents"
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls="search-results"
            aria-activedescendant={activeId}
            aria-autocomplete="list"
            value={query}
            onChange={(e) => search.getState().setQuery(e.target.value)}
            onKeyDown={onKey}
            data-testid="search-input"
          />
          {status === 'searching' && <span className="spinner" aria-label="Searching" />}
        </div>
        <div className="filters" role="group" aria-label="Search filters">
          <div className="segmented" role="radiogroup" aria-label="Search mode">
            {MODES.map((m) => (
              <button key={m.value} role="radio" aria-checked={mode === m.value} className={mode === m.value ? 'on' : ''} onClick={() => search.getState().setMode(m.value)}>
                {m.label}
              </button>
            ))}
          </div>
          <select className="select" aria-label="Collection" value={filters.collection ?? ''} onChange={(e) => search.getState().setFilters({ ...filters, collection: e.target.value || undefined })}>
            <option value="">All collections</option>
            {collections.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          {(tags.length > 0 || (filters.tags?.length ?? 0) > 0) && (
            <select
              className="select"
              aria-label="Tag"
              data-testid="tag-filter"
              value={filters.tags?.[0] ?? ''}
              onChange={(e) => search.getState().setFilters({ ...filters, tags: e.target.value ? [e.target.value] : undefined })}
            >
              <option value="">Any tag</option>
              {[...new Set([...tags, ...(filters.tags ?? [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
          <select className="select" aria-label="File type" value={filters.format ?? ''} onChange={(e) => search.getState().setFilters({ ...filters, format: (e.target.value || undefined) as FileFormat | undefined })}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
          {status === 'done' && (
            <span className="count" data-testid="result-count">
              {results.length} result{results.length === 1 ? '' : 's'} · {Math.round(tookMs ?? 0)} ms
            </span>
          )}
          {status === 'done' && <RerankStatus note={rerankNote(rerank)} />}
        </div>
      </header>
      <div className="view-body">
        {error ? (
          <EmptyState icon="alert" title="Search failed">
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EmptyState>
        ) : !query.trim() ? (
          <EmptyState icon="search" title="Search everything you have added">
            <p>Type a question or a few words. Results appear as you type; ↑ ↓ choose one and Enter opens it at the cited page.</p>
            <p>Put a phrase in "quotes" to find it exactly.</p>
          </EmptyState>
        ) : status === 'done' && results.length === 0 && resultsFor === query.trim() ? (
          <EmptyState icon="search" title={`Nothing found for “${resultsFor}”`}>
            {hasQuotedPhrase(resultsFor ?? '') ? (
              <p>No passage contains the quoted words in exactly that order. Remove the quotes to find passages with the words anywhere.</p>
            ) : (
              <p>Try other words, or a different mode or filter. Documents still being indexed are searchable once their row says Ready.</p>
            )}
          </EmptyState>
        ) : (
          <>
            {status === 'done' && resultsFor === query.trim() && missing?.length ? (
              <p className="search-notice" role="status" data-testid="exact-missing">
                {missingNotice(missing, onlyByMeaning(results, mode))}
              </p>
            ) : (
              status === 'done' &&
              resultsFor === query.trim() &&
              onlyByMeaning(results, mode) && (
                <p className="search-notice" role="status" data-testid="meaning-only">
                  No passage contains these words. These are the passages closest in meaning.
                </p>
              )
            )}
            <ul ref={list} id="search-results" className="results" role="listbox" aria-label="Search results" data-testid="results">
              {results.map((r, i) => [
                i === exactEnd && (
                  <li key="exact-divider" className="results-divider" role="presentation" data-testid="results-divider">
                    Other passages, without the exact match
                  </li>
                ),
                <li
                  key={r.chunkId}
                  id={`result-${i}`}
                  data-index={i}
                  role="option"
                  aria-selected={i === selected}
                  className={`result${i === selected ? ' selected' : ''}`}
                  // Movement, not entry: new results appearing under a still pointer must not take the selection.
                  onMouseMove={(e) => search.getState().pointTo(i, { x: e.screenX, y: e.screenY })}
                  onClick={() => open(r)}
                  data-testid="result"
                >
                  <div className="result-head">
                    <Icon name="file" />
                    <span className="result-doc">{r.docName}</span>
                    <span className="result-page" data-testid="result-page">
                      {pageLabel(r)}
                    </span>
                    {r.headingPath.length > 0 && <span className="result-heading">{r.headingPath.join(' › ')}</span>}
                  </div>
                  <Snippet result={r} />
                </li>,
              ])}
              {results.length >= limit && limit < MAX_RESULTS && resultsFor === query.trim() && (
                <li className="results-more" role="presentation">
                  <button className="btn" data-testid="more-results" disabled={status === 'searching'} onClick={() => void search.getState().more()}>
                    More results
                  </button>
                </li>
              )}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

/** What reranking did for the results shown; a skipped rerank is a warning with its reason. */
function RerankStatus({ note }: { note: ReturnType<typeof rerankNote> }) {
  if (!note) return null;
  return (
    <span className={note.warning ? 'count rerank-warning' : 'count'} title={note.detail} data-testid="rerank-status" role={note.warning ? 'status' : undefined}>
      {note.text}
    </span>
  );
}
