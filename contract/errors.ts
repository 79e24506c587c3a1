import { z } from 'zod';

/**
 * Every failure a user can cause has a stable code. Codes never change meaning once shipped:
 * scripts (`quarry ingest --json`) and the UI match on them.
 */
export const ErrorCode = z.enum([
  'UNSUPPORTED_TYPE',
  'FILE_NOT_FOUND',
  'FILE_EMPTY',
  'FILE_TOO_LARGE',
  'FILE_CHANGED',
  'READ_FAILED',
  'PDF_PASSWORD_REQUIRED',
  'PDF_PASSWORD_WRONG',
  'PDF_MALFORMED',
  'DOCX_MALFORMED',
  'DOCX_TOO_LARGE',
  'NO_TEXT',
  'EMBEDDER_UNAVAILABLE',
  'MODEL_MISSING',
  'MODEL_CHECKSUM',
  'EMBEDDING_INVALID',
  'STORE_FAILED',
  'STORE_LOCKED',
  'NOT_FOUND',
  'CANCELLED',
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'NETWORK',
  'TIMEOUT',
  'PROVIDER_FAILED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The wire form of an error: what the CLI prints with --json and what transports return. */
export const ErrorInfo = z.object({
  code: ErrorCode,
  message: z.string(),
  /** What the user can do next, in words ("enter the password", "run quarry models pull X"). */
  hint: z.string().optional(),
  retryable: z.boolean().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;
