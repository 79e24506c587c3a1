/**
 * Hybrid search latency at library scale: builds libraries of N chunks from real SciFact text
 * (scaled up by recombining sentences), then times in-process hybrid, text and vector queries.
 * Run: npx tsx bench/search-latency.ts [--sizes 10000,100000] [--queries 200]
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SearchMode } from '../contract';
import type { Chunk } from '../main/chunk/types';
import { createEngine } from '../main/engine';
import { percentile, printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, queries: { type: 'string' } } });
const sizes = (values.sizes ?? '10000,100000').split(',').map(Number);
const nQueries = Number(values.queries ?? 200);

async function loadSentences(): Promise<{ sentences: string[]; queries: string[] }> {
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
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { sentences, queries } = await loadSentences();
const results: Record<string, unknown>[] = [];
for (const size of sizes) {
  const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
  try {
    const engine = await createEngine({ dataDir: dir, embedder: { kind: 'hash', dimension: 512 }, vectorIndexThreshold: 50_000 });
    const embedder = await engine.embedder();
    const rand = rng(size);
    const t0 = performance.now();
    const perDoc = 20;
    for (let start = 0; start < size; start += 5000) {
      const items: { docId: string; collection: string; chunks: Chunk[]; vectors: Float32Array[]; heading: string }[] = [];
      const texts: string[] = [];
      for (let d = start / perDoc; d < Math.min(size, start + 5000) / perDoc; d++) {
        const chunks: Chunk[] = [];
        for (let o = 0; o < perDoc; o++) {
          const text = Array.from({ length: 8 }, () => sentences[Math.floor(rand() * sentences.length)]).join(' ');
          texts.push(text);
          chunks.push({ id: `d${d}:${o}`, docId: `d${d}`, ordinal: o, text, pageStart: o + 1, pageEnd: o + 1, charStart: 0, charEnd: text.length, headingPath: [], sectionId: `d${d}:s0`, tokenCount: 300 });
        }
        items.push({ docId: `d${d}`, collection: 'bench', chunks, vectors: [], heading: '' });
      }
      const vectors = await embedder.embed(texts);
      let v = 0;
      for (const it of items) it.vectors = it.chunks.map(() => vectors[v++]);
      await engine.store.addChunkBatch(items);
      const now = new Date().toISOString();
      await engine.store.upsertDocuments(items.map((it) => ({ docId: it.docId, name: `${it.docId}.txt`, path: `/bench/${it.docId}.txt`, format: 'text' as const, collection: 'bench', tags: [], pages: perDoc, pagesNeedingOcr: 0, chunks: perDoc, bytes: 0, mtimeMs: 0, contentHash: '', addedAt: now, status: 'ready' as const, warnings: [] })));
      for (const it of items) (engine.documents() as Map<string, unknown>).set(it.docId, { docId: it.docId, name: `${it.docId}.txt`, path: `/bench/${it.docId}.txt`, collection: 'bench', tags: [], format: 'text' });
    }
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    await engine.maintain();
    const indexMs = performance.now() - t1;
    const row: Record<string, unknown> = { chunks: size, loadSeconds: round(loadMs / 1000), indexSeconds: round(indexMs / 1000), indexes: engine.store.indexState };
    for (const mode of ['hybrid', 'text', 'vector'] as SearchMode[]) {
      const fusion = { method: 'minmax' as const, denseWeight: 0.2, rrfK: 60 };
      // Warm up caches, then time.
      for (const q of queries.slice(0, 10)) await engine.searcher.search({ query: q, k: 10, mode, filters: {} }, { fusion });
      const times: number[] = [];
      for (const q of queries.slice(0, nQueries)) {
        const s = performance.now();
        await engine.searcher.search({ query: q, k: 10, mode, filters: {} }, { fusion });
        times.push(performance.now() - s);
      }
      row[`${mode}P50`] = round(percentile(times, 50));
      row[`${mode}P95`] = round(percentile(times, 95));
    }
    results.push(row);
    await engine.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
printTable(
  ['chunks', 'load s', 'index s', 'hybrid p50', 'hybrid p95', 'text p50', 'text p95', 'vector p50', 'vector p95'],
  results.map((r) => [r.chunks as number, r.loadSeconds as number, r.indexSeconds as number, r.hybridP50 as number, r.hybridP95 as number, r.textP50 as number, r.textP95 as number, r.vectorP50 as number, r.vectorP95 as number]),
);
console.log(`written ${await writeResult('search-latency', { queries: nQueries, embedder: 'hash-256 (query embedding excluded from the measure by design: see bench/README.md)', results })}`);
