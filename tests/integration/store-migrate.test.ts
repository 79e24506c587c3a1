import { readFile } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchQuery } from '../../contract';
import { defaultFusion } from '../../main/search/fusion';
import { Searcher } from '../../main/search/searcher';
import type { Chunk } from '../../main/chunk/types';
import type { MigrationProgress } from '../../main/store/migrate';
import { chunkTableName, Store, type DocumentRecord } from '../../main/store/store';
import { sharedPath, tempDir } from '../helpers/shared';

const EMBEDDER = 'test-8';
const DIM = 8;

/** The chunk table as the previous version wrote it (before `text_fts`), kept here on purpose. */
function oldChunkSchema(dimension: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('collection', new Utf8(), false),
    new Field('ordinal', new Int32(), false),
    new Field('text', new Utf8(), false),
    new Field('heading', new Utf8(), false),
    new Field('section_id', new Utf8(), false),
    new Field('page_start', new Int32(), false),
    new Field('page_end', new Int32(), false),
    new Field('char_start', new Int32(), false),
    new Field('char_end', new Int32(), false),
    new Field('tokens', new Int32(), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
  ]);
}

const NON_LATIN: Record<string, string> = {
  ja: 'ポリエチレン絶縁電線に裸線をより合わせて引込用に使用されるデュプレックス絶縁電線',
  ko: '빅포인트의 유효기간은 5년으로, 유효기간 만료 시 월 단위로 자동 소멸',
  th: 'เวกเตอร์ที่มีขนาดเท่ากับ u v ในข้อดังกล่าว และตั้งฉากกับระนาบที่ผ่าน',
  ar: 'يصبح من الممكن معالجة كميات هائلة من البيانات واستخراج الأنماط',
  ru: 'Исследование показало, что новые материалы улучшают прочность конструкций.',
};

interface Doc {
  id: string;
  text: string;
}

function row(d: Doc): Record<string, unknown> {
  return {
    id: `${d.id}:0`, doc_id: d.id, collection: 'default', ordinal: 0, text: d.text, heading: '', section_id: `${d.id}:s0`,
    page_start: 1, page_end: 1, char_start: 0, char_end: d.text.length, tokens: Math.ceil(d.text.length / 4),
    vector: new Array(DIM).fill(1 / Math.sqrt(DIM)),
  };
}

function record(d: Doc): DocumentRecord {
  return {
    docId: d.id, name: `${d.id}.txt`, path: `/docs/${d.id}.txt`, format: 'text', collection: 'default', tags: [], pages: 1, pagesNeedingOcr: 0,
    chunks: 1, bytes: d.text.length, mtimeMs: 0, contentHash: d.id, addedAt: '2026-01-01T00:00:00Z', status: 'ready', warnings: [],
  };
}

/** Writes a library the way the previous version did: old chunk schema and its two FTS indexes. */
async function writeOldLibrary(dir: string, docs: Doc[]): Promise<void> {
  const db = await lancedb.connect(dir);
  const table = await db.createEmptyTable(chunkTableName(EMBEDDER), oldChunkSchema(DIM));
  await table.add(docs.map(row));
  const fts = lancedb.Index.fts({ withPosition: true, stem: true, language: 'English', removeStopWords: true, asciiFolding: true, lowercase: true });
  await table.createIndex('text', { config: fts, replace: true });
  await table.createIndex('heading', { config: lancedb.Index.fts({ withPosition: false, stem: true, language: 'English', removeStopWords: true, asciiFolding: true }), replace: true });
  table.close();
  db.close();
}

