import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { BASE_HEADERS } from './http-util';
import { APP_CSP } from '../../contract/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/** The same policy as the Electron window's (contract/csp.ts). */
export const CONTENT_SECURITY_POLICY = APP_CSP;

/** Resolves a URL path inside `root`, or undefined when it would escape it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  const rel = path.relative(root, full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return full;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Quarry</title>
<body style="font:15px system-ui;margin:3em;max-width:40em">
<h1>The Quarry UI is not built</h1>
<p>The API is running, but the web interface has not been built yet. Run
<code>npx vite build -c vite.renderer.config.ts</code> (or <code>npm run test:e2e</code>, which builds it),
then reload this page.</p></body>`;

/**
 * Serves the built renderer. Paths without a file extension fall back to index.html so the
 * app's own routes survive a reload; hashed assets are cached for a year, index.html never.
 */
export async function handleStatic(staticDir: string | undefined, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...BASE_HEADERS, Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const htmlHeaders = { ...BASE_HEADERS, 'Content-Type': TYPES['.html'], 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY' };
  if (!staticDir) {
    res.writeHead(200, htmlHeaders);
    res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
    return;
  }
  let file = resolveInside(staticDir, pathname === '/' ? '/index.html' : pathname);
  if (!file) {
    res.writeHead(400, BASE_HEADERS);
    res.end();
    return;
  }
  let st = await stat(file).catch(() => undefined);
  if (st?.isDirectory()) {
    file = path.join(file, 'index.html');
    st = await stat(file).catch(() => undefined);
  }
  if (!st && !path.extname(file)) {
    file = path.join(staticDir, 'index.html');
    st = await stat(file).catch(() => undefined);
  }
  if (!st?.isFile()) {
    if (file.endsWith('index.html')) {
      res.writeHead(200, htmlHeaders);
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
      return;
    }
    res.writeHead(404, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  const ext = path.extname(file).toLowerCase();
  const immutable = pathname.startsWith('/assets/');
  const headers: Record<string, string | number> = {
    ...(ext === '.html' ? htmlHeaders : BASE_HEADERS),
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': st.size,
  };
  if (immutable) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
