import type { ErrorInfo, EventName, IpcReply, Method } from '../contract';

/**
 * Messages between the main process and the engine host (a utilityProcess). The engine runs
 * there so parsing and embedding never block the main process, and through it the window.
 */
export type ToHost =
  | { kind: 'call'; id: number; method: Method; input: unknown }
  | { kind: 'file'; id: number; docId: string }
  | { kind: 'close'; id: number };

export type FromHost =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; reply: IpcReply<unknown> }
  | { kind: 'event'; name: EventName; payload: unknown }
  | { kind: 'fatal'; error: ErrorInfo };

/** Whether a value is a message from the host (the port carries nothing else, but it is checked). */
export function isFromHost(m: unknown): m is FromHost {
  if (typeof m !== 'object' || m === null) return false;
  const kind = (m as { kind?: unknown }).kind;
  return kind === 'ready' || kind === 'reply' || kind === 'event' || kind === 'fatal';
}

/** Whether a value is a message for the host. */
export function isToHost(m: unknown): m is ToHost {
  if (typeof m !== 'object' || m === null) return false;
  const { kind, id } = m as { kind?: unknown; id?: unknown };
  return (kind === 'call' || kind === 'file' || kind === 'close') && typeof id === 'number';
}
