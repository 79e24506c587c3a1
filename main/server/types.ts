import type { ApiHandlers, EventName, EventPayload } from '../../contract';

/**
 * The part of the engine a transport needs. `createEngine()` returns a superset of this, so the
 * transport can be tested against a small hand-written implementation and run against the real
 * engine unchanged.
 */
export interface TransportEngine {
  /** One async function per contract method. */
  readonly handlers: ApiHandlers;
  /** Subscribes to a contract event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
  /** Absolute path of a document's original file (throws QuarryError NOT_FOUND when unknown). */
  filePath(docId: string): Promise<string>;
}

/** Size limits of request bodies, in bytes. */
export interface BodyLimits {
  /** Largest JSON body of `POST /api/<method>` (default 1 MiB). */
  maxJsonBytes: number;
  /** Largest single upload of `POST /api/upload` (default 500 MiB, the ingest limit). */
  maxUploadBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 500 * 1024 * 1024,
};

/** A structured log sink: one JSON object a line, never document text, prompts or secrets. */
export type LogFn = (record: { level: 'info' | 'warn' | 'error'; msg: string; [key: string]: unknown }) => void;

export interface ServerOptions {
  engine: TransportEngine;
  /** The bearer token every /api route but /api/health requires. */
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port (the chosen one is in `QuarryServer.port`). */
  port?: number;
  /** Folder of the built renderer (out/renderer); when absent a short page says how to build it. */
  staticDir?: string;
  /** Where uploads land before they are ingested (`<dataDir>/inbox`). */
  inboxDir: string;
  limits?: Partial<BodyLimits>;
  /** Interval of SSE keep-alive comments, ms (default 15 s). */
  heartbeatMs?: number;
  log?: LogFn;
}

export interface QuarryServer {
  /** e.g. http://127.0.0.1:43117 (no token). */
  readonly url: string;
  readonly port: number;
  /** The URL that logs a browser in: the token travels once, in the fragment. */
  readonly loginUrl: string;
  /** Stops accepting requests, ends open event streams and resolves when the socket is closed. */
  close(): Promise<void>;
}
