import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { uniqueWarnings } from '../../contract';
import { chunkDocument } from '../chunk/chunker';
import type { EmbedBatcher } from '../embed/batcher';
import type { Embedder } from '../embed/types';
import { extractFile } from '../ingest';
import type { ExtractedDocument } from '../ingest/types';
import type { DocumentRecord, Store } from '../store/store';
import { QuarryError } from '../util/errors';
import type { StageTimings } from './journal';

export interface PipelineDeps {
  store: Store;
  embedder: () => Promise<Embedder>;
  /** The current catalog entry for a document id, if any. */
  getDoc(docId: string): DocumentRecord | undefined;
  /** Publishes a catalog change (memory and store); `fresh`: the store has no row for it yet. */
  putDoc(doc: DocumentRecord, opts?: { fresh?: boolean }): Promise<void>;
  /**
   * Publishes a catalog entry in memory only: a new document while it is processed. Its row is
   * written once, when it is ready; a crash before that leaves pages or chunks without a row,
   * which the store sweeps at open, and the resumed job starts the document afresh. `quiet`
   * updates the entry without a library.changed event.
   */
  showDoc(doc: DocumentRecord, opts?: { quiet?: boolean }): void;
  /** Texts per embedder call: the batcher fills each call from several files. */
  embedBatchSize: number;
}

/** The deps processFile runs with: the queue adds its shared embedding batcher. */
export interface FileDeps extends PipelineDeps {
  batcher: EmbedBatcher;
}

export interface FileTask {
  path: string;
  collection: string;
  tags: string[];
  password?: string;
  signal: AbortSignal;
  /** The job's id: names this file's texts in the shared embedder (EmbedBatcher.position). */
  jobId?: string;
  /**
   * When the user added the file (its job was queued): a new document's `addedAt`. Without it,
   * files of one batch would be "added" when each started, and a list sorted by that time
   * would reorder itself while they index.
   */
  addedAt?: string;
  onProgress(p: { stage: 'parse' | 'chunk' | 'embed' | 'index'; pagesDone?: number; pagesTotal?: number; chunksDone?: number; chunksTotal?: number }): void;
}

/** Chunk texts a run embedded, and how many of them the embedding cache answered. */
export interface EmbedCounts {
  texts: number;
  cacheHits: number;
}

export type FileOutcome = { kind: 'indexed' | 'unchanged'; doc: DocumentRecord; timings: StageTimings; embedding?: EmbedCounts };

