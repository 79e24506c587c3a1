/**
 * Synthetic libraries at scale for benchmarks: real SciFact sentences recombined into chunks
 * (so BM25 sees natural term statistics), embedded with the fast hash embedder (512-d), bulk
 * loaded through the store, then indexed. Text stays realistic; only the volume is made up.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as lancedb from '@lancedb/lancedb';
import type { Chunk } from '../main/chunk/types';
import { UseEmbedder } from '../main/embed/use';
import { createEngine, type Engine } from '../main/engine';
import { Store, type DocumentRecord } from '../main/store/store';
import { shared } from './common';

export async function loadSciFactText(): Promise<{ sentences: string[]; queries: string[] }> {
  const sentences: string[] = [];
  const rl = createInterface({ input: createReadStream(shared('eval', 'scifact', 'corpus.jsonl'), 'utf8') });
  for await (const line of rl) {
    const d = JSON.parse(line) as { text: string };
    for (const s of d.text.split(/(?<=\.)\s+/)) if (s.length > 40) sentences.push(s);
  }
  const queries: string[] = [];
  const rq = createInterface({ input: createReadStream(shared('eval', 'scifact', 'queries.test.jsonl'), 'utf8') });
  for await (const line of rq) queries.push((JSON.parse(line) as { text: string }).text);
  return { sentences, queries };
}

/** The non-empty lines of a text file. */
export async function readLines(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file, 'utf8') })) if (line.trim()) out.push(line);
  return out;
}

/** Deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Opens an engine on `dataDir` filled with `chunks` chunks in documents of `perDoc` chunks
 * (one page each), then builds the indexes (FTS, scalar, and the vector index past its
 * threshold). Returns the engine and load/index times.
 */
export async function buildSyntheticLibrary(
  dataDir: string,
  opts: { chunks: number; perDoc?: number; sentences: string[]; seed?: number; vectorIndexThreshold?: number },
): Promise<{ engine: Engine; loadMs: number; indexMs: number }> {
  const perDoc = opts.perDoc ?? 20;
  const engine = await createEngine({ dataDir, embedder: { kind: 'hash', dimension: 512 }, vectorIndexThreshold: opts.vectorIndexThreshold ?? 50_000 });
  const embedder = await engine.embedder();
  const rand = rng(opts.seed ?? opts.chunks);
  const catalog = engine.documents() as Map<string, DocumentRecord>;
  const t0 = performance.now();
  const now = new Date().toISOString();
  for (let start = 0; start < opts.chunks; start += 5000) {
    const end = Math.min(opts.chunks, start + 5000);
    const items: { docId: string; collection: string; chunks: Chunk[]; vectors: Float32Array[]; heading: string }[] = [];
    const texts: string[] = [];
    for (let d = Math.floor(start / perDoc); d < Math.ceil(end / perDoc); d++) {
      const chunks: Chunk[] = [];
      for (let o = 0; o < perDoc && d * perDoc + o < end; o++) {
        const text = Array.from({ length: 8 }, () => opts.sentences[Math.floor(rand() * opts.sentences.length)]).join(' ');
        texts.push(text);
        chunks.push({ id: `d${d}:${o}`, docId: `d${d}`, ordinal: o, text, pageStart: o + 1, pageEnd: o + 1, charStart: 0, charEnd: text.length, headingPath: [], sectionId: `d${d}:s${o}`, tokenCount: 300 });
      }
      items.push({ docId: `d${d}`, collection: 'bench', chunks, vectors: [], heading: `Document ${d}` });
    }
    const vectors = await embedder.embed(texts);
    let v = 0;
    for (const it of items) it.vectors = it.chunks.map(() => vectors[v++]);
    await engine.store.addChunkBatch(items);
    const docs: DocumentRecord[] = items.map((it) => ({
      docId: it.docId, name: `${it.docId}.pdf`, path: `/bench/${it.docId}.pdf`, format: 'pdf', collection: 'bench', tags: [],
      pages: it.chunks.length, pagesNeedingOcr: 0, chunks: it.chunks.length, bytes: 100_000, mtimeMs: 0, contentHash: it.docId, addedAt: now, status: 'ready', warnings: [],
    }));
    await engine.store.upsertDocuments(docs);
    for (const d of docs) catalog.set(d.docId, d);
  }
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await engine.maintain({ optimize: true });
  return { engine, loadMs, indexMs: performance.now() - t1 };
}

