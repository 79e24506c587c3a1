import { randomUUID } from 'node:crypto';
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
 * `POST /api/upload`: the raw file as the body, its name in `X-File-Name` (URI-encoded) and the
 * collection in `?collection=`. The file is streamed into `<inbox>/<uuid>/<name>` (a folder per
 * upload keeps the original name without collisions), then ingested like any other path.
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
  let dir: string | undefined;
  try {
    const rawName = req.headers['x-file-name'];
    if (typeof rawName !== 'string' || !rawName) {
      throw new QuarryError('INVALID_INPUT', 'The upload has no file name.', { hint: 'Send the name in the X-File-Name header.' });
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawName);
    } catch {
      throw new QuarryError('INVALID_INPUT', 'The X-File-Name header is not valid URI encoding.');
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

    const name = safeFileName(decoded);
    dir = path.join(inboxDir, randomUUID());
    await mkdir(dir, { recursive: true });
    const partial = path.join(dir, `${name}.part`);
    const final = path.join(dir, name);
    await pipeline(req, new ByteLimit(maxBytes), createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, final);
    const accepted = await engine.handlers['library.ingest']({ ...request.data, paths: [final] });
    sendJson(res, 200, accepted);
  } catch (e) {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    // The client may still be sending: answer, then stop reading so the socket does not hang.
    sendError(res, e, { Connection: 'close' });
    req.resume();
  }
}
