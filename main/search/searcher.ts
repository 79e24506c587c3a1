import * as lancedb from '@lancedb/lancedb';
import type { FusionConfig, Retriever, SearchQueryParsed, SearchResult, SearchResults } from '../../contract';
import type { Embedder } from '../embed/types';
import type { DocumentRecord, ScoredRow, Store } from '../store/store';
import { buildWhere } from './filters';
import { fuse, type Fused, type Ranked } from './fusion';
import { analyzeQuery, codeForms, exactPattern, type AnalyzedQuery } from './query';
import { refineRanking } from './refine';
import type { RerankerSetup } from './rerank';
import { makeSnippet } from './snippet';
import { queryText } from './tokenize';

/**
 * Boost per identifier found in a long question, as a fraction of the top score. Tuned on
 * SciFact train (BM25 alone): 0 → 0.6995, 0.1 → 0.7004, 0.3 → 0.7042, 0.5 → 0.7043, 0.8 → 0.7020.
 */
export const SOFT_BOOST = 0.3;

export interface SearcherDeps {
  store: Store;
  /** Resolved lazily: text-only search never needs (or loads) the embedder. */
  embedder: () => Promise<Embedder>;
  docs: () => ReadonlyMap<string, DocumentRecord>;
  fusion: () => FusionConfig;
  /** The configured cross-encoder reranker; undefined (or absent) when none is set. */
  reranker?: () => RerankerSetup | undefined;
}

export interface SearchOptions {
  /** How many candidates each retriever contributes before fusion (default max(50, 5k)). */
  candidates?: number;
  /** Field boost of the heading/title field in BM25 (0 disables the field). */
  headingBoost?: number;
  /** Promote chunks containing the query's exact units (default true; off for experiments). */
  exact?: boolean;
  /** Soft boost per identifier found, as a fraction of the top score, in long questions. */
  softBoost?: number;
  /** Overrides the library's fusion configuration (evaluation and calibration). */
  fusion?: FusionConfig;
  /** Overrides the configured reranker (benchmarks, evaluation). */
  reranker?: RerankerSetup;
  /** Overrides the reranker's per-query budget (ms). */
  rerankBudgetMs?: number;
  /** Overrides how many candidates the reranker scores. */
  rerankTopN?: number;
  /** Weight of the cross-encoder against the fused score (default RERANK_WEIGHT). */
  rerankWeight?: number;
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

    const lookup = (q.mode !== 'vector' && analyzed.strict) || (opts.exact !== false && hasQuoted(analyzed));
    const [textRows, vectorRows, exactRows] = await Promise.all([
      wantText && analyzed.text ? this.textCandidates(analyzed, n, where, opts.headingBoost ?? 0) : Promise.resolve([]),
      wantVector ? this.vectorCandidates(analyzed.text || q.query, n, where, opts.signal) : Promise.resolve([]),
      lookup ? this.exactCandidates(analyzed, n, where) : Promise.resolve([]),
    ]);

    const rows = new Map<string, ScoredRow>();
    for (const r of [...textRows, ...vectorRows, ...exactRows]) if (!rows.has(r.id)) rows.set(r.id, r);
    // What was looked up and not found anywhere: the results that follow are near misses.
    const missing = lookup && opts.exact !== false ? missingUnits(analyzed, rows.values()) : [];
    const textRanked: Ranked[] = textRows.map((r) => ({ id: r.id, score: r._score ?? 0 }));
    const vectorRanked: Ranked[] = vectorRows.map((r) => ({ id: r.id, score: 1 - (r._distance ?? 1) }));

    let fused: Fused[];
    if (q.mode === 'text') fused = textRanked.map((r) => ({ id: r.id, score: r.score, retrievers: ['text'] }));
    else if (q.mode === 'vector') fused = vectorRanked.map((r) => ({ id: r.id, score: r.score, retrievers: ['vector'] }));
    else fused = fuse(fusion, textRanked, vectorRanked);