// ---- library-scale libraries with realistic vectors (bench/scale.ts) --------------------------

/** A real passage and its real embedding: the seed the scaled library is grown from. */
export interface PoolPassage {
  title: string;
  text: string;
  vector: Float32Array;
}

/**
 * Real passages with Universal Sentence Encoder vectors. `from` names a Quarry data folder (or
 * its lancedb/ folder) whose `chunks__use-512` table already holds them — e.g. the SciFact
 * index `quarry eval beir` caches — so nothing is embedded; without it the first `size`
 * SciFact abstracts are embedded once (minutes on 2 cores) and cached under `cacheDir`.
 */
export async function loadPassagePool(opts: { from?: string; cacheDir: string; size?: number }): Promise<{ passages: PoolPassage[]; source: string }> {
  if (opts.from) {
    const dir = existsSync(path.join(opts.from, 'lancedb')) ? path.join(opts.from, 'lancedb') : opts.from;
    const db = await lancedb.connect(dir);
    const table = await db.openTable('chunks__use-512');
    const rows = await table.query().select(['heading', 'text', 'vector']).toArray();
    table.close();
    db.close();
    const passages = rows.map((r) => ({ title: String(r.heading), text: String(r.text), vector: Float32Array.from(r.vector as Iterable<number>) }));
    return { passages, source: `${passages.length} SciFact chunks with their USE vectors, read from an existing use-512 index` };
  }
  const size = opts.size ?? 1500;
  const file = path.join(opts.cacheDir, `pool-use512-scifact-${size}.json`);
  if (!existsSync(file)) {
    const docs = (await readFile(shared('eval', 'scifact', 'corpus.jsonl'), 'utf8')).trim().split('\n').slice(0, size).map((l) => JSON.parse(l) as { title: string; text: string });
    const use = new UseEmbedder({ workers: 2 });
    try {
      const vectors = await use.embed(docs.map((d) => `${d.title}. ${d.text}`));
      await mkdir(opts.cacheDir, { recursive: true });
      await writeFile(file, JSON.stringify(docs.map((d, i) => ({ title: d.title, text: d.text, vector: Array.from(vectors[i]) }))));
    } finally {
      await use.close();
    }
  }
  const raw = JSON.parse(await readFile(file, 'utf8')) as { title: string; text: string; vector: number[] }[];
  return { passages: raw.map((r) => ({ ...r, vector: Float32Array.from(r.vector) })), source: `${raw.length} SciFact abstracts embedded with USE (cached)` };
}

/** Real query texts (as the searcher embeds them) with USE vectors, embedded once and cached. */
export async function loadQueryVectors(cacheDir: string, texts: string[]): Promise<Map<string, Float32Array>> {
  const file = path.join(cacheDir, `queries-use512-${texts.length}.json`);
  if (!existsSync(file)) {
    const use = new UseEmbedder({ workers: 2 });
    try {
      const vectors = await use.embed(texts, { kind: 'query' });
      await mkdir(cacheDir, { recursive: true });
      await writeFile(file, JSON.stringify(texts.map((t, i) => [t, Array.from(vectors[i])])));
    } finally {
      await use.close();
    }
  }
  const raw = JSON.parse(await readFile(file, 'utf8')) as [string, number[]][];
  return new Map(raw.map(([t, v]) => [t, Float32Array.from(v)]));
}

/** A standard normal deviate (Box-Muller) from a uniform generator. */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * One synthetic chunk grown from the pool: a real passage with one to two of its sentences
 * dropped, half the time a sentence or two of a second passage appended, and a document code
 * (rare terms, as real libraries have). Its vector follows the text: the first passage's
 * vector plus the second's at the weight its sentences got, plus isotropic noise of norm
 * about `noise`, normalised — so vectors cluster the way the real embeddings do.
 */
