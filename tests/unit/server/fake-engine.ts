import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ApiHandlers, DocumentInfo, EventName, EventPayload, IngestProgress } from '../../../contract';
import type { TransportEngine } from '../../../main/server/types';
import { QuarryError } from '../../../main/util/errors';

/**
 * A small hand-written engine for testing the transports themselves (the real engine is
 * exercised by the end-to-end suite). It keeps documents in memory and records calls.
 */
export class FakeEngine implements TransportEngine {
  readonly calls: { method: string; input: unknown }[] = [];
  readonly docs = new Map<string, DocumentInfo>();
  readonly files = new Map<string, string>();
  /** Collections created through `library.createCollection`. */
  readonly created = new Set<string>();
  private readonly bus = new EventEmitter();

  readonly handlers: ApiHandlers;

  constructor() {
    const record = (method: string, input: unknown): void => {
      this.calls.push({ method, input });
    };
    const notImplemented = (method: string) => async (input: unknown): Promise<never> => {
      record(method, input);
      throw new QuarryError('INTERNAL', `${method} is not part of the fake engine`);
    };
    this.handlers = {
      'library.ingest': async (input) => {
        record('library.ingest', input);
        const jobIds = input.paths.map((p, i) => {
          const docId = `d${this.docs.size + 1}`;
          this.docs.set(docId, fakeDoc(docId, p, input.collection));
          this.files.set(docId, p);
          return `job-${i + 1}`;
        });
        return { jobIds };
      },
      'library.documents': async (input) => {
        record('library.documents', input);
        return { documents: [...this.docs.values()].filter((d) => !input.collection || d.collection === input.collection) };
      },
      'library.remove': async (input) => {
        record('library.remove', input);
        if (!this.docs.delete(input.docId)) throw new QuarryError('NOT_FOUND', `No document ${input.docId}`);
        return { ok: true };
      },
      'library.restore': notImplemented('library.restore'),
      'library.setTags': async (input) => {
        record('library.setTags', input);
        return { ok: true };
      },
      'library.collections': async (input) => {
        record('library.collections', input);
        const counts = new Map([...this.created].map((name) => [name, 0]));
        for (const d of this.docs.values()) counts.set(d.collection, (counts.get(d.collection) ?? 0) + 1);
        return { collections: [...counts].map(([name, documents]) => ({ name, documents })) };
      },
      'library.createCollection': async (input) => {
        record('library.createCollection', input);
        this.created.add(input.name);
        return { ok: true };
      },
      'library.deleteCollection': async (input) => {
        record('library.deleteCollection', input);
        if ([...this.docs.values()].some((d) => d.collection === input.name)) throw new QuarryError('INVALID_INPUT', `${input.name} is not empty.`);
        if (!this.created.delete(input.name)) throw new QuarryError('NOT_FOUND', `No collection ${input.name}`);
        return { ok: true };
      },
      'library.reindex': async (input) => {
        record('library.reindex', input);
        if (input.password === 'wrong') throw new QuarryError('PDF_PASSWORD_WRONG', 'Wrong password', { hint: 'Try again.' });
        return { jobIds: ['job-r'] };
      },
      'library.status': notImplemented('library.status'),
      'library.page': async (input) => {
        record('library.page', input);
        return { docId: input.docId, page: input.page, pages: 3, text: `Page ${input.page} text`, format: 'pdf' };
      },
      'jobs.list': notImplemented('jobs.list'),
      'jobs.cancel': notImplemented('jobs.cancel'),
      'jobs.retry': notImplemented('jobs.retry'),
      'search.query': async (input) => {
        record('search.query', input);
        if (input.query === 'boom') throw new Error('unexpected failure in the engine');
        return { query: input.query, mode: input.mode, tookMs: 1, results: [] };
      },
    } as ApiHandlers;
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    this.bus.on(event, fn);
    return () => this.bus.off(event, fn);
  }

  /** Emits a contract event to every subscriber. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.bus.emit(event, payload);
  }

  listenerCount(event: EventName): number {
    return this.bus.listenerCount(event);
  }

  async filePath(docId: string): Promise<string> {
    const p = this.files.get(docId);
    if (!p) throw new QuarryError('NOT_FOUND', `No document ${docId}`);
    return p;
  }
}

/** A document record with plausible defaults. */
export function fakeDoc(docId: string, file: string, collection = 'default', over: Partial<DocumentInfo> = {}): DocumentInfo {
  return {
    docId,
    name: path.basename(file),
    path: file,
    format: 'pdf',
    collection,
    tags: [],
    pages: 3,
    pagesNeedingOcr: 0,
    chunks: 5,
    bytes: 1000,
    contentHash: 'h',
    addedAt: '2026-01-01T00:00:00.000Z',
    status: 'ready',
    warnings: [],
    ...over,
  };
}

/** A progress payload with zeros everywhere but what is given. */
export function progress(over: Partial<IngestProgress>): IngestProgress {
  return { stage: 'parse', filesDone: 0, filesTotal: 1, pagesDone: 0, pagesTotal: 0, chunksDone: 0, chunksTotal: 0, ...over };
}