/** A document's id: stable for a file path within a collection, so re-ingesting replaces it. */
export function docIdFor(absPath: string, collection: string): string {
  return createHash('sha256').update(`${collection}\0${absPath}`).digest('hex').slice(0, 20);
}

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function statOrFail(file: string) {
  try {
    return await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new QuarryError('FILE_NOT_FOUND', `${file} does not exist (it may have been moved or deleted).`, { hint: 'Check the path, or remove the document from the library.' });
    }
    throw new QuarryError('READ_FAILED', `Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Ingests one file: hash → (unchanged? stop) → extract → chunk → embed → replace the
 * document's pages and chunks → publish the catalog entry. Every step is idempotent, so a job
 * cut short by a crash simply runs again.
 */
export async function processFile(task: FileTask, deps: FileDeps): Promise<FileOutcome> {
  const abs = path.resolve(task.path);
  const before = await statOrFail(abs);
  if (before.isDirectory()) throw new QuarryError('INVALID_INPUT', `${abs} is a folder.`);
  const docId = docIdFor(abs, task.collection);
  const existing = deps.getDoc(docId);
  const timings: StageTimings = { hashMs: 0, parseMs: 0, chunkMs: 0, embedMs: 0, indexMs: 0 };
  let mark = performance.now();
  const lap = (stage: keyof StageTimings): void => {
    const now = performance.now();
    timings[stage] += Math.round(now - mark);
    mark = now;
  };
  const contentHash = await hashFile(abs, task.signal);
  lap('hashMs');
  if (existing && existing.status === 'ready' && existing.contentHash === contentHash) {
    if (task.tags.some((t) => !existing.tags.includes(t))) {
      const doc = { ...existing, tags: [...new Set([...existing.tags, ...task.tags])] };
      await deps.putDoc(doc);
      return { kind: 'unchanged', doc, timings };
    }
    return { kind: 'unchanged', doc: existing, timings };
  }

  const base: DocumentRecord = {
    docId,
    name: path.basename(abs),
    path: abs,
    format: existing?.format ?? 'text',
    collection: task.collection,
    tags: [...new Set([...(existing?.tags ?? []), ...task.tags])],
    pages: existing?.pages ?? 0,
    pagesNeedingOcr: existing?.pagesNeedingOcr ?? 0,
    chunks: existing?.chunks ?? 0,
    bytes: before.size,
    mtimeMs: before.mtimeMs,
    contentHash: existing?.contentHash ?? '',
    addedAt: existing?.addedAt ?? task.addedAt ?? new Date().toISOString(),
    // A document being re-indexed keeps serving its old chunks until the new ones replace them.
    status: existing?.status === 'ready' ? 'ready' : 'processing',
    warnings: existing?.warnings ?? [],
  };
  // A document first seen by this run has no rows to replace: its writes are plain appends.
  const fresh = !existing;
  if (fresh) deps.showDoc(base);

  task.onProgress({ stage: 'parse', pagesDone: 0 });
  const extracted: ExtractedDocument = await extractFile(abs, {
    password: task.password,
    signal: task.signal,
    onPage: (done, total) => task.onProgress({ stage: 'parse', pagesDone: done, pagesTotal: total }),
    // A new document that fails later (a password, a broken file) is listed with its real type.
    // Quietly: the failure, or the ready row, announces the change.
    onFormat: (format) => {
      if (fresh && format !== base.format) deps.showDoc({ ...base, format }, { quiet: true });
    },
  });
  task.signal.throwIfAborted();
  lap('parseMs');

  task.onProgress({ stage: 'chunk' });
  const chunks = chunkDocument(docId, extracted);
  lap('chunkMs');
  task.onProgress({ stage: 'embed', chunksDone: 0, chunksTotal: chunks.length });
  // The batcher mixes these texts with other files' into full batches; embedMs therefore
  // includes the time this file's texts waited for the model.
  const { vectors, cacheHits, embedder } = await deps.batcher.embed(
    chunks.map((c) => c.text),
    { signal: task.signal, key: task.jobId, onProgress: (done, total) => task.onProgress({ stage: 'embed', chunksDone: done, chunksTotal: total }) },
  );
  task.signal.throwIfAborted();
  lap('embedMs');

  // The file must not have changed under us: a truncated or rewritten file would index a mix.
  const after = await statOrFail(abs);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new QuarryError('FILE_CHANGED', `${base.name} changed while it was being read.`, { retryable: true, hint: 'It will be read again.' });
  }
  task.signal.throwIfAborted();

  task.onProgress({ stage: 'index' });
  const title = extracted.meta.title || base.name;
  try {
    await deps.store.replacePages(docId, extracted.pages.map((p) => ({ page: p.page, text: p.text })), { fresh });
    await deps.store.replaceChunks(docId, task.collection, chunks, vectors, title, embedder.info.id, { fresh });
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    const message = (e as Error).message ?? String(e);
    throw new QuarryError('STORE_FAILED', `Could not write ${base.name} to the library: ${message.split('\n')[0].slice(0, 300)}`, {
      cause: e,
      // Commit conflicts with a concurrent writer resolve on retry; disk errors do not.
      retryable: /Retryable commit conflict|preempted by concurrent/i.test(message),
      hint: 'Check free disk space; the library itself is unchanged.',
    });
  }
  const doc: DocumentRecord = {
    ...base,
    format: extracted.format,
    title: extracted.meta.title || undefined,
    author: extracted.meta.author || undefined,
    createdAt: extracted.meta.createdAt,
    modifiedAt: extracted.meta.modifiedAt,
    pages: extracted.meta.pageCount || extracted.pages.length,
    pagesNeedingOcr: extracted.pages.filter((p) => p.needsOcr).length,
    chunks: chunks.length,
    contentHash,
    status: 'ready',
    error: undefined,
    // A page the extractor could not read may be reported both as a warning and on the page:
    // listed once.
    warnings: uniqueWarnings([
      ...extracted.warnings,
      ...extracted.pages.filter((p) => p.error).map((p) => ({ page: p.page, code: p.error!.code, message: p.error!.message })),
    ]),
  };
  // Only a PDF page without a text layer is a scan; an empty Word or text file already carries
  // the extractor's NO_TEXT warning, and a second one would say the same again.
  const scanned = extracted.format === 'pdf' && extracted.pages.some((p) => p.needsOcr && !p.garbled);
  // A PDF whose only text is undecodable already says so (TEXT_UNREADABLE), and is no scan.
  const unreadable = extracted.pages.some((p) => p.garbled);
  if (chunks.length === 0 && !(unreadable && !scanned) && (scanned || !doc.warnings.some((w) => w.code === 'NO_TEXT'))) {
    // A scan with nothing searchable gets one warning that says so and what to do, in place of
    // the extractor's "N of M pages have no text layer", which would say the same again.
    if (scanned) doc.warnings = doc.warnings.filter((w) => w.code !== 'NEEDS_OCR');
    doc.warnings.push({
      code: 'NO_TEXT',
      message: scanned
        ? `No text layer on ${scannedPages(doc.pagesNeedingOcr, doc.pages)}: it is a scan, and Quarry cannot read scans yet. Run OCR on it (for example with ocrmypdf), then add it again.`
        : 'The document contains no text.',
    });
  }
  await deps.putDoc(doc, { fresh });
  lap('indexMs');
  return { kind: 'indexed', doc, timings, embedding: { texts: chunks.length, cacheHits } };
}

/** "its page", "any of its 3 pages", or "2 pages" (of more): the pages of a scan without text. */
function scannedPages(scanned: number, pages: number): string {
  if (scanned === 1) return 'its page';
  return scanned === pages ? `any of its ${scanned} pages` : `${scanned} pages`;
}