export function scaledChunk(pool: PoolPassage[], rand: () => number, code: string, noise = 0.35): { text: string; vector: Float32Array } {
  const p = pool[Math.floor(rand() * pool.length)];
  const sentences = p.text.split(/(?<=[.!?])\s+/);
  const drop = sentences.length > 3 ? Math.floor(rand() * 3) : 0;
  for (let i = 0; i < drop; i++) sentences.splice(1 + Math.floor(rand() * (sentences.length - 1)), 1);
  const dim = p.vector.length;
  const v = Float32Array.from(p.vector);
  if (rand() < 0.5) {
    const q = pool[Math.floor(rand() * pool.length)];
    const extra = q.text.split(/(?<=[.!?])\s+/);
    const take = 1 + Math.floor(rand() * 2);
    const start = Math.floor(rand() * Math.max(1, extra.length - take));
    sentences.push(...extra.slice(start, start + take));
    const beta = 0.1 + 0.3 * rand();
    for (let i = 0; i < dim; i++) v[i] += beta * q.vector[i];
  }
  const s = noise / Math.sqrt(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    v[i] += s * gaussian(rand);
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] /= norm;
  return { text: `${sentences.join(' ')} (${code})`, vector: v };
}

/**
 * Writes a library of `chunks` scaled chunks (documents of `perDoc` chunks) into a Store at
 * `dataDir` (chunk table `use-512`), then builds the text and scalar indexes and compacts —
 * but no vector index: the caller picks it. Returns the load and index times.
 */
export async function buildScaledLibrary(
  dataDir: string,
  opts: { chunks: number; pool: PoolPassage[]; perDoc?: number; seed?: number; noise?: number; onProgress?: (done: number) => void },
): Promise<{ store: Store; loadMs: number; indexMs: number }> {
  const perDoc = opts.perDoc ?? 20;
  const store = await Store.open(dataDir, { embedderId: 'use-512', dimension: 512, vectorIndexThreshold: Number.POSITIVE_INFINITY });
  const rand = rng(opts.seed ?? 7);
  const now = new Date().toISOString();
  const t0 = performance.now();
  for (let start = 0; start < opts.chunks; start += 5000) {
    const end = Math.min(opts.chunks, start + 5000);
    const items: { docId: string; collection: string; chunks: Chunk[]; vectors: Float32Array[]; heading: string }[] = [];
    for (let d = Math.floor(start / perDoc); d * perDoc < end; d++) {
      const code = `QR-${d.toString(36).toUpperCase()}`;
      const chunks: Chunk[] = [];
      const vectors: Float32Array[] = [];
      for (let o = 0; o < perDoc && d * perDoc + o < end; o++) {
        const { text, vector } = scaledChunk(opts.pool, rand, code, opts.noise);
        vectors.push(vector);
        chunks.push({ id: `d${d}:${o}`, docId: `d${d}`, ordinal: o, text, pageStart: o + 1, pageEnd: o + 1, charStart: 0, charEnd: text.length, headingPath: [], sectionId: `d${d}:s${o}`, tokenCount: Math.round(text.length / 5) });
      }
      items.push({ docId: `d${d}`, collection: 'bench', chunks, vectors, heading: `Report ${code}` });
    }
    await store.addChunkBatch(items);
    await store.upsertDocuments(items.map((it) => ({
      docId: it.docId, name: `${it.docId}.pdf`, path: `/bench/${it.docId}.pdf`, format: 'pdf', collection: 'bench', tags: [],
      pages: it.chunks.length, pagesNeedingOcr: 0, chunks: it.chunks.length, bytes: 100_000, mtimeMs: 0, contentHash: it.docId, addedAt: now, status: 'ready', warnings: [],
    })));
    opts.onProgress?.(end);
  }
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await store.ensureIndexes();
  await store.optimize();
  return { store, loadMs, indexMs: performance.now() - t1 };
}
