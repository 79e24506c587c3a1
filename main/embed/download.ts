import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { QuarryError } from '../util/errors';

/** Progress of one file's download. */
export interface FileProgress {
  /** Bytes of the file on disk so far, including those from an earlier, resumed attempt. */
  bytesDone: number;
  /** The file's size when the server or the manifest says; null when unknown. */
  bytesTotal: number | null;
  /** Bytes per second received in this call (resumed bytes excluded). */
  bytesPerSecond: number;
}

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  url: string;
  /** Final path; the download goes to `<dest>.part` first and is renamed when verified. */
  dest: string;
  /** Lower-case hex; null or absent to accept any content (the caller pins what it gets). */
  expectedSha256?: string | null;
  expectedSize?: number | null;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  /** Attempts after a dropped connection, 429 or 5xx, each resuming where the last stopped. */
  retries?: number;
  /** Base of the jittered exponential backoff between attempts. */
  retryDelayMs?: number;
}

/** What was written: the file's sha256 and size. */
export interface DownloadedFile {
  sha256: string;
  size: number;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Downloads `url` to `dest` through `<dest>.part`: resumes an existing part with an HTTP Range
 * request (also after a dropped connection, up to `retries` times), reports progress, checks
 * the sha256 and size when given, and renames into place only when the whole file is verified,
 * so `dest` is never a partial or corrupt file.
 *
 * @throws QuarryError MODEL_CHECKSUM (the part is deleted), NETWORK, CANCELLED (the part is kept).
 */
export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadedFile> {
  const doFetch = opts.fetch ?? fetch;
  const part = `${opts.dest}.part`;
  const retries = opts.retries ?? 4;
  await mkdir(path.dirname(opts.dest), { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await backoff(attempt, opts.retryDelayMs ?? 500, opts.signal);
    try {
      const done = await attemptDownload(opts, part, doFetch);
      if (done) return await finish(opts, part);
    } catch (e) {
      if (e instanceof QuarryError && !e.retryable) throw e;
      if (opts.signal?.aborted) throw cancelled(e);
      lastError = e;
    }
  }
  throw toNetworkError(lastError, opts.url);
}

/** One request; true when the part now holds the whole file, false to retry. */
async function attemptDownload(opts: DownloadFileOptions, part: string, doFetch: typeof fetch): Promise<boolean> {
  let offset = await sizeOf(part);
  if (opts.expectedSize != null && offset > opts.expectedSize) {
    await rm(part, { force: true });
    offset = 0;
  }
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let res: Response;
  try {
    res = await doFetch(opts.url, { headers, signal: opts.signal, redirect: 'follow' });
  } catch (e) {
    if (opts.signal?.aborted) throw cancelled(e);
    throw e; // network failure: retried
  }
  let total: number | null;
  if (res.status === 416 && offset > 0) {
    // Range past the end: the part may already be complete (a crash between the last byte and
    // the rename). "bytes */<size>" says; otherwise start over.
    await res.body?.cancel();
    const size = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
    if (size === offset) return true;
    await rm(part, { force: true });
    return false;
  }
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== offset) {
      await res.body?.cancel();
      await rm(part, { force: true });
      return false;
    }
    total = m[2] === '*' ? null : Number(m[2]);
  } else if (res.ok) {
    offset = 0; // the server ignored the Range header: start again from byte 0
    const len = res.headers.get('content-length');
    total = len === null ? null : Number(len);
  } else {
    await res.body?.cancel();
    const retryable = res.status === 429 || res.status >= 500;
    throw new QuarryError('NETWORK', `Downloading ${opts.url} failed: HTTP ${res.status}.`, {
      hint: retryable ? 'The server is busy or failing; try again later.' : 'Check the URL in the model manifest.',
      retryable,
    });
  }
  total ??= opts.expectedSize ?? null;
  if (!res.body) throw new Error('empty response body');

  const file = await open(part, offset > 0 ? 'a' : 'w');
  const started = Date.now();
  let received = 0;
  let lastReport = 0;
  const report = (force: boolean): void => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    const seconds = Math.max((now - started) / 1000, 1e-3);
    opts.onProgress({ bytesDone: offset + received, bytesTotal: total, bytesPerSecond: received / seconds });
  };
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await file.write(value);
      received += value.byteLength;
      report(false);
    }
    await file.sync();
  } catch (e) {
    if (opts.signal?.aborted) throw cancelled(e);
    throw e; // dropped connection: the bytes so far stay in the part for the next attempt
  } finally {
    await file.close();
    report(true);
  }
  // A connection closed cleanly but early looks like success to the reader; the size tells.
  return total === null || offset + received === total;
}

async function finish(opts: DownloadFileOptions, part: string): Promise<DownloadedFile> {
  const size = await sizeOf(part);
  const sha256 = await sha256File(part);
  const badHash = opts.expectedSha256 != null && sha256 !== opts.expectedSha256;
  const badSize = opts.expectedSize != null && size !== opts.expectedSize;
  if (badHash || badSize) {
    await rm(part, { force: true });
    const detail = badHash ? `sha256 ${sha256}, expected ${opts.expectedSha256}` : `${size} bytes, expected ${opts.expectedSize}`;
    throw new QuarryError('MODEL_CHECKSUM', `The download of ${path.basename(opts.dest)} is corrupt (${detail}); it was deleted.`, {
      hint: 'Pull the model again. If it fails again, the file on the server differs from the one Quarry expects.',
    });
  }
  await rename(part, opts.dest);
  return { sha256, size };
}

/** The sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function backoff(attempt: number, baseMs: number, signal?: AbortSignal): Promise<void> {
  // Full jitter: a random wait up to the exponential cap, so many clients do not retry in step.
  const cap = Math.min(baseMs * 2 ** (attempt - 1), 30_000);
  try {
    await sleep(Math.random() * cap, undefined, { signal });
  } catch (e) {
    throw cancelled(e);
  }
}

function cancelled(cause: unknown): QuarryError {
  return new QuarryError('CANCELLED', 'The download was cancelled; pulling again resumes it.', { cause });
}

function toNetworkError(e: unknown, url: string): QuarryError {
  if (e instanceof QuarryError) return e;
  const detail = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
  return new QuarryError('NETWORK', `Downloading ${url} failed: ${detail}.`, {
    hint: 'Check the internet connection and pull again; the download resumes where it stopped.',
    retryable: true,
    cause: e,
  });
}
