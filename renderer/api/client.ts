import type { ErrorInfo, EventName, EventPayload, IngestAccepted, Input, MenuCommand, Method, Output } from '../../contract';

/** State of the connection to the engine, for the status bar and the "log in" screen. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/** Where pdf.js reads a document from: a URL it may fetch by ranges, or the bytes themselves. */
export type PdfSource = { url: string; httpHeaders: Record<string, string> } | { data: Uint8Array };

/** A file the user dropped or picked, as the renderer sees it. */
export interface PickedFile {
  file: File;
  /** Path inside a dropped folder ("notes/a.md"), for display. */
  relativePath?: string;
}

/**
 * What the renderer needs from a transport. The UI talks only to this interface; the HTTP
 * client (browser build, e2e) and the IPC client (Electron) implement it.
 */
export interface QuarryClient {
  readonly kind: 'http' | 'ipc';
  /** Calls a contract method. Rejects with ClientError (a typed ErrorInfo) on failure. */
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
  /** Subscribes to a contract event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
  /** Connection changes. Called at once with the current state. */
  onConnection(fn: (state: ConnectionState) => void): () => void;
  /** How pdf.js should read a document's original file. */
  pdfSource(docId: string): Promise<PdfSource>;
  /**
   * Adds files the user dropped or picked. Over HTTP they are uploaded; in Electron their
   * paths on disk are ingested in place.
   */
  addFiles(files: PickedFile[], collection: string, onEach?: (done: number, total: number) => void): Promise<IngestAccepted>;
  /** Shows the native open dialog (Electron only); undefined when the transport has none. */
  pickPaths?(kind: 'files' | 'folder'): Promise<string[]>;
  /** Commands from the native menu (Electron only). */
  onMenu?(fn: (command: MenuCommand) => void): () => void;
}

/** A failed call: carries the contract's ErrorInfo so the UI can show the message and next step. */
export class ClientError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ClientError';
    this.info = info;
  }
}

/** Turns anything thrown into an ErrorInfo for display. */
export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof ClientError) return e.info;
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message };
  return { code: 'INTERNAL', message: String(e) };
}
