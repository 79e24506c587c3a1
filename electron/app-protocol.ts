import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from '../main/server/static';
import { APP_CSP } from './security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
};

/**
 * Answers a request for `app://quarry/<path>` from the built renderer folder. Serving the app
 * from its own scheme instead of file:// keeps it from reading arbitrary local files and lets
 * pdf.js fetch its character maps and fonts (Electron security checklist, "use a custom
 * protocol").
 */
export async function serveAppFile(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return new Response('Bad path', { status: 400 });
  try {
    const body = await readFile(file);
    const ext = path.extname(file).toLowerCase();
    const headers: Record<string, string> = { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' };
    if (ext === '.html') headers['Content-Security-Policy'] = APP_CSP;
    return new Response(body, { status: 200, headers });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
