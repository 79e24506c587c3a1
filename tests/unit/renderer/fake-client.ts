import type { EventName, EventPayload, IngestAccepted, Input, Method, Output } from '../../../contract';
import { ClientError, type ConnectionState, type PdfSource, type PickedFile, type QuarryClient } from '../../../renderer/api/client';

type Handler<M extends Method> = (input: Input<M>) => Output<M> | Promise<Output<M>>;

/**
 * A scripted client for store and component tests: each method answers from `handlers`
 * (unscripted methods reject with NOT_FOUND), events are pushed with `emit`, calls recorded.
 */
export class FakeClient implements QuarryClient {
  readonly kind = 'http' as const;
  readonly calls: { method: Method; input: unknown }[] = [];
  readonly uploads: { names: string[]; collection: string }[] = [];
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private readonly connection = new Set<(s: ConnectionState) => void>();
  handlers: { [M in Method]?: Handler<M> } = {};

  async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    this.calls.push({ method, input });
    const h = this.handlers[method] as Handler<M> | undefined;
    if (!h) throw new ClientError({ code: 'NOT_FOUND', message: `${method} not scripted` });
    return h(input);
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(fn as (p: unknown) => void);
    this.listeners.set(event, set);
    return () => set.delete(fn as (p: unknown) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    fn('open');
    this.connection.add(fn);
    return () => this.connection.delete(fn);
  }

  setConnection(s: ConnectionState): void {
    for (const fn of this.connection) fn(s);
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  async pdfSource(docId: string): Promise<PdfSource> {
    return { url: `/api/file/${docId}`, httpHeaders: {} };
  }

  async addFiles(files: PickedFile[], collection: string, onEach?: (done: number, total: number) => void): Promise<IngestAccepted> {
    this.uploads.push({ names: files.map((f) => f.file.name), collection });
    files.forEach((_, i) => onEach?.(i + 1, files.length));
    return { jobIds: files.map((_, i) => `up-${i}`) };
  }
}

/** Resolves after pending timers of `ms` and microtasks have run (with fake timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
