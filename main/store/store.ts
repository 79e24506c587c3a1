import { mkdir } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import type { DocumentInfo } from '../../contract';
import type { Chunk } from '../chunk/types';
import { QuarryError } from '../util/errors';
import { lanceSession, type CacheSizes } from './cache';
import { migrateChunkTable, type MigrationProgress } from './migrate';
import { chunkRow, chunkRowWithVector, documentToRow, rowToDocument } from './rows';
import { CHUNK_COLUMNS, chunkSchema, documentSchema, pageSchema } from './schema';
import { applyTuning, tuningFor, VECTOR_INDEX_MIN_ROWS, vectorIndexPlan, type VectorQueryTuning } from './vector-index';

/** A chunk row as stored (without its vector). */
export interface ChunkRow {
  id: string;
  doc_id: string;
  collection: string;
  ordinal: number;
  text: string;
  heading: string;
  section_id: string;
  page_start: number;
  page_end: number;
  char_start: number;
  char_end: number;
  tokens: number;
}

export interface ScoredRow extends ChunkRow {
  /** BM25 score (text search) or cosine distance (vector search). */
  _score?: number;
  _distance?: number;
}

/** What the engine keeps per document: the contract's view plus change detection. */
export interface DocumentRecord extends DocumentInfo {
  mtimeMs: number;
}

export interface StoreOptions {
  /** The embedder whose vectors the chunk table holds; its id names the table. */
  embedderId: string;
  dimension: number;
  /** Build an approximate vector index once the table has this many rows. */
  vectorIndexThreshold?: number;
  /** Never write: no schema migration on open (searches then use the English index alone). */
  readOnly?: boolean;
  /** Progress of a schema migration run on open (a library written by an earlier version). */
  onMigration?: (p: MigrationProgress) => void;
  /** Overrides the vector index's query settings (benchmarks sweep them; see vector-index.ts). */
  vectorQuery?: VectorQueryTuning;
  /** LanceDB cache sizes; by default bounded for a desktop app (see cache.ts). */
  cache?: Partial<CacheSizes>;
}

/** Quote a string for a LanceDB SQL predicate. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function chunkTableName(embedderId: string): string {
  return `chunks__${embedderId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * LanceDB storage for one library: documents, pages and chunks (one chunk table per embedder,
 * so changing the model builds a new table while the old one keeps serving).
 *
 * @example
 * const store = await Store.open(dir, { embedderId: 'use-512', dimension: 512 });
 * await store.replaceDocument(doc, chunks, vectors, pages);
 */
export class Store {
  private ftsReady = false;
  /** The `text_fts` index (CJK, Thai, Arabic, Cyrillic) exists: see search/tokenize.ts. */
  private multilingualReady = false;
  private vectorIndexed = false;
  /** Query settings for the vector index present (its type decides them). */
  private vectorTuning: VectorQueryTuning = {};
  /** Writes run one at a time: concurrent commits (two jobs creating the first index) conflict. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Writes since the last optimize: new rows are searched unindexed (slower) until then. */
  private unoptimized = 0;
  /** Chunk rows written since the last optimize began (each search scans them unindexed). */
  private newChunks = 0;

  private constructor(
    readonly db: lancedb.Connection,
    private readonly docs: lancedb.Table,
    private readonly pages: lancedb.Table,
    private chunks: lancedb.Table,
    private opts: Required<Omit<StoreOptions, 'onMigration' | 'vectorQuery' | 'cache'>> & Pick<StoreOptions, 'vectorQuery'>,
    /** The LanceDB cache sizes this store's connection was opened with. */
    readonly cacheSizes: CacheSizes,
    private readonly session: lancedb.Session,
  ) {}

  /** What LanceDB's caches hold now (bytes, entries): bounded by {@link cacheSizes}. */
  cacheUsage(): { bytes: number; items: number } {
    return { bytes: Number(this.session.sizeBytes()), items: this.session.approxNumItems() };
  }

  /** The embedder whose vectors the serving chunk table holds. */
  get embedderId(): string {
    return this.opts.embedderId;
  }