describe('store: a library written before the multilingual column', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let docs: Doc[];
  let queries: string[];
  /** Top ten ids and BM25 scores of each English query, as the previous version's search returned them. */
  const before = new Map<string, { id: string; score: number }[]>();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const corpus = (await readFile(sharedPath('eval', 'scifact', 'corpus.jsonl'), 'utf8')).split('\n').slice(0, 400).filter(Boolean);
    docs = corpus.map((l) => JSON.parse(l) as { _id: string; title: string; text: string }).map((d) => ({ id: d._id, text: `${d.title}\n\n${d.text}` }));
    docs.push(...Object.entries(NON_LATIN).map(([lang, text]) => ({ id: `nl-${lang}`, text })));
    const qs = (await readFile(sharedPath('eval', 'scifact', 'queries.test.jsonl'), 'utf8')).split('\n').filter(Boolean);
    queries = qs.slice(0, 25).map((l) => (JSON.parse(l) as { text: string }).text);
    await writeOldLibrary(dir, docs);
    const db = await lancedb.connect(dir);
    const table = await db.openTable(chunkTableName(EMBEDDER));
    for (const q of queries) {
      const rows = await table.query().fullTextSearch(new lancedb.MatchQuery(q, 'text')).select(['id', '_score']).limit(10).toArray();
      before.set(q, rows.map((r) => ({ id: String(r.id), score: Number(r._score) })));
    }
    table.close();
    db.close();
  });
  afterAll(async () => cleanup());

  function searcher(store: Store): Searcher {
    const catalog = new Map(docs.map((d) => [d.id, record(d)]));
    return new Searcher({ store, embedder: () => Promise.reject(new Error('text mode needs no embedder')), docs: () => catalog, fusion: () => defaultFusion(EMBEDDER) });
  }

  it('opens read-only without touching it, and English search works', async () => {
    const store = await Store.open(dir, { embedderId: EMBEDDER, dimension: DIM, readOnly: true });
    try {
      expect(store.multilingual).toBe(false);
      const res = await searcher(store).search(SearchQuery.parse({ query: queries[0], k: 10, mode: 'text' }), { exact: false });
      expect(res.results.map((r) => r.chunkId)).toEqual(before.get(queries[0])!.map((r) => r.id));
      const db = await lancedb.connect(dir);
      const fields = (await (await db.openTable(chunkTableName(EMBEDDER))).schema()).fields.map((f) => f.name);
      expect(fields).not.toContain('text_fts');
      db.close();
    } finally {
      store.close();
    }
  });

  it('migrates on open, resuming one cut short, with progress and no row lost', async () => {
    // A first migration that stopped right after adding the column (nothing backfilled, no index).
    const db = await lancedb.connect(dir);
    const t = await db.openTable(chunkTableName(EMBEDDER));
    await t.addColumns([{ name: 'text_fts', valueSql: 'CAST(NULL AS STRING)' }]);
    t.close();
    db.close();

    const progress: MigrationProgress[] = [];
    const store = await Store.open(dir, { embedderId: EMBEDDER, dimension: DIM, onMigration: (p) => progress.push(p) });
    try {
      const nonLatin = Object.keys(NON_LATIN).length;
      expect(progress[0]).toEqual({ step: 'text_fts', done: 0, total: nonLatin });
      expect(progress.at(-1)).toEqual({ step: 'text_fts', done: nonLatin, total: nonLatin });
      expect(store.multilingual).toBe(true);
      expect(await store.countChunks()).toBe(docs.length);
      const ja = await store.chunksByDoc('nl-ja');
      expect(ja[0].text).toBe(NON_LATIN.ja); // rewritten row keeps its content
      const s = searcher(store);
      // English ranks exactly as before: same chunks, same order, same BM25 scores.
      for (const q of queries) {
        const res = await s.search(SearchQuery.parse({ query: q, k: 10, mode: 'text' }), { exact: false });
        const old = before.get(q)!;
        expect(res.results.map((r) => r.chunkId)).toEqual(old.map((r) => r.id));
        res.results.forEach((r, i) => expect(r.score).toBeCloseTo(old[i].score, 4));
      }
      // And the other scripts are now found by words inside their runs of text.
      for (const [lang, q] of [['ja', '絶縁電線'], ['ko', '유효기간'], ['th', 'ระนาบ'], ['ar', 'بيانات'], ['ru', 'прочностью']]) {
        const res = await s.search(SearchQuery.parse({ query: q, k: 3, mode: 'text' }));
        expect(res.results[0]?.docId, q).toBe(`nl-${lang}`);
      }
    } finally {
      store.close();
    }
    // Done once: the next open has nothing to migrate.
    const again: MigrationProgress[] = [];
    const reopened = await Store.open(dir, { embedderId: EMBEDDER, dimension: DIM, onMigration: (p) => again.push(p) });
    expect(again).toEqual([]);
    expect(reopened.multilingual).toBe(true);
    reopened.close();
  });
});

describe('store: a new library', () => {
  it('writes the multilingual column from the first chunk, only where it differs, and rebuilds keep it', async () => {
    const { dir, cleanup } = await tempDir();
    const chunk = (docId: string, text: string): Chunk => ({
      id: `${docId}:0`, docId, ordinal: 0, text, pageStart: 1, pageEnd: 1, charStart: 0, charEnd: text.length, headingPath: [], sectionId: `${docId}:s0`, tokenCount: 10,
    });
    const vec = () => new Float32Array(DIM).fill(1 / Math.sqrt(DIM));
    try {
      const store = await Store.open(dir, { embedderId: EMBEDDER, dimension: DIM });
      await store.replaceChunks('en', 'default', [chunk('en', 'Protein folding in cells')], [vec()], '');
      await store.replaceChunks('ko', 'default', [chunk('ko', NON_LATIN.ko)], [vec()], '');
      expect(store.multilingual).toBe(true);
      // An index rebuild for another embedder rewrites rows from their text: the column follows.
      const next = await Store.open(dir, { embedderId: 'other-8', dimension: DIM });
      await next.replaceChunkRows('ko', await store.chunksByDoc('ko'), [vec()]);
      for (const [s, name] of [[store, EMBEDDER], [next, 'other-8']] as const) {
        const rows = await (await s.db.openTable(chunkTableName(name))).query().select(['doc_id', 'text_fts']).toArray();
        const byDoc = new Map(rows.map((r) => [String(r.doc_id), String(r.text_fts ?? '')]));
        if (name === EMBEDDER) expect(byDoc.get('en')).toBe('');
        expect(byDoc.get('ko')?.split(' ')).toContain('포인');
      }
      next.close();
      store.close();
    } finally {
      await cleanup();
    }
  });
});
