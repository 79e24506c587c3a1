import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ErrorInfo, FileFormat, RerankInfo, SearchMode, SearchResult } from '../../../contract';
import { errorInfo, type QuarryClient } from '../../api/client';

export interface SearchFiltersState {
  collection?: string;
  format?: FileFormat;
  tags?: string[];
}

export interface SearchState {
  query: string;
  mode: SearchMode;
  filters: SearchFiltersState;
  results: SearchResult[];
  tookMs: number | undefined;
  /** What cross-encoder reranking did for these results (absent when it is off). */
  rerank: RerankInfo | undefined;
  /** The IDs, codes or quoted phrases of the query that no passage holds (see SearchResults). */
  missing: string[] | undefined;
  /** The query the results belong to (they may lag behind what is typed). */
  resultsFor: string;
  status: 'idle' | 'searching' | 'done' | 'error';
  error: ErrorInfo | undefined;
  /** Index of the highlighted result, for keyboard navigation. */
  selected: number;
  /** How many results to ask for: a first screenful, more on request. */
  limit: number;
  setQuery(query: string): void;
  setMode(mode: SearchMode): void;
  setFilters(filters: SearchFiltersState): void;
  /** Searches now (Enter), without waiting for the typing pause. */
  runNow(): Promise<void>;
  /** Asks for more results of the same query, keeping the selection. */
  more(): Promise<void>;
  move(delta: number): void;
  select(index: number): void;
  /**
   * The pointer moved over result `index`, at screen position `at`: selects it, unless the
   * pointer is where it last was (see the store).
   */
  pointTo(index: number, at: { x: number; y: number }): void;
}

export type SearchStore = StoreApi<SearchState>;

/**
 * Results asked for as you type: a screenful. The engine's work grows with k (candidates per
 * retriever are max(50, 5k), and each result gets a snippet): at 100k chunks hybrid search took
 * p50 29 ms for k=10 and 54-69 ms for k=30 in the same run. More come on request.
 */
export const FIRST_PAGE = 12;
/** Each "more results" adds this many, up to MAX_RESULTS. */
export const MORE_STEP = 24;
export const MAX_RESULTS = 96;

/**
 * Search as you type, with at most one query in flight: a keystroke searches at once when the
 * engine is free; keystrokes made while a query runs collapse into one follow-up query for the
 * latest text, sent as soon as the running one answers. Answers to queries that have since been
 * replaced are dropped, so results never jump back.
 *
 * Why not a typing pause (debounce): the pause is spent before any work starts. At 120 ms it
 * alone used more than the 100 ms keystroke-to-results budget, at 25 ms it was still a quarter
 * of the typical figure (bench/ui-browser.ts), and it let requests for successive keystrokes
 * overlap and compete for the engine's cores. `debounceMs` keeps a pause for callers that want
 * one.
 */
export function createSearchStore(client: QuarryClient, opts: { debounceMs?: number; k?: number } = {}): SearchStore {
  const debounceMs = opts.debounceMs ?? 0;
  const firstPage = opts.k ?? FIRST_PAGE;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let queued = false;
  // Where the pointer last was over the results. Results rendered under a still pointer get
  // hover events (mouseenter, and in some browsers a mousemove at the same spot) although the
  // user did nothing; selecting on those made Enter open whatever landed under the mouse.
  let pointer: { x: number; y: number } | undefined;

  return createStore<SearchState>()((set, get) => {
    const run = async (keepSelection = false): Promise<void> => {
      clearTimeout(timer);
      timer = undefined;
      queued = false;
      const { query, mode, filters, limit } = get();
      const q = query.trim();
      const mine = ++seq;
      if (!q) {
        set({ results: [], status: 'idle', error: undefined, resultsFor: '', tookMs: undefined, rerank: undefined, missing: undefined, selected: 0 });
        return;
      }
      set({ status: 'searching' });
      inFlight = true;
      try {
        const res = await client.call('search.query', { query: q, mode, k: limit, filters });
        if (mine !== seq) return;
        const selected = keepSelection ? Math.min(get().selected, Math.max(0, res.results.length - 1)) : 0;
        set({ results: res.results, tookMs: res.tookMs, rerank: res.rerank, missing: res.missing, resultsFor: q, status: 'done', error: undefined, selected });
      } catch (e) {
        if (mine !== seq) return;
        set({ status: 'error', error: errorInfo(e), results: [], rerank: undefined, missing: undefined, resultsFor: q });
      } finally {
        inFlight = false;
        if (queued) void run();
      }
    };
    const later = (): void => {
      clearTimeout(timer);
      // A zero pause still batches changes made in one task (a filter and a query together).
      timer = setTimeout(() => {
        timer = undefined;
        if (inFlight) queued = true;
        else void run();
      }, debounceMs);
    };
    return {
      query: '',
      mode: 'hybrid',
      filters: {},
      results: [],
      tookMs: undefined,
      rerank: undefined,
      missing: undefined,
      resultsFor: '',
      status: 'idle',
      error: undefined,
      selected: 0,
      limit: firstPage,
      setQuery: (query) => {
        set({ query, limit: firstPage });
        later();
      },
      setMode: (mode) => {
        set({ mode, limit: firstPage });
        later();
      },
      setFilters: (filters) => {
        set({ filters, limit: firstPage });
        later();
      },
      runNow: () => run(),
      more: async () => {
        const { limit } = get();
        if (limit >= MAX_RESULTS) return;
        set({ limit: Math.min(MAX_RESULTS, limit + MORE_STEP) });
        await run(true);
      },
      move: (delta) => {
        const n = get().results.length;
        if (!n) return;
        set((s) => ({ selected: Math.min(n - 1, Math.max(0, s.selected + delta)) }));
      },
      select: (selected) => set({ selected }),
      pointTo: (index, at) => {
        if (pointer && pointer.x === at.x && pointer.y === at.y) return;
        pointer = { ...at };
        if (get().selected !== index) set({ selected: index });
      },
    };
  });
}

