import type { ErrorCode, ErrorInfo } from '../../contract';

/**
 * A failure with a stable code, a message a person understands, and a next step.
 *
 * @example
 * throw new QuarryError('PDF_PASSWORD_REQUIRED', 'report.pdf is encrypted', {
 *   hint: 'Run again with --password, or enter it on the document row.',
 * });
 */
export class QuarryError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'QuarryError';
    this.code = code;
    this.hint = opts.hint;
    this.retryable = opts.retryable ?? false;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.hint) info.hint = this.hint;
    if (this.retryable) info.retryable = true;
    return info;
  }
}

export function isQuarryError(e: unknown): e is QuarryError {
  return e instanceof QuarryError;
}

/** Turns anything thrown into a QuarryError, keeping the original as `cause`. */
export function toQuarryError(e: unknown, fallback: ErrorCode = 'INTERNAL'): QuarryError {
  if (e instanceof QuarryError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new QuarryError('CANCELLED', 'Cancelled', { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new QuarryError(fallback, message, { cause: e });
}
