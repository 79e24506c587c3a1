import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SearchQuery, type FusionConfig, type SearchMode, type SearchQueryParsed } from '../../contract';
import { chunkDocument } from '../chunk/chunker';
import type { EmbedderSettings } from '../config';
import { createEngine, type Engine } from '../engine';
import type { ExtractedDocument } from '../ingest/types';
import type { SearchOptions } from '../search/searcher';
import type { DocumentRecord } from '../store/store';
import { QuarryError } from '../util/errors';
import type { BeirDataset, BeirDoc } from './beir';
import { diagnoseQuery, type RankedDoc } from './metrics';
import type { EvalConfig, QueryDiagnostics } from './run-file';

/** The outcome of {@link evaluate}: aggregates, the configuration as data, per-query diagnostics. */
export interface EvalResult {
  'ndcg@10': number;
  'recall@100': number;
  'mrr@10': number;
  queries: number;
  mode: SearchMode;
  embedder: string;
  fusion?: FusionConfig;
  config: EvalConfig;
  perQuery: QueryDiagnostics[];
  tookMs: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  fusion?: FusionConfig;
  headingBoost?: number;
  exact?: boolean;
  softBoost?: number;
  /**
   * Further searcher options, passed through untouched and recorded in the run, so options the
   * searcher gains later can be evaluated without changing this module.
   */
  search?: Record<string, unknown>;
  /** Fields added to every query (the contract's SearchQuery: rerank, diversity, …), recorded too. */
  query?: Record<string, unknown>;
  /** MMR diversification of each query's results (off when absent); same as `query.diversity`. */
  diversity?: { lambda: number; pageCap: number };
  /** Documents ranked per query (default 200). */
  depth?: number;
  /** Documents kept per query in the diagnostics (default 10). */
  top?: number;
  /** The configuration's name in reports (default: mode plus whatever differs from defaults). */
  label?: string;
  onProgress?: (done: number, total: number) => void;
}

/** A BEIR document as an extracted one-page document: the title leads, as in BEIR's BM25 runs. */
export function beirToExtracted(d: BeirDoc): ExtractedDocument {
  const title = d.title.trim();
  const text = title ? `${title}\n\n${d.text}` : d.text;
  const blocks = title
    ? [
        { kind: 'paragraph' as const, text: title, start: 0, end: title.length, headingPath: [] },
        { kind: 'paragraph' as const, text: d.text, start: title.length + 2, end: text.length, headingPath: [] },
      ]
    : [{ kind: 'paragraph' as const, text: d.text, start: 0, end: d.text.length, headingPath: [] }];
  return { format: 'text', meta: { title, pageCount: 1 }, pages: [{ page: 1, text, blocks }], warnings: [] };
}

/** A short fingerprint of a corpus (ids, titles and texts). */
export function corpusKey(ds: BeirDataset): string {
  const h = createHash('sha256');
  for (const d of ds.corpus) h.update(d.id).update('\0').update(d.title).update('\0').update(d.text);
  return h.digest('hex').slice(0, 12);
}

/**
 * Opens (building once, then reusing) an index of a BEIR corpus. `lexicalOnly` skips
 * embedding — enough for text-mode evaluation in seconds — and keeps its own folder.
 */
