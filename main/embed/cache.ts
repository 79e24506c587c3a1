import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { EmbedderInfo } from '../../contract';
import type { Embedder, EmbedOptions } from './types';

const MAGIC = Buffer.from('QEMBCACH', 'latin1');
const VERSION = 1;
const HEADER_SIZE = 32;
const KEY_SIZE = 32;
const SCAN_CHUNK = 4 << 20;

/**
 * A persistent store of embeddings for one model: an append-only file
 * `<dir>/<model>-<hash>.qec` of fixed-size records (sha256 key, float32 vector, crc32) behind a
 * 32-byte header (magic, version, dimension). The key → record index is built lazily by one
 * scan; vectors stay on disk and are read on demand. A torn or corrupt tail (a crash mid-write)
 * is cut off at the first bad record on open; every read re-checks key and crc, so a damaged
 * record is a miss, never a wrong vector.
 *
 * One process writes a given file at a time (the engine). A second writer could make some of
 * its records unreachable until the next open, never wrong.
 */
export class EmbeddingCache {
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    /** The cache file. */
    readonly file: string,
    readonly dimension: number,
    private readonly reader: FileHandle,
    private readonly appender: FileHandle,
    private readonly index: Map<string, number>,
    private end: number,
  ) {}

  /** Opens (creating or repairing) the cache file of `modelId` in `dir`. */
  static async open(dir: string, modelId: string, dimension: number): Promise<EmbeddingCache> {
    await mkdir(dir, { recursive: true });
    const safe = modelId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
    const tag = createHash('sha256').update(`${modelId}\u0000${dimension}`).digest('hex').slice(0, 8);
    const file = path.join(dir, `${safe}-${tag}.qec`);
    const reader = await open(file, 'a+');
    try {
      const { index, end } = await scan(reader, dimension);
      const appender = await open(file, 'a');
      return new EmbeddingCache(file, dimension, reader, appender, index, end);
    } catch (e) {
      await reader.close();
      throw e;
    }
  }

  /** Number of distinct keys stored. */
  get size(): number {
    return this.index.size;
  }

  /** The vectors for `keys` (from {@link cacheKey}), undefined where absent or damaged. */
  async getMany(keys: readonly Buffer[]): Promise<Array<Float32Array | undefined>> {
    const recordSize = recordSizeOf(this.dimension);
    return Promise.all(
      keys.map(async (key) => {
        const id = key.toString('latin1');
        const at = this.index.get(id);
        if (at === undefined) return undefined;
        const buf = Buffer.allocUnsafe(recordSize);
        const { bytesRead } = await this.reader.read(buf, 0, recordSize, at);
        if (bytesRead !== recordSize || !buf.subarray(0, KEY_SIZE).equals(key) || !recordValid(buf)) {
          this.index.delete(id);
          return undefined;
        }
        return vectorOf(buf, this.dimension);
      }),
    );
  }

  /** Appends records; entries become readable once the returned promise resolves. */
  putMany(entries: ReadonlyArray<readonly [Buffer, Float32Array]>): Promise<void> {
    const run = this.writeChain.then(async () => {
      const recordSize = recordSizeOf(this.dimension);
      const fresh = entries.filter(([key, v]) => v.length === this.dimension && !this.index.has(key.toString('latin1')));
      if (fresh.length === 0) return;
      const buf = Buffer.alloc(fresh.length * recordSize);
      fresh.forEach(([key, vector], i) => encodeRecord(buf.subarray(i * recordSize, (i + 1) * recordSize), key, vector));
      await this.appender.write(buf);
      fresh.forEach(([key], i) => this.index.set(key.toString('latin1'), this.end + i * recordSize));
      this.end += buf.length;
    });
    this.writeChain = run.catch(() => {});
    return run;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.writeChain;
    await Promise.all([this.reader.close(), this.appender.close()]);
  }
}

/** Hit and miss counts of a {@link CachedEmbedder} since it was created. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Keys in the store (0 until first use opens it). */
  entries: number;
}

/**
 * Wraps any Embedder with an {@link EmbeddingCache} in `dir`, so re-ingesting unchanged text
 * costs nothing. Keys are sha256 of the text — with a `query` marker for query embeddings,
 * which models like e5 and bge compute differently — and texts repeated within one call are
 * embedded once. The store opens on first use.
 *
 * @example
 * const e = new CachedEmbedder(new UseEmbedder(), path.join(dataDir, 'embed-cache'));
 * await e.embed(passages); await e.embed(passages); // second call: all hits
 * e.stats(); // { hits: n, misses: n, entries: n }
 */
