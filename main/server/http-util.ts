import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import type { ErrorCode, ErrorInfo } from '../../contract';
import { QuarryError, toQuarryError } from '../util/errors';

/** HTTP status of each error code a client can cause; anything else is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  FILE_TOO_LARGE: 413,
  DOCX_TOO_LARGE: 413,
  UNSUPPORTED_TYPE: 415,
  CANCELLED: 409,
  FILE_CHANGED: 409,
  STORE_LOCKED: 423,
  TIMEOUT: 504,
  NETWORK: 502,
  PROVIDER_FAILED: 502,
  EMBEDDER_UNAVAILABLE: 503,
  MODEL_MISSING: 503,
};

/** The status for an error code: user-caused failures are 4xx, the rest 5xx. */
export function statusFor(code: ErrorCode): number {
  const s = STATUS[code];
  if (s) return s;
  if (code === 'INTERNAL' || code === 'STORE_FAILED') return 500;
  // Failures about a document's content (encrypted, malformed, empty) are the request's fault.
  return 422;
}

/** Headers every response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Bodies from this size on are gzipped for clients that accept it. */
export const GZIP_FROM_BYTES = 32 * 1024;

/**
 * Writes a JSON response. Large bodies (a 10,000-document library listing is 2.5 MB of JSON)
 * are gzipped when the client accepts it, at level 1: about 20× smaller for this repetitive
 * JSON, at a few ms of CPU, off the event loop (zlib's thread pool). That matters for a team
 * server across a network more than for the desktop's loopback.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  const headers = { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', Vary: 'Accept-Encoding' };
  if (data.length < GZIP_FROM_BYTES || !acceptsGzip(res.req)) {
    res.writeHead(status, { ...headers, 'Content-Length': data.length });
    res.end(data);
    return;
  }
  gzip(data, { level: 1 }, (err, packed) => {
    if (res.destroyed) return;
    if (err) {
      res.writeHead(status, { ...headers, 'Content-Length': data.length });
      res.end(data);
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': packed.length });
    res.end(packed);
  });
}

/** Whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0). */
export function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const header = req?.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Writes `{ error: ErrorInfo }` with the code's status (or `status` when given, e.g. 405). */
export function sendError(res: ServerResponse, error: unknown, extraHeaders: Record<string, string> = {}, status?: number): ErrorInfo {
  const info = toQuarryError(error).toInfo();
  if (res.headersSent) {
    res.destroy();
    return info;
  }
  const data = Buffer.from(JSON.stringify({ error: info }));
  res.writeHead(status ?? statusFor(info.code), {
    ...BASE_HEADERS,
    ...extraHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': data.length,
  });
  res.end(data);
  return info;
}

/**
 * Reads a request body up to `limit` bytes. Bodies over the limit are refused as soon as the
 * declared length or the received bytes pass it, without buffering the rest.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw tooLarge(limit);
    parts.push(buf);
  }
  return Buffer.concat(parts, size);
}

/** Parses a JSON body; an empty body is `{}` so methods without input need none. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (e) {
    throw new QuarryError('INVALID_INPUT', 'The request body is not valid JSON.', {
      hint: 'Send a JSON object with Content-Type: application/json.',
      cause: e,
    });
  }
}

function tooLarge(limit: number): QuarryError {
  return new QuarryError('FILE_TOO_LARGE', `The request body is larger than ${formatBytes(limit)}.`, {
    hint: 'Send a smaller request.',
  });
}

/** "1 MiB", "500 MiB", "512 B". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${+(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
