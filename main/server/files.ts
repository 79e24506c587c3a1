import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { QuarryError } from '../util/errors';
import { BASE_HEADERS, sendError } from './http-util';
import type { TransportEngine } from './types';

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.markdown': 'text/markdown; charset=utf-8',
  '.html': 'text/plain; charset=utf-8',
  '.htm': 'text/plain; charset=utf-8',
};

/** Parses a single `bytes=a-b` range against a file size; undefined when absent or unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'invalid';
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '' && b === '') return 'invalid';
  if (a === '') {
    // A suffix range: the last N bytes.
    const n = Number(b);
    if (n === 0) return 'invalid';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

/**
 * `GET /api/file/<docId>`: the original file, with byte ranges so pdf.js can fetch a long PDF
 * page by page instead of downloading it whole. HTML is served as text/plain: a stored web page
 * must never run as part of the app's origin.
 */
export async function handleFile(engine: TransportEngine, docId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, new QuarryError('INVALID_INPUT', 'Use GET for /api/file.'), { Allow: 'GET, HEAD' }, 405);
    return;
  }
  let file: string;
  let size: number;
  try {
    if (!docId) throw new QuarryError('INVALID_INPUT', 'No document id in the path.');
    file = await engine.filePath(docId);
    const st = await stat(file).catch((e: unknown) => {
      throw new QuarryError('FILE_NOT_FOUND', 'The original file of this document is no longer on disk.', {
        hint: 'Put the file back or remove the document and add it again.',
        cause: e,
      });
    });
    if (!st.isFile()) throw new QuarryError('FILE_NOT_FOUND', 'The original file of this document is not a file.');
    size = st.size;
  } catch (e) {
    sendError(res, e);
    return;
  }
  const ext = path.extname(file).toLowerCase();
  const headers: Record<string, string | number> = {
    ...BASE_HEADERS,
    'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(path.basename(file))}`,
    // The file is data, never a page: no scripts even if a browser opened it directly.
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    res.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  headers['Content-Length'] = size === 0 ? 0 : end - start + 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(file, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