export async function openBeirIndex(
  ds: BeirDataset,
  opts: {
    cacheRoot: string;
    name: string;
    embedder: EmbedderSettings;
    lexicalOnly: boolean;
    /** An embedding cache that outlives the index (default: inside the index folder). */
    embedCacheDir?: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<Engine> {
  const dir = path.join(opts.cacheRoot, `${opts.name}-${corpusKey(ds)}-${opts.lexicalOnly ? 'lexical' : opts.embedder.kind}`);
  const marker = path.join(dir, 'complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { embedder: string };
    const engine = await createEngine({ dataDir: dir, embedder: opts.lexicalOnly ? { kind: 'hash' } : opts.embedder, resume: false, embedCacheDir: opts.embedCacheDir });
    if (m.embedder === (await engine.embedder()).info.id) return engine;
    await engine.close();
  }
  await rm(dir, { recursive: true, force: true });
  const engine = await createEngine({ dataDir: dir, embedder: opts.lexicalOnly ? { kind: 'hash' } : opts.embedder, resume: false, embedCacheDir: opts.embedCacheDir });
  const embedder = await engine.embedder();
  const dim = embedder.info.dimension;
  const flat = new Float32Array(dim).fill(1 / Math.sqrt(dim));
  const batchDocs = 256;
  const now = new Date().toISOString();
  for (let i = 0; i < ds.corpus.length; i += batchDocs) {
    const docs = ds.corpus.slice(i, i + batchDocs);
    const items = docs.map((d) => ({ d, extracted: beirToExtracted(d) })).map(({ d, extracted }) => ({ d, extracted, chunks: chunkDocument(d.id, extracted) }));
    const texts = items.flatMap((it) => it.chunks.map((c) => c.text));
    const vectors = opts.lexicalOnly ? texts.map(() => flat) : await embedder.embed(texts, { kind: 'passage' });
    let v = 0;
    await engine.store.addChunkBatch(
      items.map((it) => ({ docId: it.d.id, collection: 'eval', chunks: it.chunks, vectors: it.chunks.map(() => vectors[v++]), heading: it.d.title })),
    );
    const records: DocumentRecord[] = items.map((it) => ({
      docId: it.d.id, name: it.d.id, path: `beir:${it.d.id}`, format: 'text', collection: 'eval', tags: [], title: it.d.title || undefined,
      pages: 1, pagesNeedingOcr: 0, chunks: it.chunks.length, bytes: it.d.text.length, mtimeMs: 0, contentHash: '', addedAt: now, status: 'ready', warnings: [],
    }));
    await engine.store.upsertDocuments(records);
    for (const r of records) (engine.documents() as Map<string, DocumentRecord>).set(r.docId, r);
    opts.onProgress?.(Math.min(ds.corpus.length, i + batchDocs), ds.corpus.length);
  }
  await engine.maintain({ optimize: true });
  await writeFile(marker, JSON.stringify({ embedder: embedder.info.id, docs: ds.corpus.length, builtAt: now }));
  return engine;
}

/** Ranks documents for every query (a document scores as its best chunk) and scores the run. */
export async function evaluate(engine: Engine, ds: BeirDataset, mode: SearchMode, opts: EvaluateOptions = {}): Promise<EvalResult> {
  const t0 = performance.now();
  const depth = opts.depth ?? 200;
  const search: Record<string, unknown> = { candidates: depth, ...opts.search };
  if (opts.headingBoost !== undefined) search.headingBoost = opts.headingBoost;
  if (opts.exact !== undefined) search.exact = opts.exact;
  if (opts.softBoost !== undefined) search.softBoost = opts.softBoost;
  const fusion = mode === 'hybrid' ? (opts.fusion ?? engine.fusion()) : undefined;
  const query = queryFields({ ...opts.query, ...(opts.diversity ? { diversity: opts.diversity } : {}) }, depth, mode);
  // `search` is data from the command line or a caller; the searcher ignores keys it lacks.
  const searchOptions = { ...search, fusion: opts.fusion } as SearchOptions;
  const perQuery: QueryDiagnostics[] = [];
  let done = 0;
  for (const q of ds.queries) {
    const res = await engine.searcher.search({ ...query, query: q.text, k: depth, mode, filters: {} } as SearchQueryParsed, searchOptions);
    const seen = new Set<string>();
    const ranked: RankedDoc[] = [];
    for (const r of res.results) {
      if (seen.has(r.docId)) continue;
      seen.add(r.docId);
      ranked.push({ id: r.docId, score: Math.round(r.score * 1e6) / 1e6, retrievers: r.retrievers });
    }
    perQuery.push(diagnoseQuery(q, ranked, ds.qrels.get(q.id) ?? new Map(), opts.top ?? 10));
    opts.onProgress?.(++done, ds.queries.length);
  }
  const n = perQuery.length || 1;
  const mean = (f: (d: QueryDiagnostics) => number): number => Math.round((perQuery.reduce((a, d) => a + f(d), 0) / n) * 10000) / 10000;
  const embedder = (await engine.embedder()).info.id;
  const extra = { ...Object.fromEntries(Object.entries(search).filter(([k, v]) => !(k === 'candidates' && v === depth))), ...query };
  const config: EvalConfig = { label: opts.label ?? configLabel(mode, fusion, extra), mode, embedder, fusion, depth, search, query };
  return {
    'ndcg@10': mean((d) => d.ndcg10),
    'recall@100': mean((d) => d.recall100),
    'mrr@10': mean((d) => d.mrr10),
    queries: ds.queries.length,
    mode,
    embedder,
    fusion,
    config,
    perQuery,
    tookMs: Math.round(performance.now() - t0),
  };
}

/**
 * The extra query fields as the contract's SearchQuery parses them (defaults filled in). A field
 * the contract does not know would be dropped silently by the parse, so it is an error instead.
 */
export function queryFields(extra: Record<string, unknown>, k: number, mode: SearchMode): Record<string, unknown> {
  const fixed = new Set(['query', 'k', 'mode', 'filters']);
  const parsed = SearchQuery.safeParse({ ...extra, query: 'probe', k, mode, filters: {} });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuarryError('INVALID_INPUT', `Bad query option ${issue.path.join('.')}: ${issue.message}.`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(extra)) {
    if (fixed.has(key)) throw new QuarryError('INVALID_INPUT', `The query option "${key}" is set by the evaluation itself.`);
    if (!(key in parsed.data)) throw new QuarryError('INVALID_INPUT', `"${key}" is not a search query field.`, { hint: 'Searcher options go in --option KEY=VALUE.' });
    out[key] = (parsed.data as Record<string, unknown>)[key];
  }
  return out;
}

/** "hybrid minmax dense=0.2 exact=false": the mode, the fusion, and the extra options given. */
export function configLabel(mode: SearchMode, fusion: FusionConfig | undefined, extra: Record<string, unknown>): string {
  const parts: string[] = [mode];
  if (fusion) parts.push(`${fusion.method} dense=${fusion.denseWeight}`);
  for (const [k, v] of Object.entries(extra)) parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.join(' ');
}
