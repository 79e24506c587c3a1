/**
 * Fusion calibration on the user's own library. How much to trust the dense retriever depends
 * on the embedder and on the library (on SciFact the Universal Sentence Encoder alone scores
 * ~0.29 nDCG@10 against BM25's 0.69, and plain RRF drags the fusion below BM25), so Quarry
 * measures it: sample passages, build pseudo-queries from them, retrieve each query's text and
 * vector candidates once through the real searcher, re-fuse them in memory for every grid
 * point, and pick the setting that finds the source document best — leaning lexical when the
 * difference is within noise. No relevance judgements are involved.
 */
import type { SearchResult } from '../../contract';
import { CachedEmbedder } from '../embed/cache';
import type { Embedder } from '../embed/types';
import type { ChunkRow, DocumentRecord, ScoredRow } from '../store/store';
import { QuarryError } from '../util/errors';
import { defaultGrid, scoreGrid, selectConfig, type CandidateSet, type GridPoint, type GridScore, type Selection } from './calibrate-grid';
import { samplePseudoQueries, type PseudoQuery, type QueryBuilder } from './calibrate-queries';
import type { Ranked } from './fusion';
import { analyzeQuery } from './query';
import { promoteExact, SOFT_BOOST, type Searcher } from './searcher';

/** Stages reported while calibrating. */
export type CalibrationStage = 'sample' | 'retrieve' | 'score';

export interface CalibrationProgress {
  stage: CalibrationStage;
  done: number;
  total: number;
}

/** What calibration reads: the engine's searcher, chunk rows per document, the catalog and the embedder. */
export interface CalibrateDeps {
  searcher: Searcher;
  chunksByDoc: (docId: string) => Promise<ChunkRow[]>;
  docs: () => ReadonlyMap<string, DocumentRecord>;
  embedder: () => Promise<Embedder>;
}

export interface CalibrateOptions {
  /** Pseudo-queries to sample (default 300: a paired standard error of ~0.01 nDCG on typical libraries). */
  sampleSize?: number;
  /** Seed of the passage sample: the same seed on the same library gives the same queries. */
  seed?: number;
  builder?: QueryBuilder;
  /** Candidates per retriever, as the search path fetches for k=10 (max(50, 5k)). */
  candidates?: number;
  grid?: GridPoint[];
  /** Queries in flight at once (LanceDB works in native threads meanwhile). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: CalibrationProgress) => void;
}

/** The outcome of one calibration run. */
export interface CalibrationRun {
  selection: Selection;
  grid: GridScore[];
  queries: PseudoQuery[];
  builder: QueryBuilder;
  seed: number;
  candidates: number;
  embedderId: string;
  tookMs: number;
}

/** Fewer pseudo-queries than this cannot tell fusion settings apart. */
export const MIN_QUERIES = 20;
export const DEFAULT_SAMPLE = 300;
export const DEFAULT_BUILDER: QueryBuilder = 'masked';

/** A chunk row rebuilt from a search result: what exact-unit promotion reads (its text). */
function rowOf(r: SearchResult): ScoredRow {
  return {
    id: r.chunkId, doc_id: r.docId, collection: '', ordinal: 0, text: r.text, heading: r.headingPath.join(' › '), section_id: r.sectionId,
    page_start: r.page, page_end: r.pageEnd, char_start: r.start, char_end: r.end, tokens: 0,
  };
}

/**
 * Calibrates fusion on the library behind `deps`. Retrieval dominates the cost (one BM25 and
 * one vector search per query); every grid point is then scored in memory.
 *
 * @throws QuarryError INVALID_INPUT when the library yields fewer than {@link MIN_QUERIES} queries; CANCELLED on abort.
 * @example
 * const run = await calibrateFusion({ searcher, chunksByDoc: (id) => store.chunksByDoc(id), docs, embedder }, { onProgress });
 * run.selection.chosen; // { method: 'minmax', denseWeight: 0.2, ndcg10: 0.81, ... }
 */
export async function calibrateFusion(deps: CalibrateDeps, opts: CalibrateOptions = {}): Promise<CalibrationRun> {
  const t0 = performance.now();
  const sampleSize = opts.sampleSize ?? DEFAULT_SAMPLE;
  const seed = opts.seed ?? 1;
  const builder = opts.builder ?? DEFAULT_BUILDER;
  const n = opts.candidates ?? 50;
  const signal = opts.signal;
  const progress = opts.onProgress ?? (() => undefined);
  const embedder = await deps.embedder();
  try {
    const queries = await samplePseudoQueries({
      docs: [...deps.docs().values()],
      n: sampleSize,
      seed,
      builder,
      loadChunks: deps.chunksByDoc,
      signal,
      onProgress: (done, total) => progress({ stage: 'sample', done, total }),
    });
    if (queries.length < MIN_QUERIES) {
      throw new QuarryError('INVALID_INPUT', `Calibration needs at least ${MIN_QUERIES} passages with full sentences; this library gave ${queries.length}.`, {
        hint: 'Add more documents, then calibrate again. Until then the embedder\'s default fusion is used.',
      });
    }
    // One batched embedding call fills the embedding cache, so each search below finds its query vector there.
    if (embedder instanceof CachedEmbedder) {
      const texts = queries.map((q) => analyzeQuery(q.query).text || q.query);
      for (let i = 0; i < texts.length; i += 64) await embedder.embed(texts.slice(i, i + 64), { kind: 'query', signal });
    }
    const sets: CandidateSet[] = new Array(queries.length);
    const rows: Map<string, ScoredRow>[] = new Array(queries.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < queries.length) {
        const i = next++;
        signal?.throwIfAborted();
        const q = queries[i];
        // Candidates as the retrievers give them: no cross-encoder reranking or diversity on top.
        const base = { query: q.query, k: n, filters: {}, rerank: false };
        const [text, vector] = await Promise.all([
          deps.searcher.search({ ...base, mode: 'text' }, { candidates: n, exact: false, signal }),
          deps.searcher.search({ ...base, mode: 'vector' }, { candidates: n, exact: false, signal }),
        ]);
        const docOf = new Map<string, string>();
        const byId = new Map<string, ScoredRow>();
        for (const r of [...text.results, ...vector.results]) {
          docOf.set(r.chunkId, r.docId);
          if (!byId.has(r.chunkId)) byId.set(r.chunkId, rowOf(r));
        }
        const ranked = (list: SearchResult[]): Ranked[] => list.map((r) => ({ id: r.chunkId, score: r.score }));
        sets[i] = { text: ranked(text.results), vector: ranked(vector.results), docOf, target: q.docId };
        rows[i] = byId;
        progress({ stage: 'retrieve', done: ++done, total: queries.length });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    signal?.throwIfAborted();
    progress({ stage: 'score', done: 0, total: 1 });
    const analyzed = queries.map((q) => analyzeQuery(q.query));
    // The same exact-unit handling as the search path (no extra candidates for strict lookups).
    const grid = scoreGrid(sets, opts.grid ?? defaultGrid(), { post: (fused, _s, i) => promoteExact(fused, [], rows[i], analyzed[i], SOFT_BOOST) });
    const selection = selectConfig(grid);
    progress({ stage: 'score', done: 1, total: 1 });
    return { selection, grid, queries, builder, seed, candidates: n, embedderId: embedder.info.id, tookMs: Math.round(performance.now() - t0) };
  } catch (e) {
    if (signal?.aborted && !(e instanceof QuarryError && e.code === 'CANCELLED')) throw new QuarryError('CANCELLED', 'Calibration was cancelled.', { cause: e });
    throw e;
  }
}
