import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchResult } from '../../../../../contract';
import { createSearchStore, FIRST_PAGE, highlightParts, MAX_RESULTS, MORE_STEP, rerankNote } from '../../../../../renderer/features/search/store';
import { FakeClient } from '../../fake-client';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const hit = (id: string): SearchResult => ({
  chunkId: id, docId: 'd', docName: 'a.pdf', path: '/a.pdf', page: 2, pageEnd: 2, start: 0, end: 10, headingPath: [], sectionId: 's', score: 1, text: 't', snippet: 's', highlights: [], retrievers: ['text'],
});

describe('search store', () => {
  it('waits for a pause in typing, then runs one query with the filters', async () => {
    const client = new FakeClient();
    client.handlers['search.query'] = (q) => ({ query: q.query, mode: q.mode ?? 'hybrid', tookMs: 3, results: [hit('c1')] });
    const s = createSearchStore(client, { debounceMs: 100 });
    s.getState().setFilters({ format: 'pdf' });
    for (const q of ['c', 'cl', 'cli', 'clim']) s.getState().setQuery(q);
    await vi.advanceTimersByTimeAsync(150);
    const calls = client.calls.filter((c) => c.method === 'search.query');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toMatchObject({ query: 'clim', filters: { format: 'pdf' }, mode: 'hybrid' });
    expect(s.getState()).toMatchObject({ status: 'done', resultsFor: 'clim', selected: 0 });
  });

  it('drops an answer to a query that has since been replaced', async () => {
    const client = new FakeClient();
    const pending: Record<string, (v: ReturnType<typeof answer>) => void> = {};
    const answer = (q: string) => ({ query: q, mode: 'hybrid' as const, tookMs: 1, results: [hit(q)] });
    client.handlers['search.query'] = (q) => new Promise((resolve) => (pending[q.query] = resolve));
    const s = createSearchStore(client);
    s.getState().setQuery('old');
    await vi.advanceTimersByTimeAsync(1);
    s.getState().setQuery('new');
    void s.getState().runNow(); // Enter does not wait for the running query
    await vi.advanceTimersByTimeAsync(1);
    pending.new!(answer('new'));
    await vi.advanceTimersByTimeAsync(0);
    pending.old!(answer('old'));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState().results.map((r) => r.chunkId)).toEqual(['new']);
  });

  it('searches the first keystroke at once and folds the keystrokes typed meanwhile into one query', async () => {
    const client = new FakeClient();
    const pending: Record<string, (v: ReturnType<typeof answer>) => void> = {};
    const answer = (q: string) => ({ query: q, mode: 'hybrid' as const, tookMs: 1, results: [hit(q)] });
    client.handlers['search.query'] = (q) => new Promise((resolve) => (pending[q.query] = resolve));
    const s = createSearchStore(client);
    s.getState().setQuery('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.calls.map((c) => (c.input as { query: string }).query)).toEqual(['c']);
    for (const q of ['cl', 'cli', 'clim']) {
      s.getState().setQuery(q);
      await vi.advanceTimersByTimeAsync(5);
    }
    // Nothing more is sent while 'c' runs: one query at a time.
    expect(client.calls).toHaveLength(1);
    pending.c!(answer('c'));
    await vi.advanceTimersByTimeAsync(0);
    expect(client.calls.map((c) => (c.input as { query: string }).query)).toEqual(['c', 'clim']);
    pending.clim!(answer('clim'));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState()).toMatchObject({ status: 'done', resultsFor: 'clim' });
    expect(s.getState().results.map((r) => r.chunkId)).toEqual(['clim']);
  });

  it('asks for a screenful first and more on request, keeping the selection; a new query starts over', async () => {
    const client = new FakeClient();
    client.handlers['search.query'] = (q) => ({ query: q.query, mode: 'hybrid', tookMs: 1, results: Array.from({ length: q.k ?? 10 }, (_, i) => hit(`${q.query}-${i}`)) });
    const s = createSearchStore(client);
    s.getState().setQuery('pump');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState().results).toHaveLength(FIRST_PAGE);
    s.getState().select(FIRST_PAGE - 1);
    await s.getState().more();
    expect(s.getState().results).toHaveLength(FIRST_PAGE + MORE_STEP);
    expect(s.getState().selected).toBe(FIRST_PAGE - 1);
    for (let i = 0; i < 10; i++) await s.getState().more();
    expect(s.getState().limit).toBe(MAX_RESULTS);
    expect(s.getState().results).toHaveLength(MAX_RESULTS);
    s.getState().setQuery('valve');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState()).toMatchObject({ limit: FIRST_PAGE, selected: 0, resultsFor: 'valve' });
    const ks = client.calls.map((c) => (c.input as { k: number }).k);
    expect(ks[0]).toBe(FIRST_PAGE);
    expect(ks.at(-1)).toBe(FIRST_PAGE);
    expect(Math.max(...ks)).toBe(MAX_RESULTS);
  });

  it('selects a result the pointer moves over, but not on events where the pointer stayed put', async () => {
    const client = new FakeClient();
    client.handlers['search.query'] = (q) => ({ query: q.query, mode: 'hybrid', tookMs: 1, results: Array.from({ length: 5 }, (_, i) => hit(`${q.query}-${i}`)) });
    const s = createSearchStore(client);
    s.getState().setQuery('pump');
    await vi.advanceTimersByTimeAsync(0);
    s.getState().pointTo(3, { x: 40, y: 300 });
    expect(s.getState().selected).toBe(3);
    // New results under the still pointer: the top one is selected, and a mousemove the browser
    // sends where the pointer already was does not change that.
    s.getState().setQuery('pump valve');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.getState()).toMatchObject({ resultsFor: 'pump valve', selected: 0 });
    s.getState().pointTo(3, { x: 40, y: 300 });
    expect(s.getState().selected).toBe(0);
    // A real move does.
    s.getState().pointTo(2, { x: 40, y: 260 });
    expect(s.getState().selected).toBe(2);
  });

  it('clears results for an empty query without calling the engine', async () => {
    const client = new FakeClient();
    const s = createSearchStore(client, { debounceMs: 10 });
    s.getState().setQuery('   ');
    await vi.advanceTimersByTimeAsync(20);
    expect(client.calls).toHaveLength(0);
    expect(s.getState().status).toBe('idle');
  });

  it('keeps the error to show it, and moves the selection within bounds', async () => {
    const client = new FakeClient();
    client.handlers['search.query'] = () => ({ query: 'q', mode: 'hybrid', tookMs: 1, results: [hit('a'), hit('b')] });
    const s = createSearchStore(client, { debounceMs: 10 });
    s.getState().setQuery('q');
    await s.getState().runNow();
    s.getState().move(1);
    s.getState().move(1);
    expect(s.getState().selected).toBe(1);
    s.getState().move(-5);
    expect(s.getState().selected).toBe(0);
    client.handlers['search.query'] = () => {
      throw new Error('index missing');
    };
    await s.getState().runNow();
    expect(s.getState()).toMatchObject({ status: 'error', error: { message: 'index missing' } });
  });
});