/**
 * The notice above near misses: "No passage contains “INV-2024-0043”. These passages share some
 * of its words." (or, when only the meaning side found anything, "…closest in meaning").
 */
export function missingNotice(missing: readonly string[], byMeaningOnly: boolean): string {
  const list = missing.map((m) => `“${m}”`).join(', ');
  return `No passage contains ${list}. ${byMeaningOnly ? 'These are the passages closest in meaning.' : `These passages share some of ${missing.length > 1 ? 'their' : 'its'} words.`}`;
}

/**
 * True when a hybrid or keyword search shows results but none contains the query's words: every
 * one came from the meaning (vector) side alone. A nonsense query or a word no document has
 * still gets its nearest passages, and the view says so instead of passing them off as matches.
 */
export function onlyByMeaning(results: readonly Pick<SearchResult, 'retrievers'>[], mode: SearchMode): boolean {
  return mode !== 'vector' && results.length > 0 && results.every((r) => !r.retrievers.includes('text') && !r.retrievers.includes('exact'));
}

/**
 * Where the exact matches end: the index of the first result without the query's exact units
 * (IDs, codes, quoted phrases) when the list starts with results that have them, else -1. The
 * view draws a divider there, so "REDP-5110-00" shows its one real hit, then, set apart, the
 * passages that only share a part of it ("1.00 ACRES").
 */
export function exactTierEnd(results: readonly Pick<SearchResult, 'retrievers'>[]): number {
  if (!results[0]?.retrievers.includes('exact')) return -1;
  return results.findIndex((r) => !r.retrievers.includes('exact'));
}

/** True when the query has a "quoted phrase" (which results must contain verbatim). */
export function hasQuotedPhrase(query: string): boolean {
  return /"[^"]+"|“[^”]+”/.test(query);
}

/**
 * A few words on what reranking did, for the results header: `note` says it happened, `warning`
 * that it was asked for and skipped (the results are in the fused order), with the engine's
 * sentence as `detail`. Undefined when reranking is off.
 */
export function rerankNote(info: RerankInfo | undefined): { text: string; warning: boolean; detail?: string } | undefined {
  if (!info) return undefined;
  const secs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  if (info.applied) {
    const what = info.reason === 'partial' ? `top ${info.candidates} reranked (time budget)` : `reranked (${info.candidates})`;
    return { text: `${what} in ${secs(info.tookMs)}`, warning: false, detail: info.message ?? (info.model ? `Cross-encoder: ${info.model}` : undefined) };
  }
  const why: Record<RerankInfo['reason'], string> = {
    applied: 'not reranked',
    partial: 'not reranked',
    'model-missing': 'not reranked: no model set',
    'load-failed': 'not reranked: the model failed to load',
    loading: 'not reranked: the model is still loading',
    budget: 'not reranked: over the time budget',
    'invalid-scores': 'not reranked: the model gave invalid scores',
    failed: 'not reranked: the model failed',
    'too-few': 'not reranked: too few results',
  };
  return { text: why[info.reason], warning: info.reason !== 'too-few', detail: info.message };
}

/** Splits a snippet into plain and highlighted parts from its [start, end) spans. */
export function highlightParts(snippet: string, spans: [number, number][]): { text: string; hit: boolean }[] {
  if (!spans.length) return [{ text: stripMarkers(snippet), hit: false }];
  const parts: { text: string; hit: boolean }[] = [];
  let pos = 0;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const start = Math.max(a, pos);
    const end = Math.min(b, snippet.length);
    if (end <= start) continue;
    if (start > pos) parts.push({ text: snippet.slice(pos, start), hit: false });
    parts.push({ text: snippet.slice(start, end), hit: true });
    pos = end;
  }
  if (pos < snippet.length) parts.push({ text: snippet.slice(pos), hit: false });
  // The spans index the snippet as sent, markers included; the markers themselves are not shown.
  return parts.map((p) => ({ ...p, text: stripMarkers(p.text) })).filter((p) => p.text);
}

function stripMarkers(s: string): string {
  return s.replace(/[«»]/g, '');
}