export class CachedEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private store?: Promise<EmbeddingCache>;
  private loaded?: EmbeddingCache;
  private hits = 0;
  private misses = 0;

  constructor(
    readonly inner: Embedder,
    readonly dir: string,
  ) {
    this.info = inner.info;
  }

  /** The wrapped embedder's preference: misses go to it in the same calls. */
  get batching(): Embedder['batching'] {
    return this.inner.batching;
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const store = await this.open();
    const keys = texts.map((t) => cacheKey(t, opts.kind));
    const found = await store.getMany(keys);
    const out = new Array<Float32Array>(texts.length);
    const missing = new Map<string, number[]>(); // distinct missing text → positions
    found.forEach((v, i) => {
      if (v) {
        out[i] = v;
        this.hits++;
        return;
      }
      this.misses++;
      const at = missing.get(texts[i]);
      if (at) at.push(i);
      else missing.set(texts[i], [i]);
    });
    if (missing.size > 0) {
      const todo = [...missing.keys()];
      const vectors = await this.inner.embed(todo, opts);
      const entries: Array<readonly [Buffer, Float32Array]> = [];
      todo.forEach((text, j) => {
        const positions = missing.get(text) as number[];
        for (const i of positions) out[i] = vectors[j];
        entries.push([keys[positions[0]], vectors[j]]);
      });
      await store.putMany(entries);
    }
    return out;
  }

  /**
   * The stored vectors for `texts` (undefined where absent), without running the model. Found
   * ones count as hits; absent ones are not counted here (embed() counts them when it runs).
   * The ingest batcher answers hits at once and queues only the rest for the model.
   */
  async lookup(texts: string[], kind?: EmbedOptions['kind']): Promise<Array<Float32Array | undefined>> {
    if (texts.length === 0) return [];
    const store = await this.open();
    const found = await store.getMany(texts.map((t) => cacheKey(t, kind)));
    for (const v of found) if (v) this.hits++;
    return found;
  }

  /** Hits and misses so far, and the store's size. */
  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.loaded?.size ?? 0 };
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    this.loaded = undefined;
    await Promise.all([this.inner.close(), store ? store.then((s) => s.close(), () => {}) : undefined]);
  }

  private open(): Promise<EmbeddingCache> {
    this.store ??= EmbeddingCache.open(this.dir, this.info.id, this.info.dimension).then(
      (store) => (this.loaded = store),
      (e: unknown) => {
        this.store = undefined;
        throw e;
      },
    );
    return this.store;
  }
}

/** The cache key of a text: sha256 of the text, or of "query\0" + text for queries. */
export function cacheKey(text: string, kind?: EmbedOptions['kind']): Buffer {
  const hash = createHash('sha256');
  if (kind === 'query') hash.update('query\u0000');
  return hash.update(text, 'utf8').digest();
}

function recordSizeOf(dimension: number): number {
  return KEY_SIZE + dimension * 4 + 4;
}

function encodeRecord(out: Buffer, key: Buffer, vector: Float32Array): void {
  key.copy(out, 0);
  Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(out, KEY_SIZE);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
}

function recordValid(record: Buffer): boolean {
  return crc32(record.subarray(0, record.length - 4)) === record.readUInt32LE(record.length - 4);
}

function vectorOf(record: Buffer, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  Buffer.from(v.buffer).set(record.subarray(KEY_SIZE, KEY_SIZE + dimension * 4));
  return v;
}

/** Reads the header and every record; cuts the file at the first torn or corrupt record. */
async function scan(fh: FileHandle, dimension: number): Promise<{ index: Map<string, number>; end: number }> {
  const index = new Map<string, number>();
  const size = (await fh.stat()).size;
  const header = Buffer.alloc(HEADER_SIZE);
  const { bytesRead } = await fh.read(header, 0, HEADER_SIZE, 0);
  const compatible =
    bytesRead === HEADER_SIZE && header.subarray(0, 8).equals(MAGIC) && header.readUInt32LE(8) === VERSION && header.readUInt32LE(12) === dimension;
  if (!compatible) {
    // New, foreign or from another format: a cache is disposable, so start it afresh.
    MAGIC.copy(header, 0);
    header.writeUInt32LE(VERSION, 8);
    header.writeUInt32LE(dimension, 12);
    header.fill(0, 16);
    await fh.truncate(0);
    await fh.write(header, 0, HEADER_SIZE, 0);
    return { index, end: HEADER_SIZE };
  }
  const recordSize = recordSizeOf(dimension);
  const perChunk = Math.max(1, Math.floor(SCAN_CHUNK / recordSize));
  const buf = Buffer.allocUnsafe(perChunk * recordSize);
  let pos = HEADER_SIZE;
  for (;;) {
    const { bytesRead: n } = await fh.read(buf, 0, buf.length, pos);
    const whole = Math.floor(n / recordSize);
    let bad = false;
    for (let i = 0; i < whole; i++) {
      const rec = buf.subarray(i * recordSize, (i + 1) * recordSize);
      if (!recordValid(rec)) {
        bad = true;
        break;
      }
      index.set(rec.subarray(0, KEY_SIZE).toString('latin1'), pos);
      pos += recordSize;
    }
    if (bad || whole < perChunk) break;
  }
  // Whatever follows the last good record (a torn write, garbage) is dropped so that appends
  // land on a record boundary again.
  if (pos < size) await fh.truncate(pos);
  return { index, end: pos };
}
