/**
 * Synthetic libraries at scale for benchmarks: real SciFact sentences recombined into chunks
 * (so BM25 sees natural term statistics), embedded with the fast hash embedder (512-d), bulk
 * loaded through the store, then indexed. Text stays realistic; only the volume is made up.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Chunk } from '../main/chunk/types';
import { createEngine, type Engine } from '../main/engine';
import type { DocumentRecord } from '../main/store/store';
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
