import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FusionConfig, SearchMode } from '../../contract';
import { chunkDocument } from '../chunk/chunker';
import type { EmbedderSettings } from '../config';
import { createEngine, type Engine } from '../engine';
import type { ExtractedDocument } from '../ingest/types';
import type { DocumentRecord } from '../store/store';
import type { BeirDataset, BeirDoc } from './beir';
import { scoreRun, type QueryScore } from './metrics';

export interface EvalResult {
  'ndcg@10': number;
  'recall@100': number;
  'mrr@10': number;
  queries: number;
  mode: SearchMode;
  embedder: string;
  fusion?: FusionConfig;
  perQuery: QueryScore[];
  tookMs: number;
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

function corpusKey(ds: BeirDataset): string {
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
  opts: { cacheRoot: string; name: string; embedder: EmbedderSettings; lexicalOnly: boolean; onProgress?: (done: number, total: number) => void },
): Promise<Engine> {
  const dir = path.join(opts.cacheRoot, `${opts.name}-${corpusKey(ds)}-${opts.lexicalOnly ? 'lexical' : opts.embedder.kind}`);
  const marker = path.join(dir, 'complete.json');
  if (existsSync(marker)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { embedder: string };
    const engine = await createEngine({ dataDir: dir, embedder: opts.lexicalOnly ? { kind: 'hash' } : opts.embedder, resume: false });
    if (m.embedder === (await engine.embedder()).info.id) return engine;
    await engine.close();
  }
  await rm(dir, { recursive: true, force: true });
  const engine = await createEngine({ dataDir: dir, embedder: opts.lexicalOnly ? { kind: 'hash' } : opts.embedder, resume: false });
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
export async function evaluate(
  engine: Engine,
  ds: BeirDataset,
  mode: SearchMode,
  opts: {
    fusion?: FusionConfig;
    headingBoost?: number;
    exact?: boolean;
    softBoost?: number;
    /** MMR diversification of each query's results (off when absent). */
    diversity?: { lambda: number; pageCap: number };
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<EvalResult> {
  const t0 = performance.now();
  const run = new Map<string, string[]>();
  let done = 0;
  for (const q of ds.queries) {
    const res = await engine.searcher.search({ query: q.text, k: 200, mode, filters: {}, ...(opts.diversity ? { diversity: opts.diversity } : {}) }, { candidates: 200, fusion: opts.fusion, headingBoost: opts.headingBoost, exact: opts.exact, softBoost: opts.softBoost });
    const seen = new Set<string>();
    const ranked: string[] = [];
    for (const r of res.results) {
      if (seen.has(r.docId)) continue;
      seen.add(r.docId);
      ranked.push(r.docId);
    }
    run.set(q.id, ranked);
    opts.onProgress?.(++done, ds.queries.length);
  }
  const { mean, perQuery } = scoreRun(run, ds.qrels);
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  return {
    'ndcg@10': r4(mean.ndcg10),
    'recall@100': r4(mean.recall100),
    'mrr@10': r4(mean.mrr10),
    queries: ds.queries.length,
    mode,
    embedder: (await engine.embedder()).info.id,
    fusion: mode === 'hybrid' ? (opts.fusion ?? engine.fusion()) : undefined,
    perQuery,
    tookMs: Math.round(performance.now() - t0),
  };
}