    // In vector mode only strict lookups are promoted: a soft lexical nudge there measured worse
    // (SciFact test, USE: 0.305 without, 0.286 with).
    const softBoost = q.mode === 'vector' ? 0 : (opts.softBoost ?? SOFT_BOOST);
    const promoted = opts.exact === false ? fused : requirePhrases(promoteExact(fused, exactRows, rows, analyzed, softBoost), rows, analyzed);
    const { ranked, rerankScores, rerank, diversity } = await refineRanking(q, promoted, rows, this.deps.store, {
      setup: opts.reranker ?? this.deps.reranker?.(),
      budgetMs: opts.rerankBudgetMs,
      topN: opts.rerankTopN,
      weight: opts.rerankWeight,
      strict: analyzed.strict && q.mode !== 'vector',
      signal: opts.signal,
    });
    const results: SearchResult[] = [];
    // A document that repeats a passage word for word (a handbook bound in four times, a
    // disclaimer on every chapter) would fill the list with copies: the best-ranked one stands
    // for it. The same text in another document still counts.
    const shown = new Set<string>();
    for (const f of ranked) {
      if (results.length >= q.k) break;
      const row = rows.get(f.id);
      const doc = row && docs.get(row.doc_id);
      if (!row || !doc) continue; // a chunk whose document is being removed
      const key = `${row.doc_id}\u0000${row.text}`;
      if (shown.has(key)) continue;
      shown.add(key);
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
        ...(rerankScores.has(f.id) ? { rerankScore: Number((rerankScores.get(f.id) as number).toFixed(6)) } : {}),
      });
    }
    return {
      query: q.query,
      mode: q.mode,
      tookMs: Math.round((performance.now() - t0) * 10) / 10,
      results,
      ...(rerank ? { rerank } : {}),
      ...(diversity ? { diversity } : {}),
      ...(missing.length ? { missing } : {}),
    };
  }

  private textCandidates(a: AnalyzedQuery, n: number, where: string | undefined, headingBoost: number): Promise<ScoredRow[]> {
    const english =
      headingBoost > 0
        ? new lancedb.MultiMatchQuery(a.text, ['text', 'heading'], { boosts: [1, headingBoost] })
        : new lancedb.MatchQuery(a.text, 'text');
    // A query in CJK, Thai, Arabic or Cyrillic also searches the pre-tokenised column (scores
    // add up); any other query runs exactly the English query it always did.
    const multi = this.deps.store.multilingual ? queryText(a.text) : '';
    const query = multi
      ? new lancedb.BooleanQuery([
          [lancedb.Occur.Should, english],
          [lancedb.Occur.Should, new lancedb.MatchQuery(multi, 'text_fts')],
        ])
      : english;
    return this.deps.store.textSearch(query, n, where);
  }

  private async vectorCandidates(text: string, n: number, where: string | undefined, signal?: AbortSignal): Promise<ScoredRow[]> {
    const embedder = await this.deps.embedder();
    const [vec] = await embedder.embed([text], { kind: 'query', signal });
    return this.deps.store.vectorSearch(vec, n, where);
  }

  private async exactCandidates(a: AnalyzedQuery, n: number, where: string | undefined): Promise<ScoredRow[]> {
    if (a.exact.length === 0) return [];
    // "PX77" is one token in the index and "PX-77" two: a code is looked up in both forms, once
    // for each distinct set of words ("PX-77" and "PX 77" are the same words to the index).
    const lookups = new Map<string, { unit: string; words: string }>();
    for (const unit of a.exact.flatMap(codeForms)) {
      const words = unit.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
      if (!lookups.has(words.toLowerCase())) lookups.set(words.toLowerCase(), { unit, words });
    }
    const lists = await Promise.all(
      [...lookups.values()].map(({ unit, words }) => {
        const multi = this.deps.store.multilingual ? queryText(unit) : '';
        // Every word, not the phrase: the candidates are checked verbatim (exactPattern) anyway,
        // and a phrase query finds nothing in rows the full-text index has not taken in yet, so
        // a document just added would miss its own codes until the next optimize.
        if (multi) return this.deps.store.textSearch(new lancedb.MatchQuery(multi, 'text_fts', { operator: lancedb.Operator.And }), n, where);
        if (!words) return Promise.resolve([] as ScoredRow[]);
        return this.deps.store.textSearch(new lancedb.MatchQuery(words, 'text', { operator: lancedb.Operator.And }), n, where);
      }),
    );
    return lists.flat();
  }
}

