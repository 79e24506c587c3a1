import type { ErrorCode } from '../../contract';
import { QuarryError } from '../util/errors';

/** A provider failure: a QuarryError that also carries the HTTP status and the server's Retry-After. */
export class ProviderError extends QuarryError {
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; retryable?: boolean; cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(code, message, opts);
    this.name = 'ProviderError';
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential backoff with "equal jitter"
 * (half fixed, half random), so clients that failed together do not retry together, yet never
 * retry instantly. A server's Retry-After wins; when it asks for longer than `maxMs` the delay is
 * -1: better to fall back to the next provider than to keep the user waiting.
 */
export function retryDelay(err: unknown, attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const after = err instanceof ProviderError ? err.retryAfterMs : undefined;
  if (after !== undefined) return after > policy.maxMs ? -1 : after;
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Parses a Retry-After header: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with CANCELLED as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new QuarryError('CANCELLED', 'Cancelled'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new QuarryError('CANCELLED', 'Cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects with the signal's reason the moment it aborts, so a call
 * that ignores its signal cannot keep the caller waiting.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