describe('highlightParts', () => {
  it('marks the spans and drops the «» markers the engine wraps them in', () => {
    const snippet = '…the «climate» of «Mars» today';
    const spans: [number, number][] = [
      [5, 14],
      [18, 24],
    ];
    expect(highlightParts(snippet, spans)).toEqual([
      { text: '…the ', hit: false },
      { text: 'climate', hit: true },
      { text: ' of ', hit: false },
      { text: 'Mars', hit: true },
      { text: ' today', hit: false },
    ]);
  });
  it('survives overlapping or out-of-range spans', () => {
    expect(highlightParts('abcdef', [[1, 4], [2, 3], [5, 99]]).map((p) => p.text).join('')).toBe('abcdef');
    expect(highlightParts('«x»', [])).toEqual([{ text: 'x', hit: false }]);
  });
});

describe('rerank status', () => {
  it('keeps what reranking did with the results, and clears it with them', async () => {
    const client = new FakeClient();
    const rerank = { applied: false, reason: 'model-missing' as const, candidates: 0, tookMs: 0, message: 'No reranker model is set: choose one in Settings.' };
    client.handlers['search.query'] = (q) => ({ query: q.query, mode: 'hybrid', tookMs: 3, results: [hit('c1')], rerank });
    const s = createSearchStore(client);
    s.getState().setQuery('scurvy');
    await vi.advanceTimersByTimeAsync(10);
    expect(s.getState().rerank).toEqual(rerank);
    s.getState().setQuery('');
    await vi.advanceTimersByTimeAsync(10);
    expect(s.getState().rerank).toBeUndefined();
  });

  it('says in a few words what happened, and warns when a rerank was skipped', () => {
    expect(rerankNote(undefined)).toBeUndefined();
    expect(rerankNote({ applied: true, reason: 'applied', candidates: 30, tookMs: 182.4, model: 'ms-marco-minilm' })).toEqual({ text: 'reranked (30) in 182 ms', warning: false, detail: 'Cross-encoder: ms-marco-minilm' });
    const partial = rerankNote({ applied: true, reason: 'partial', candidates: 12, tookMs: 1300, message: 'Only the top 12 of 30 candidates were reranked within the 300 ms budget.' });
    expect(partial).toEqual({ text: 'top 12 reranked (time budget) in 1.3 s', warning: false, detail: 'Only the top 12 of 30 candidates were reranked within the 300 ms budget.' });
    expect(rerankNote({ applied: false, reason: 'budget', candidates: 0, tookMs: 300, message: 'Reranking took longer than its 300 ms budget; the fused order was kept.' })).toMatchObject({ text: 'not reranked: over the time budget', warning: true });
    expect(rerankNote({ applied: false, reason: 'load-failed', candidates: 0, tookMs: 4, message: 'bad onnx' })).toEqual({ text: 'not reranked: the model failed to load', warning: true, detail: 'bad onnx' });
    // One result has nothing to reorder: said, not warned about.
    expect(rerankNote({ applied: false, reason: 'too-few', candidates: 1, tookMs: 0 })).toMatchObject({ warning: false });
  });
});