  get dimension(): number {
    return this.opts.dimension;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.unoptimized++;
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  static async open(dir: string, opts: StoreOptions): Promise<Store> {
    await mkdir(dir, { recursive: true });
    try {
      const { session, sizes } = await lanceSession(dir, opts.cache);
      const db = await lancedb.connect(dir, { session });
      const names = new Set(await db.tableNames());
      const docs = names.has('documents') ? await db.openTable('documents') : await db.createEmptyTable('documents', documentSchema(), { existOk: true });
      const pages = names.has('pages') ? await db.openTable('pages') : await db.createEmptyTable('pages', pageSchema(), { existOk: true });
      const chunks = await openChunkTable(db, opts.embedderId, opts.dimension);
      const { onMigration, cache: _cache, ...rest } = opts;
      const store = new Store(db, docs, pages, chunks, { vectorIndexThreshold: VECTOR_INDEX_MIN_ROWS, readOnly: false, ...rest }, sizes, session);
      const rewritten = opts.readOnly ? 0 : await migrateChunkTable(chunks, onMigration);
      await store.refreshIndexState();
      // A migrated library is searchable in every script at once, not after the next write.
      // Rewritten rows are searched unindexed until the next optimize, as new rows always are
      // (optimizing here would also shift English BM25 scores by a fraction of a percent).
      if (!opts.readOnly && store.ftsReady && !store.multilingualReady) await store.ensureIndexes();
      store.unoptimized += rewritten > 0 ? 1 : 0;
      return store;
    } catch (e) {
      if (e instanceof QuarryError) throw e;
      throw new QuarryError('STORE_FAILED', `Could not open the library at ${dir}: ${(e as Error).message}`, {
        hint: 'Check that the folder is writable and not on a full disk.',
        cause: e,
      });
    }
  }

  private async refreshIndexState(): Promise<void> {
    const idx = await this.chunks.listIndices();
    this.ftsReady = idx.some((i) => i.columns.includes('text') && i.indexType === 'FTS');
    this.multilingualReady = idx.some((i) => i.columns.includes('text_fts') && i.indexType === 'FTS');
    const vector = idx.find((i) => i.columns.includes('vector'));
    this.vectorIndexed = vector !== undefined;
    const indexedRows = vector && !this.opts.vectorQuery ? ((await this.chunks.indexStats(vector.name))?.numIndexedRows ?? 0) : 0;
    this.vectorTuning = this.opts.vectorQuery ?? tuningFor(vector?.indexType, indexedRows);
  }

  get indexState(): { fts: boolean; vector: boolean } {
    return { fts: this.ftsReady, vector: this.vectorIndexed };
  }

  /** Whether `text_fts` can be searched (false only for an unmigrated library opened read-only). */
  get multilingual(): boolean {
    return this.multilingualReady;
  }

  // ---- documents -------------------------------------------------------------------------

  async loadDocuments(): Promise<DocumentRecord[]> {
    const rows = await this.docs.query().toArray();
    return rows.map(rowToDocument);
  }

  /**
   * Writes a document's row. `fresh`: it has none yet (see {@link replaceChunks}), so it is
   * appended: the merge-insert joins against the whole table and was the costliest write of an
   * ingest (~11 ms of LanceDB CPU per file at 300 documents, against ~3-4 ms for the pages and
   * the chunks).
   */
  async upsertDocument(doc: DocumentRecord, opts: { fresh?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      if (opts.fresh) await this.docs.add([documentToRow(doc)]);
      else await this.docs.mergeInsert('doc_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([documentToRow(doc)]);
    });
  }

  /** Removes a document and everything derived from it. Chunks go first: never orphans. */
  async deleteDocument(docId: string): Promise<void> {
    return this.exclusive(async () => {
      const where = `doc_id = ${sqlString(docId)}`;
      await this.chunks.delete(where);
      await this.pages.delete(where);
      await this.docs.delete(where);
    });
  }

  /**
   * Replaces a document's chunks in one commit: a concurrent search sees either the old
   * chunks or the new ones, never a mix (merge-insert on the chunk id plus delete-by-source
   * of the old ones that are gone).
   *
   * `fresh`: the document has never had rows (no catalog entry before this ingest, so nothing of
   * it can be in the tables: removals delete chunks and pages before the document row, and
   * orphans are swept at open). Its chunks are then appended, still in one commit, instead of
   * merged: a merge-insert that deletes by source joins against the whole table, so a long
   * ingest's writes grew with the library.
   */
  async replaceChunks(
    docId: string,
    collection: string,
    chunks: Chunk[],
    vectors: Float32Array[],
    headingPrefix: string,
    embedderId?: string,
    opts: { fresh?: boolean } = {},
  ): Promise<void> {
    return this.exclusive(async () => {
      if (embedderId && embedderId !== this.opts.embedderId) {
        // The index switched to a new embedder while these vectors were computed.
        throw new QuarryError('STORE_FAILED', `The library now uses the ${this.opts.embedderId} embedder; the passages will be embedded again.`, { retryable: true });
      }
      const rows = chunks.map((c, i) => chunkRow(docId, collection, c, vectors[i], headingPrefix));
      const where = `doc_id = ${sqlString(docId)}`;
      if (rows.length === 0) {
        if (!opts.fresh) await this.chunks.delete(where);
        return;
      }
      if (opts.fresh) await this.chunks.add(rows);
      else
        await this.chunks
          .mergeInsert('id')
          .whenMatchedUpdateAll()
          .whenNotMatchedInsertAll()
          .whenNotMatchedBySourceDelete({ where })
          .execute(rows);
      this.newChunks += rows.length;
      // Full-text search needs the index to exist; rows added after it are searched unindexed
      // until the next optimize, so the first document is searchable at once.
      if (!this.ftsReady) await this.buildIndexes();
    });
  }

  /**
   * Appends many documents' chunks in one commit. Only for documents that have no chunks yet
   * (bulk loads such as evaluation corpora); re-ingestion goes through replaceChunks.
   */
  async addChunkBatch(items: { docId: string; collection: string; chunks: Chunk[]; vectors: Float32Array[]; heading: string }[]): Promise<void> {
    return this.exclusive(async () => {
      const rows = items.flatMap((it) => it.chunks.map((c, i) => chunkRow(it.docId, it.collection, c, it.vectors[i], it.heading)));
      if (rows.length) await this.chunks.add(rows);
      this.newChunks += rows.length;
      if (!this.ftsReady) await this.buildIndexes();
    });
  }

  async upsertDocuments(docs: DocumentRecord[]): Promise<void> {
    return this.exclusive(async () => {
      if (docs.length) await this.docs.mergeInsert('doc_id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(docs.map(documentToRow));
    });
  }

  /** A document's page texts, replaced in one commit (`fresh`: see {@link replaceChunks}). */
  async replacePages(docId: string, pages: { page: number; text: string }[], opts: { fresh?: boolean } = {}): Promise<void> {
    return this.exclusive(async () => {
      const where = `doc_id = ${sqlString(docId)}`;
      const rows = pages.map((p) => ({ id: `${docId}:p${p.page}`, doc_id: docId, page: p.page, text: p.text }));
      if (rows.length === 0) {
        if (!opts.fresh) await this.pages.delete(where);
        return;
      }
      if (opts.fresh) await this.pages.add(rows);
      else await this.pages.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().whenNotMatchedBySourceDelete({ where }).execute(rows);
    });
  }

  /** Writes already-chunked rows (re-embedded by an index rebuild) for one document, atomically. */
  async replaceChunkRows(docId: string, rows: ChunkRow[], vectors: Float32Array[]): Promise<void> {
    return this.exclusive(async () => {
      const where = `doc_id = ${sqlString(docId)}`;
      if (rows.length === 0) {
        await this.chunks.delete(where);
        return;
      }
      const data = rows.map((r, i) => chunkRowWithVector(r, vectors[i]));
      await this.chunks.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().whenNotMatchedBySourceDelete({ where }).execute(data);
      this.newChunks += data.length;
      if (!this.ftsReady) await this.buildIndexes();
    });
  }

  /**
   * Makes `next`'s chunk table (a rebuilt index for another embedder) the serving one, if
   * `ready()` still holds once all pending writes are done. Searches switch over at once.
   */
  async adopt(next: Store, ready: () => boolean): Promise<boolean> {
    return this.exclusive(async () => {
      if (!ready()) return false;
      const old = this.chunks;
      this.chunks = next.chunks;
      this.opts = { ...this.opts, embedderId: next.opts.embedderId, dimension: next.opts.dimension };
      this.ftsReady = next.ftsReady;
      this.multilingualReady = next.multilingualReady;
      this.vectorIndexed = next.vectorIndexed;
      this.vectorTuning = next.vectorTuning;
      old.close();
      return true;
    });
  }

  /** Drops the chunk table of an embedder no longer in use. */
  async dropChunkTable(embedderId: string): Promise<void> {
    const name = chunkTableName(embedderId);
    if (embedderId !== this.opts.embedderId && (await this.db.tableNames()).includes(name)) await this.db.dropTable(name);
  }

  async getPage(docId: string, page: number): Promise<string | undefined> {
    const rows = await this.pages.query().where(`id = ${sqlString(`${docId}:p${page}`)}`).select(['text']).limit(1).toArray();
    return rows[0]?.text as string | undefined;
  }

  // ---- chunks ----------------------------------------------------------------------------

  async countChunks(where?: string): Promise<number> {
    return this.chunks.countRows(where);
  }

  async chunkDocIds(): Promise<Set<string>> {
    const rows = await this.chunks.query().select(['doc_id']).toArray();
    return new Set(rows.map((r) => r.doc_id as string));
  }

  async chunksBySection(sectionId: string): Promise<ChunkRow[]> {
    const rows = await this.chunks.query().where(`section_id = ${sqlString(sectionId)}`).select(CHUNK_COLUMNS).toArray();
    return (rows as ChunkRow[]).sort((a, b) => a.ordinal - b.ordinal);
  }

  async chunksByDoc(docId: string): Promise<ChunkRow[]> {
    const rows = await this.chunks.query().where(`doc_id = ${sqlString(docId)}`).select(CHUNK_COLUMNS).toArray();
    return (rows as ChunkRow[]).sort((a, b) => a.ordinal - b.ordinal);
  }

  /** The stored vectors of some chunks (for diversifying results without embedding again). */
  async chunkVectors(ids: string[]): Promise<Map<string, Float32Array>> {
    if (ids.length === 0) return new Map();
    const rows = await this.chunks.query().where(`id IN (${ids.map(sqlString).join(',')})`).select(['id', 'vector']).limit(ids.length).toArray();
    const vec = (v: unknown): Float32Array => Float32Array.from((v as { toArray?: () => ArrayLike<number> }).toArray?.() ?? (v as ArrayLike<number>));
    return new Map(rows.map((r) => [r.id as string, vec(r.vector)]));
  }

  /**
   * Deletes chunks and pages whose document row is gone: a removal cut short by a crash, or a new
   * document whose ingest was (its row is written last).
   */
  async sweepOrphans(liveDocIds: Set<string>): Promise<number> {
    return this.exclusive(async () => {
      const orphans = [...(await this.chunkDocIds())].filter((d) => !liveDocIds.has(d));
      const pageRows = await this.pages.query().select(['doc_id']).toArray();
      const orphanPages = new Set(pageRows.map((r) => r.doc_id as string).filter((d) => !liveDocIds.has(d)));
      let n = 0;
      if (orphans.length > 0) {
        const where = `doc_id IN (${orphans.map(sqlString).join(',')})`;
        n = await this.chunks.countRows(where);
        await this.chunks.delete(where);
      }
      if (orphanPages.size > 0) await this.pages.delete(`doc_id IN (${[...orphanPages].map(sqlString).join(',')})`);
      return n;
    });
  }

  // ---- search primitives -----------------------------------------------------------------

  /** Nearest chunks by cosine distance; exact below the index threshold. */
  async vectorSearch(vector: Float32Array, limit: number, where?: string): Promise<ScoredRow[]> {
    let q = this.chunks.vectorSearch(Array.from(vector)).distanceType('cosine').select([...CHUNK_COLUMNS, '_distance']).limit(limit);
    if (this.vectorIndexed) q = applyTuning(q, this.vectorTuning, limit);
    if (where) q = q.where(where);
    return (await q.toArray()) as ScoredRow[];
  }

  /** BM25 over the text (and boosted heading) fields. */
  async textSearch(query: string | lancedb.FullTextQuery, limit: number, where?: string): Promise<ScoredRow[]> {
    if (!this.ftsReady) {
      await this.refreshIndexState(); // another process may have built it
      if (!this.ftsReady) return []; // no chunk was ever written
    }
    let q = this.chunks.query().fullTextSearch(query).select([...CHUNK_COLUMNS, '_score']).limit(limit);
    if (where) q = q.where(where);
    return (await q.toArray()) as ScoredRow[];
  }

  // ---- indexes and maintenance -----------------------------------------------------------

  /** Creates missing indexes. Cheap when they exist; new rows stay searchable unindexed. */
  async ensureIndexes(): Promise<void> {
    return this.exclusive(() => this.buildIndexes()).finally(() => this.unoptimized--);
  }

  private async buildIndexes(): Promise<void> {
    const rows = await this.chunks.countRows();
    if (rows === 0) return;
    if (!this.ftsReady) {
      const fts = lancedb.Index.fts({ withPosition: true, stem: true, language: 'English', removeStopWords: true, asciiFolding: true, lowercase: true });
      await this.chunks.createIndex('text', { config: fts, replace: true });
      await this.chunks.createIndex('heading', { config: lancedb.Index.fts({ withPosition: false, stem: true, language: 'English', removeStopWords: true, asciiFolding: true }), replace: true });
      await this.chunks.createIndex('doc_id', { config: lancedb.Index.btree(), replace: true });
      await this.chunks.createIndex('section_id', { config: lancedb.Index.btree(), replace: true });
      await this.chunks.createIndex('collection', { config: lancedb.Index.bitmap(), replace: true });
    }
    if (!this.multilingualReady && (await this.chunks.schema()).fields.some((f) => f.name === 'text_fts')) {
      // Pre-tokenised text (search/tokenize.ts), split on spaces only: the simple tokenizer would
      // cut Thai words at their combining marks. The Russian stemmer changes Cyrillic tokens only
      // (its suffix rules need Cyrillic vowels), so CJK bigrams, Thai words and the already
      // light-stemmed Arabic pass through it unchanged.
      const fts = lancedb.Index.fts({ baseTokenizer: 'whitespace', withPosition: true, stem: true, language: 'Russian', removeStopWords: false, asciiFolding: false, lowercase: true });
      await this.chunks.createIndex('text_fts', { config: fts, replace: true });
    }
    const plan = this.vectorIndexed ? undefined : vectorIndexPlan(rows, this.opts.dimension, this.opts.vectorIndexThreshold);
    if (plan) await this.chunks.createIndex('vector', { config: plan.index, replace: true });
    await this.refreshIndexState();
  }

  /** True when rows were written since the last optimize. */
  get needsOptimize(): boolean {
    return this.unoptimized > 0;
  }

  /** Chunk rows written since the last optimize: searched unindexed until the next one. */
  get unindexedChunks(): number {
    return this.newChunks;
  }

  /** Compacts files, folds new rows into the indexes and drops old versions. */
  async optimize(): Promise<void> {
    return this.exclusive(async () => {
      const pending = this.unoptimized;
      const pendingChunks = this.newChunks;
      for (const t of [this.chunks, this.docs, this.pages]) {
        await t.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
      }
      // Writes queued behind this one still count.
      this.unoptimized = Math.max(0, this.unoptimized - pending);
      this.newChunks = Math.max(0, this.newChunks - pendingChunks);
    });
  }

  /** Closes a store whose chunk table was adopted by another (keeps that table open). */
  release(): void {
    this.docs.close();
    this.pages.close();
  }

  close(): void {
    for (const t of [this.chunks, this.docs, this.pages]) t.close();
    this.db.close();
  }
}

async function openChunkTable(db: lancedb.Connection, embedderId: string, dimension: number): Promise<lancedb.Table> {
  const name = chunkTableName(embedderId);
  const names = new Set(await db.tableNames());
  if (!names.has(name)) return db.createEmptyTable(name, chunkSchema(dimension), { existOk: true });
  const table = await db.openTable(name);
  const field = (await table.schema()).fields.find((f) => f.name === 'vector');
  const dim = (field?.type as { listSize?: number } | undefined)?.listSize;
  if (dim !== dimension) {
    throw new QuarryError('STORE_FAILED', `The index ${name} holds ${dim}-d vectors but the embedder gives ${dimension}-d ones.`, {
      hint: 'Choose the embedder the library was built with, or rebuild the index for the new one.',
    });
  }
  return table;
}