function hasQuoted(a: AnalyzedQuery): boolean {
  return a.units.some((u) => u.kind === 'quoted');
}

/**
 * A quoted phrase is a requirement, not a preference: only chunks that contain every quoted
 * phrase verbatim (case-insensitive, any dash, whole words) stay. The search view promises
 * "Put a phrase in quotes to find it exactly"; before, the phrase's chunks ranked first and the
 * list was filled up with chunks matching single words of it. No chunk has it: no results.
 */
export function requirePhrases(fused: Fused[], rows: Map<string, ScoredRow>, a: AnalyzedQuery): Fused[] {
  const quoted = a.units.filter((u) => u.kind === 'quoted');
  if (quoted.length === 0) return fused;
  const patterns = quoted.map((u) => exactPattern(u.text));
  return fused.filter((f) => {
    const text = rows.get(f.id)?.text ?? '';
    return patterns.every((p) => p.test(text));
  });
}

/**
 * The units of a lookup (IDs, codes, quoted phrases; in a strict query its numbers and acronyms
 * too) that none of the candidate passages holds verbatim. The exact candidates come from a
 * search of the whole (filtered) library for each unit's words, so a unit missing from them is
 * missing from the library.
 */
export function missingUnits(a: AnalyzedQuery, rows: Iterable<ScoredRow>): string[] {
  const wanted = a.strict ? a.units : a.units.filter((u) => u.kind === 'code' || u.kind === 'quoted');
  if (wanted.length === 0) return [];
  const texts = [...rows].map((r) => r.text);
  return wanted.filter((u) => !texts.some((t) => exactPattern(u.text).test(t))).map((u) => u.text);
}

/**
 * Exact units verified verbatim (not just by tokens). In a strict query (a short lookup or a
 * quoted phrase) chunks containing more units rank first and the fused order stands within a
 * tier. In a long question only identifier-like codes add a soft boost of `softBoost` × the
 * top score per unit found.
 */
export function promoteExact(fused: Fused[], exactRows: ScoredRow[], rows: Map<string, ScoredRow>, a: AnalyzedQuery, softBoost: number): Fused[] {
  if (a.units.length === 0) return fused;
  const units = a.strict ? a.units : a.units.filter((u) => u.kind === 'code');
  if (units.length === 0) return fused;
  const patterns = units.map((u) => exactPattern(u.text));
  const byId = new Map(fused.map((f) => [f.id, f]));
  // Exact candidates are found by their words; only those holding a unit verbatim join.
  if (a.strict) for (const r of exactRows) if (!byId.has(r.id) && patterns.some((p) => p.test(r.text))) byId.set(r.id, { id: r.id, score: 0, retrievers: [] });
  const top = fused[0]?.score ?? 0;
  const tiered = [...byId.values()].map((f, i) => {
    const text = rows.get(f.id)?.text ?? '';
    const hits = patterns.reduce((acc, p) => acc + (p.test(text) ? 1 : 0), 0);
    const retrievers: Retriever[] = hits > 0 && !f.retrievers.includes('exact') ? [...f.retrievers, 'exact'] : f.retrievers;
    const score = a.strict ? f.score : f.score + (softBoost * top * hits) / units.length;
    return { f: { ...f, score, retrievers }, tier: a.strict ? hits : 0, i };
  });
  tiered.sort((x, y) => y.tier - x.tier || y.f.score - x.f.score || x.i - y.i);
  return tiered.map((t) => t.f);
}
