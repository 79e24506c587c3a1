import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QuarryError } from '../util/errors';
import { handleApiCall } from './api-routes';
import { isAuthorized } from './auth';
import { handleEvents } from './events';
import { handleFile } from './files';
import { sendError, sendJson } from './http-util';
import { handleStatic } from './static';
import { DEFAULT_BODY_LIMITS, type QuarryServer, type ServerOptions } from './types';
import { handleUpload } from './upload';

/**
 * Starts the HTTP transport: the contract as `POST /api/<method>`, events over SSE at
 * `GET /api/events`, original files at `GET /api/file/<docId>`, uploads at `POST /api/upload`,
 * `GET /api/health` open, and the built renderer at `/`. Every other /api route needs
 * `Authorization: Bearer <token>`, on localhost too: any local process or web page could
 * otherwise read the library.
 *
 * @example
 * const server = await startServer({ engine, token: generateToken(), inboxDir, staticDir: 'out/renderer' });
 * console.log(`Open ${server.loginUrl}`);
 * await server.close();
 */
export async function startServer(opts: ServerOptions): Promise<QuarryServer> {
  const limits = { ...DEFAULT_BODY_LIMITS, ...opts.limits };
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const streams = new Set<ServerResponse>();

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { pathname } = url;
    if (pathname === '/api/health') {
      sendJson(res, 200, { ok: true, name: 'quarry' });
      return;
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const isEvents = pathname === '/api/events';
      if (!isAuthorized(req, url, opts.token, isEvents)) {
        sendError(res, new QuarryError('UNAUTHORIZED', 'Missing or wrong access token.', {
          hint: 'Open the URL that `quarry serve` printed, or send Authorization: Bearer <token>.',
        }), { 'WWW-Authenticate': 'Bearer realm="quarry"' });
        return;
      }
      if (isEvents) {
        if (req.method !== 'GET') {
          sendError(res, new QuarryError('INVALID_INPUT', 'Use GET for /api/events.'), { Allow: 'GET' }, 405);
          return;
        }
        handleEvents(opts.engine, req, res, heartbeatMs, streams);
        return;
      }
      if (pathname.startsWith('/api/file/')) {
        await handleFile(opts.engine, decodeSegment(pathname.slice('/api/file/'.length)), req, res);
        return;
      }
      if (pathname === '/api/upload') {
        await handleUpload(opts.engine, opts.inboxDir, limits.maxUploadBytes, req, res, url);
        return;
      }
      await handleApiCall(opts.engine, pathname.slice('/api/'.length), req, res, limits.maxJsonBytes);
      return;
    }
    await handleStatic(opts.staticDir, req, res, pathname);
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, new QuarryError('INVALID_INPUT', 'Malformed request URL.'));
      return;
    }
    res.on('finish', () => {
      // The path only: a query string may carry the event-stream token.
      log({ level: 'info', msg: 'request', requestId, method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(performance.now() - started) });
    });
    route(req, res, url).catch((e: unknown) => {
      const info = sendError(res, e);
      log({ level: 'error', msg: 'request failed', requestId, path: url.pathname, code: info.code });
    });
  });
  // Uploads can be large and slow; the per-request timeout would cut them (Node's default 300 s).
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const base = `http://${urlHost}:${port}`;

  return {
    url: base,
    port,
    loginUrl: `${base}/#token=${encodeURIComponent(opts.token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}
