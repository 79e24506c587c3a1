import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chunk } from '../../main/chunk/types';
import { HashEmbedder } from '../../main/embed/hash';
import { defaultFusion } from '../../main/search/fusion';
import { Searcher } from '../../main/search/searcher';
import { Store, type DocumentRecord } from '../../main/store/store';
import { sharedPath, tempDir } from '../helpers/shared';

const DIM = 64;
/** Past the threshold given below, with enough rows to train any of the index kinds (PQ needs 256). */
const ROWS = 600;
const THRESHOLD = 500;

function chunk(docId: string, ordinal: number, text: string): Chunk {
  return { id: `${docId}:${ordinal}`, docId, ordinal, text, pageStart: 1, pageEnd: 1, charStart: 0, charEnd: text.length, headingPath: [], sectionId: `${docId}:s${ordinal}`, tokenCount: Math.round(text.length / 5) };
}

function record(docId: string, chunks: number): DocumentRecord {
  return {
    docId, name: `${docId}.txt`, path: `/lib/${docId}.txt`, format: 'text', collection: 'default', tags: [], pages: 1, pagesNeedingOcr: 0,
    chunks, bytes: 1000, mtimeMs: 0, contentHash: docId, addedAt: new Date(0).toISOString(), status: 'ready', warnings: [],
  };
}

/**
 * Issue 5: "new documents are searchable as soon as they are indexed, before any background
 * optimize". A table past the vector index threshold, with FTS and vector indexes built, gets
 * one more document; it must be found by text, by vector and by hybrid search at once.
 */
describe('store: a document added to an indexed table is searchable before optimize()', () => {
  let cleanup: () => Promise<void>;
  let store: Store;
  const embedder = new HashEmbedder(DIM);
  const docs = new Map<string, DocumentRecord>();

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir());
    store = await Store.open(path.join(dir, 'lancedb'), { embedderId: `hash-${DIM}`, dimension: DIM, vectorIndexThreshold: THRESHOLD });
    // Real abstracts, one chunk each: BM25 and the vectors see natural text.
    const lines = (await readFile(sharedPath('eval', 'scifact', 'corpus.jsonl'), 'utf8')).split('\n').slice(0, ROWS);
    const texts = lines.map((l) => (JSON.parse(l) as { text: string }).text);
    const vectors = await embedder.embed(texts);
    await store.addChunkBatch(texts.map((t, i) => ({ docId: `s${i}`, collection: 'default', chunks: [chunk(`s${i}`, 0, t)], vectors: [vectors[i]], heading: `Abstract ${i}` })));
    for (let i = 0; i < ROWS; i++) docs.set(`s${i}`, record(`s${i}`, 1));
    await store.ensureIndexes();
    await store.optimize();
  });
  afterAll(async () => {
    store.close();
    await cleanup();
  });

  it('has both indexes before the new document arrives', async () => {
    expect(store.indexState).toEqual({ fts: true, vector: true });
    expect(store.needsOptimize).toBe(false);
  });

  it('serves more candidates than the index ef (k = 200 asks the searcher for 1,000)', async () => {
    const [vector] = await embedder.embed(['tumour suppressor genes in breast cancer']);
    const rows = await store.vectorSearch(vector, 300);
    expect(rows).toHaveLength(300);
    for (let i = 1; i < rows.length; i++) expect(rows[i]._distance!).toBeGreaterThanOrEqual(rows[i - 1]._distance! - 1e-4);
  });

  it('finds the new document by text, by vector and by hybrid search without optimize()', async () => {
    const text = 'Zyxquorbium deposits in the pump housing were measured after the maintenance cycle.';
    const [vector] = await embedder.embed([text]);
    await store.replaceChunks('fresh', 'default', [chunk('fresh', 0, text)], [vector], 'Fresh report');
    docs.set('fresh', record('fresh', 1));
    // The write is pending optimisation: the indexes do not cover it yet.
    expect(store.needsOptimize).toBe(true);
    const indices = await store.db.openTable('chunks__hash-64').then(async (t) => {
      const list = await t.listIndices();
      t.close();
      return list;
    });
    const vectorIndex = indices.find((i) => i.columns.includes('vector'));
    expect(vectorIndex?.numUnindexedRows).toBe(1);
    expect(indices.find((i) => i.columns.includes('text'))?.numUnindexedRows).toBe(1);

    const byText = await store.textSearch('zyxquorbium', 5);
    expect(byText.map((r) => r.id)).toEqual(['fresh:0']);

    const byVector = await store.vectorSearch(vector, 5);
    expect(byVector[0].id).toBe('fresh:0');
    expect(byVector[0]._distance).toBeCloseTo(0, 5);

    const searcher = new Searcher({ store, embedder: async () => embedder, docs: () => docs, fusion: () => ({ ...defaultFusion('use-512') }) });
    const hybrid = await searcher.search({ query: 'zyxquorbium pump housing', k: 5, mode: 'hybrid', filters: {} });
    expect(hybrid.results[0].chunkId).toBe('fresh:0');
    expect(hybrid.results[0].retrievers).toEqual(expect.arrayContaining(['text', 'vector']));
  });

  it('keeps LanceDB caches in a bounded session (what searches loaded is held there, under the cap)', async () => {
    // The session is really in use: indexes read by the searches above are cached in it.
    // (Passed any other way than `connect(dir, { session })` it is dropped and stays empty.)
    const usage = store.cacheUsage();
    expect(usage.items).toBeGreaterThan(0);
    expect(usage.bytes).toBeGreaterThan(0);
    expect(usage.bytes).toBeLessThanOrEqual(store.cacheSizes.indexBytes + store.cacheSizes.metadataBytes);
    expect(store.cacheSizes.indexBytes).toBeLessThan(6 * 2 ** 30);
  });
});
