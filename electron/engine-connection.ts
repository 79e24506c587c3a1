import { EventEmitter } from 'node:events';
import { QuarryError } from '../main/util/errors';
import { eventNames, type ErrorInfo, type EventName, type IpcReply, type Method } from '../contract';
import { isFromHost, type ToHost } from './protocol';

/** The part of a utilityProcess the connection uses (so tests can give it a fake). */
export interface HostPort {
  postMessage(message: ToHost): void;
  on(event: 'message', fn: (message: unknown) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  kill(): boolean;
}

type Pending = (reply: IpcReply<unknown>) => void;

/**
 * The main process's handle on the engine host: calls and file reads become messages with
 * ids, replies resolve them, events are re-emitted. If the host dies, pending calls fail with
 * a typed error instead of hanging, and `onExit` lets the app restart it.
 */
export class EngineConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventEmitter();
  private readonly ready: Promise<void>;
  private exited: ErrorInfo | undefined;

  constructor(private readonly port: HostPort, opts: { onExit?: (code: number) => void } = {}) {
    this.events.setMaxListeners(50);
    this.ready = new Promise((resolve, reject) => {
      port.on('message', (m) => {
        if (!isFromHost(m)) return;
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'fatal') {
          this.exited = m.error;
          reject(new QuarryError(m.error.code, m.error.message, { hint: m.error.hint }));
        } else if (m.kind === 'reply') {
          this.pending.get(m.id)?.(m.reply);
          this.pending.delete(m.id);
        } else if (m.kind === 'event') this.events.emit(m.name, m.payload);
      });
    });
    // A rejection nobody awaits yet must not crash the main process; calls see it.
    this.ready.catch(() => undefined);
    port.on('exit', (code) => {
      this.exited ??= { code: 'INTERNAL', message: `The engine stopped (exit code ${code}).`, hint: 'Quarry restarts it; try again.' };
      for (const [, done] of this.pending) done({ ok: false, error: this.exited });
      this.pending.clear();
      opts.onExit?.(code);
    });
  }

  /** Resolves when the engine has opened the library (rejects with why it could not). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async request(build: (id: number) => ToHost): Promise<IpcReply<unknown>> {
    await this.ready;
    if (this.exited) return { ok: false, error: this.exited };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage(build(id));
    });
  }

  /** Calls a contract method; the reply carries the output or the typed error. */
  call(method: Method, input: unknown): Promise<IpcReply<unknown>> {
    return this.request((id) => ({ kind: 'call', id, method, input }));
  }

  /** The original bytes of a document. */
  readFile(docId: string): Promise<IpcReply<Uint8Array>> {
    return this.request((id) => ({ kind: 'file', id, docId })) as Promise<IpcReply<Uint8Array>>;
  }

  /** Every contract event from the engine. */
  onEvent(fn: (name: EventName, payload: unknown) => void): () => void {
    const handlers = new Map<string, (p: unknown) => void>();
    for (const n of eventNames) {
      const h = (p: unknown): void => fn(n, p);
      handlers.set(n, h);
      this.events.on(n, h);
    }
    return () => handlers.forEach((h, n) => this.events.off(n, h));
  }

  /** Closes the engine (finishing writes), then ends the process. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (!this.exited) {
      await Promise.race([this.request((id) => ({ kind: 'close', id })), new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    this.port.kill();
  }
}
