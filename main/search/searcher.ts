import * as lancedb from '@lancedb/lancedb';
import type { FusionConfig, Retriever, SearchQueryParsed, SearchResult, SearchResults } from '../../contract';
import type { Embedder } from '../embed/types';
import type { DocumentRecord, ScoredRow, Store } from '../store/store';
import { buildWhere } from './filters';
import { fuse, type Fused, type Ranked } from './fusion';
import { analyzeQuery, exactPattern, type AnalyzedQuery } from './query';
import { makeSnippet } from './snippet';

export interface SearcherDeps {
  store: Store;
  /** Resolved lazily: text-only search never needs (or loads) the embedder. */
  embedder: () => Promise<Embedder>;
  docs: () => ReadonlyMap<string, DocumentRecord>;
  fusion: () => FusionConfig;
}

export interface SearchOptions {
  /** How many candidates each retriever contributes before fusion (default max(50, 5k)). */
  candidates?: number;
  /** Field boost of the heading/title field in BM25 (0 disables the field). */
  headingBoost?: number;
  /** Overrides the library's fusion configuration (evaluation and calibration). */
  fusion?: FusionConfig;
  signal?: AbortSignal;
}

/**
 * Hybrid retrieval: BM25 and vector search run side by side, are fused with the
 * embedder-specific configuration, and exact units (IDs, codes, quoted phrases) promote the
 * chunks that contain them verbatim.
 */
export class Searcher {
  constructor(private readonly deps: SearcherDeps) {}

  async search(q: SearchQueryParsed, opts: SearchOptions = {}): Promise<SearchResults> {
    const t0 = performance.now();
    const docs = this.deps.docs();
    const where = buildWhere(q.filters, docs.values());
    const empty: SearchResults = { query: q.query, mode: q.mode, tookMs: 0, results: [] };
    if (where === null) return { ...empty, tookMs: performance.now() - t0 };

    const analyzed = analyzeQuery(q.query);
    const n = opts.candidates ?? Math.max(50, q.k * 5);
    const fusion = opts.fusion ?? this.deps.fusion();
    const wantText = q.mode !== 'vector';
    const wantVector = q.mode === 'vector' || (q.mode === 'hybrid' && fusion.denseWeight > 0);

    const [textRows, vectorRows, exactRows] = await Promise.all([
      wantText && analyzed.text ? this.textCandidates(analyzed, n, where, opts.headingBoost ?? 0) : Promise.resolve([]),
      wantVector ? this.vectorCandidates(analyzed.text || q.query, n, where, opts.signal) : Promise.resolve([]),
      q.mode !== 'vector' ? this.exactCandidates(analyzed, n, where) : Promise.resolve([]),
    ]);

    const rows = new Map<string, ScoredRow>();
    for (const r of [...textRows, ...vectorRows, ...exactRows]) if (!rows.has(r.id)) rows.set(r.id, r);
    const textRanked: Ranked[] = textRows.map((r) => ({ id: r.id, score: r._score ?? 0 }));
    const vectorRanked: Ranked[] = vectorRows.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) }));

    let fused: Fused[];
    if (q.mode === 'text') fused = textRanked.map((r) => ({ id: r.id, score: r.score, retrievers: ['text'] }));
    else if (q.mode === 'vector') fused = vectorRanked.map((r) => ({ id: r.id, score: r.score, retrievers: ['vector'] }));
    else fused = fuse(fusion, textRanked, vectorRanked);

    const ranked = promoteExact(fused, exactRows, rows, analyzed);
    const results: SearchResult[] = [];
    for (const f of ranked) {
      if (results.length >= q.k) break;
      const row = rows.get(f.id);
      const doc = row && docs.get(row.doc_id);
      if (!row || !doc) continue; // a chunk whose document is being removed
      const { snippet, highlights } = makeSnippet(row.text, analyzed.text, analyzed.exact);
      results.push({
        chunkId: row.id,
        docId: row.doc_id,
        docName: doc.name,
        path: doc.path,
        page: row.page_start,
        pageEnd: row.page_end,
        start: row.char_start,
        end: row.char_end,
        headingPath: row.heading ? row.heading.split(' › ') : [],
        sectionId: row.section_id,
        score: Number(f.score.toFixed(6)),
        text: row.text,
        snippet,
        highlights,
        retrievers: f.retrievers,
      });
    }
    return { query: q.query, mode: q.mode, tookMs: Math.round((performance.now() - t0) * 10) / 10, results };
  }

  private textCandidates(a: AnalyzedQuery, n: number, where: string | undefined, headingBoost: number): Promise<ScoredRow[]> {
    const query =
      headingBoost > 0
        ? new lancedb.MultiMatchQuery(a.text, ['text', 'heading'], { boosts: [1, headingBoost] })
        : new lancedb.MatchQuery(a.text, 'text');
    return this.deps.store.textSearch(query, n, where);
  }

  private async vectorCandidates(text: string, n: number, where: string | undefined, signal?: AbortSignal): Promise<ScoredRow[]> {
    const embedder = await this.deps.embedder();
    const [vec] = await embedder.embed([text], { kind: 'query', signal });
    return this.deps.store.vectorSearch(vec, n, where);
  }

  private async exactCandidates(a: AnalyzedQuery, n: number, where: string | undefined): Promise<ScoredRow[]> {
    if (a.exact.length === 0) return [];
    const lists = await Promise.all(
      a.exact.map((unit) => {
        const words = unit.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
        if (!words) return Promise.resolve([] as ScoredRow[]);
        const query = words.includes(' ') ? new lancedb.PhraseQuery(words, 'text') : new lancedb.MatchQuery(words, 'text');
        return this.deps.store.textSearch(query, n, where);
      }),
    );
    return lists.flat();
  }
}

/**
 * Chunks containing more of the query's exact units (verified verbatim, not just by tokens)
 * rank first; within a tier the fused order stands.
 */
function promoteExact(fused: Fused[], exactRows: ScoredRow[], rows: Map<string, ScoredRow>, a: AnalyzedQuery): Fused[] {
  if (a.exact.length === 0) return fused;
  const patterns = a.exact.map(exactPattern);
  const byId = new Map(fused.map((f) => [f.id, f]));
  for (const r of exactRows) if (!byId.has(r.id)) byId.set(r.id, { id: r.id, score: 0, retrievers: [] });
  const tiered = [...byId.values()].map((f, i) => {
    const text = rows.get(f.id)?.text ?? '';
    const hits = patterns.reduce((acc, p) => acc + (p.test(text) ? 1 : 0), 0);
    const retrievers: Retriever[] = hits > 0 && !f.retrievers.includes('exact') ? [...f.retrievers, 'exact'] : f.retrievers;
    return { f: { ...f, retrievers }, hits, i };
  });
  tiered.sort((x, y) => y.hits - x.hits || y.f.score - x.f.score || x.i - y.i);
  return tiered.map((t) => t.f);
}
