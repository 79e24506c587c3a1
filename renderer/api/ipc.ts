import type { EventName, EventPayload, IngestAccepted, Input, IpcReply, MenuCommand, Method, Output, QuarryBridge } from '../../contract';
import { ClientError, type ConnectionState, type PdfSource, type PickedFile, type QuarryClient } from './client';
import { Listeners } from './emitter';

function unwrap<T>(reply: IpcReply<T>): T {
  if (reply.ok) return reply.value;
  throw new ClientError(reply.error);
}

/**
 * The contract over Electron IPC, through the preload's `window.quarry`. Dropped files are
 * ingested in place by path: nothing is copied.
 */
export class IpcClient implements QuarryClient {
  readonly kind = 'ipc' as const;
  private readonly events = new Map<EventName, Listeners<unknown>>();
  private offBridge: (() => void) | undefined;

  constructor(private readonly bridge: QuarryBridge) {}

  async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    const fn = this.bridge.api[method] as (input: Input<M>) => Promise<IpcReply<Output<M>>>;
    return unwrap(await fn(input));
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    let set = this.events.get(event);
    if (!set) this.events.set(event, (set = new Listeners()));
    this.offBridge ??= this.bridge.onEvent((name, payload) => this.events.get(name)?.emit(payload));
    return set.add(fn as (p: unknown) => void);
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    // The engine lives in the same app: the connection is always open.
    fn('open');
    return () => undefined;
  }

  async pdfSource(docId: string): Promise<PdfSource> {
    return { data: unwrap(await this.bridge.readFile(docId)) };
  }

  async addFiles(files: PickedFile[], collection: string, onEach?: (done: number, total: number) => void): Promise<IngestAccepted> {
    const paths = files.map((f) => this.bridge.pathForFile(f.file)).filter(Boolean);
    if (!paths.length) return { jobIds: [] };
    const accepted = await this.call('library.ingest', { paths, collection });
    onEach?.(files.length, files.length);
    return accepted;
  }

  pickPaths(kind: 'files' | 'folder'): Promise<string[]> {
    return this.bridge.pickPaths(kind);
  }

  onMenu(fn: (command: MenuCommand) => void): () => void {
    return this.bridge.onMenu(fn);
  }
}
