import { ErrorInfo, isEventName, type EventName, type EventPayload, type IngestAccepted, type Input, type Method, type Output } from '../../contract';
import { ClientError, type ConnectionState, type PdfSource, type PickedFile, type QuarryClient } from './client';
import { Listeners } from './emitter';
import { backoffMs, SseParser } from './sse';

export interface HttpClientOptions {
  /** Origin of the server ('' for the page's own origin). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * The contract over HTTP: `POST /api/<method>`, events from `GET /api/events` read with fetch
 * streaming (unlike EventSource it can send the Authorization header, so the token never
 * appears in a URL), uploads to `POST /api/upload`.
 */
export class HttpClient implements QuarryClient {
  readonly kind = 'http' as const;
  private readonly base: string;
  private readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly events = new Map<EventName, Listeners<unknown>>();
  private readonly connection = new Listeners<ConnectionState>();
  private state: ConnectionState = 'connecting';
  private stream: AbortController | undefined;
  private stopped = false;

  constructor(opts: HttpClientOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
    this.token = opts.token;
    this.fetchImpl = opts.fetch ?? fetch.bind(globalThis);
  }

  private get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}/api/${method}`, {
        method: 'POST',
        headers: { ...this.auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch (e) {
      throw networkError(e);
    }
    return (await this.read(res)) as Output<M>;
  }

  private async read(res: Response): Promise<unknown> {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return body;
    if (res.status === 401) this.setState('unauthorized');
    const parsed = ErrorInfo.safeParse((body as { error?: unknown } | undefined)?.error);
    throw new ClientError(parsed.success ? parsed.data : { code: 'INTERNAL', message: `The server answered ${res.status}.` });
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    let set = this.events.get(event);
    if (!set) this.events.set(event, (set = new Listeners()));
    const off = set.add(fn as (p: unknown) => void);
    this.connect();
    return off;
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    fn(this.state);
    return this.connection.add(fn);
  }

  async pdfSource(docId: string): Promise<PdfSource> {
    return { url: `${this.base}/api/file/${encodeURIComponent(docId)}`, httpHeaders: this.auth };
  }

  async addFiles(files: PickedFile[], collection: string, onEach?: (done: number, total: number) => void): Promise<IngestAccepted> {
    const jobIds: string[] = [];
    const failures: ClientError[] = [];
    let done = 0;
    // One request per file, in turn: a failed or oversized file does not sink the others, and
    // the server's inbox never holds more than one partial upload.
    for (const { file, relativePath } of files) {
      try {
        const res = await this.fetchImpl(`${this.base}/api/upload?collection=${encodeURIComponent(collection)}`, {
          method: 'POST',
          headers: {
            ...this.auth,
            'X-File-Name': encodeURIComponent(relativePath?.split('/').pop() || file.name),
            // Where the file sits in a dropped folder: the server keeps it, so the same file added
            // again is recognised (unchanged, or replaced when edited), not added twice.
            ...(relativePath ? { 'X-File-Path': encodeURIComponent(relativePath) } : {}),
            'Content-Type': 'application/octet-stream',
          },
          body: file,
        });
        const accepted = (await this.read(res)) as IngestAccepted;
        jobIds.push(...accepted.jobIds);
      } catch (e) {
        failures.push(e instanceof ClientError ? e : networkError(e));
      }
      onEach?.(++done, files.length);
    }
    if (failures.length && !jobIds.length) throw failures[0]!;
    return { jobIds };
  }

  /** Opens the event stream once; it reconnects by itself until close(). */
  connect(): void {
    if (this.stream || this.stopped) return;
    this.stream = new AbortController();
    void this.runStream(this.stream.signal);
  }

  /** Ends the event stream for good. */
  close(): void {
    this.stopped = true;
    this.stream?.abort();
  }

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    this.connection.emit(s);
  }

  private async runStream(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        const res = await this.fetchImpl(`${this.base}/api/events`, { headers: { ...this.auth, Accept: 'text/event-stream' }, signal });
        if (res.status === 401) {
          this.setState('unauthorized');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        attempt = 0;
        this.setState('open');
        const parser = new SseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const msg of parser.push(value)) this.dispatch(msg.event, msg.data);
        }
      } catch {
        if (signal.aborted) return;
      }
      this.setState('reconnecting');
      await new Promise((r) => setTimeout(r, backoffMs(attempt++)));
    }
  }

  private dispatch(event: string, data: string): void {
    if (!isEventName(event)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    this.events.get(event)?.emit(payload);
  }
}

function networkError(e: unknown): ClientError {
  return new ClientError({
    code: 'NETWORK',
    message: 'Cannot reach the Quarry server.',
    hint: 'Check that `quarry serve` is still running, then try again.',
    retryable: true,
    ...(e instanceof Error && e.name === 'AbortError' ? { code: 'CANCELLED', message: 'Cancelled' } : {}),
  });
}
