import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IngestRequest } from '../../contract';
import { QuarryError } from '../util/errors';
import { formatBytes, sendError, sendJson } from './http-util';
import type { TransportEngine } from './types';

/**
 * Makes an uploaded file name safe to use as a file name: the last path segment only, no
 * control characters, no leading dots, at most 180 characters (keeping the extension).
 */
export function safeFileName(raw: string): string {
  let name = raw.replace(/\\/g, '/').split('/').pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim();
  if (name.length > 180) {
    const ext = path.extname(name).slice(0, 16);
    name = name.slice(0, 180 - ext.length) + ext;
  }
  return name || 'upload';
}

/** Folders of a relative path an upload may keep (a dropped folder's structure), at most. */
const MAX_UPLOAD_DEPTH = 8;

/**
 * Where an upload lives in the inbox: `<inbox>/<collection key>/<folders…>/<name>`. The same file
 * added again to the same collection lands on the same path, and the engine knows a document by
 * its path: an unchanged file is then a no-op and an edited one replaces its old version, with
 * its tags kept, instead of becoming a second copy. Each segment is made safe; "." and ".."
 * segments are dropped, so the path never leaves its collection's folder.
 *
 * @example
 * uploadPath('/data/inbox', 'papers', 'reports/2024/q3.pdf'); // '/data/inbox/c-1a2b…/reports/2024/q3.pdf'
 */
export function uploadPath(inboxDir: string, collection: string, relative: string): string {
  const segments = relative
    .replace(/\\/g, '/')
    .split('/')
    .filter((seg) => seg.trim() && seg !== '.' && seg !== '..');
  const name = safeFileName(segments.pop() ?? '');
  const folders = segments.slice(-MAX_UPLOAD_DEPTH).map(safeFileName);
  // A hash, not the collection's name: names may hold anything, and two must never share a folder.
  const key = `c-${createHash('sha256').update(collection).digest('hex').slice(0, 16)}`;
  return path.join(inboxDir, key, ...folders, name);
}

/** Counts bytes through the stream and fails it once they pass the limit. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      cb(new QuarryError('FILE_TOO_LARGE', `The file is larger than ${formatBytes(this.limit)}.`, {
        hint: 'Add large files from the desktop app or with `quarry ingest`, which read them in place.',
      }));
      return;
    }
    cb(null, chunk);
  }
}

/**
 * `POST /api/upload`: the raw file as the body, its name in `X-File-Name` (URI-encoded), its path
 * within a dropped folder in `X-File-Path` (optional, URI-encoded) and the collection in
 * `?collection=`. The file is streamed into a temporary file beside its place in the inbox
 * ({@link uploadPath}), renamed over it once complete, then ingested like any other path.
 * Answers the contract's IngestAccepted.
 */
export async function handleUpload(
  engine: TransportEngine,
  inboxDir: string,
  maxBytes: number,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (req.method !== 'POST') {
    sendError(res, new QuarryError('INVALID_INPUT', 'Use POST for /api/upload.'), { Allow: 'POST' }, 405);
    return;
  }
  let partial: string | undefined;
  try {
    const rawName = req.headers['x-file-name'];
    if (typeof rawName !== 'string' || !rawName) {
      throw new QuarryError('INVALID_INPUT', 'The upload has no file name.', { hint: 'Send the name in the X-File-Name header.' });
    }
    let decoded: string;
    let relative: string | undefined;
    try {
      decoded = decodeURIComponent(rawName);
      const rawPath = req.headers['x-file-path'];
      if (typeof rawPath === 'string' && rawPath) relative = decodeURIComponent(rawPath);
    } catch {
      throw new QuarryError('INVALID_INPUT', 'The X-File-Name or X-File-Path header is not valid URI encoding.');
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new QuarryError('FILE_TOO_LARGE', `The file is larger than ${formatBytes(maxBytes)}.`);
    }
    const request = IngestRequest.safeParse({
      paths: ['placeholder'],
      collection: url.searchParams.get('collection') || undefined,
      tags: url.searchParams.getAll('tag'),
    });
    if (!request.success) throw new QuarryError('INVALID_INPUT', 'Invalid collection or tags for the upload.');

    // The file's own name wins over the last segment of its path.
    const segments = (relative ?? '').replace(/\\/g, '/').split('/').slice(0, -1);
    const final = uploadPath(inboxDir, request.data.collection, [...segments, safeFileName(decoded)].join('/'));
    // Streamed beside the collections' folders under a name of its own: an earlier version stays
    // whole (and readable) until the rename, and a refused upload leaves no folder behind.
    await mkdir(inboxDir, { recursive: true });
    partial = path.join(inboxDir, `${randomUUID()}.part`);
    await pipeline(req, new ByteLimit(maxBytes), createWriteStream(partial, { flags: 'wx' }));
    await mkdir(path.dirname(final), { recursive: true });
    await rename(partial, final);
    partial = undefined;
    const accepted = await engine.handlers['library.ingest']({ ...request.data, paths: [final] });
    sendJson(res, 200, accepted);
  } catch (e) {
    if (partial) await rm(partial, { force: true }).catch(() => undefined);
    // The client may still be sending: answer, then stop reading so the socket does not hang.
    sendError(res, e, { Connection: 'close' });
    req.resume();
  }
}
