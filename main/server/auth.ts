import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token: 32 bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares two tokens in constant time. Hashing first makes both sides the same length, so
 * neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Whether the request carries the token. The query parameter is accepted only where the
 * caller says so (the event stream), because `EventSource` cannot set headers; everywhere else
 * a token in a URL would end up in histories and logs.
 */
export function isAuthorized(req: IncomingMessage, url: URL, expected: string, allowQueryToken: boolean): boolean {
  const header = bearerToken(req);
  if (header !== undefined) return tokensEqual(header, expected);
  if (allowQueryToken) {
    const q = url.searchParams.get('token');
    if (q) return tokensEqual(q, expected);
  }
  return false;
}
