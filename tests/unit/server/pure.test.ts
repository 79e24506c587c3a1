import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateToken, tokensEqual } from '../../../main/server/auth';
import { formatEvent } from '../../../main/server/events';
import { parseRange } from '../../../main/server/files';
import { formatBytes, statusFor } from '../../../main/server/http-util';
import { resolveInside } from '../../../main/server/static';
import { safeFileName, uploadPath } from '../../../main/server/upload';
import { parseInput } from '../../../main/server/api-routes';
import { QuarryError } from '../../../main/util/errors';

describe('tokens', () => {
  it('generates distinct 43-character url-safe tokens', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
  it('compares equal tokens as equal and anything else, of any length, as different', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual('abcabc', 'abc')).toBe(false);
  });
});

describe('parseRange', () => {
  it('parses start-end, open-ended and suffix ranges, clamped to the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
  });
  it('rejects unsatisfiable or malformed ranges and ignores a missing header', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=100-', 100)).toBe('invalid');
    expect(parseRange('bytes=9-3', 100)).toBe('invalid');
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('invalid');
    expect(parseRange('items=0-1', 100)).toBe('invalid');
  });
});

describe('uploadPath', () => {
  it('gives the same file in the same collection the same place, and each collection its own folder', () => {
    const a = uploadPath('/inbox', 'papers', 'report.pdf');
    expect(uploadPath('/inbox', 'papers', 'report.pdf')).toBe(a);
    expect(path.dirname(a)).toMatch(/^\/inbox\/c-[0-9a-f]{16}$/);
    expect(path.dirname(uploadPath('/inbox', 'Papers', 'report.pdf'))).not.toBe(path.dirname(a));
  });
  it('keeps a folder structure, safely, at most 8 folders deep', () => {
    const base = path.dirname(uploadPath('/inbox', 'c', 'x'));
    expect(path.relative(base, uploadPath('/inbox', 'c', 'a/b/../c.pdf'))).toBe('a/b/c.pdf');
    expect(path.relative(base, uploadPath('/inbox', 'c', '..\\..\\win.pdf'))).toBe('win.pdf');
    expect(path.relative(base, uploadPath('/inbox', 'c', `${'d/'.repeat(12)}deep.pdf`)).split('/')).toHaveLength(9);
    expect(path.relative(base, uploadPath('/inbox', 'c', '.git/config'))).toBe('git/config');
  });
});

describe('safeFileName', () => {
  it('keeps the last segment only and strips what a file system would choke on', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('a\u0000b?.pdf')).toBe('a_b_.pdf');
    expect(safeFileName('')).toBe('upload');
    expect(safeFileName('..')).toBe('upload');
  });
  it('shortens long names but keeps the extension', () => {
    const name = safeFileName('x'.repeat(400) + '.docx');
    expect(name.length).toBe(180);
    expect(name.endsWith('.docx')).toBe(true);
  });
});

describe('resolveInside', () => {
  const root = path.resolve('/srv/web');
  it('resolves paths inside the root', () => {
    expect(resolveInside(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/a%20b.js')).toBe(path.join(root, 'assets', 'a b.js'));
  });
  it('never leaves the root', () => {
    for (const p of ['/../x', '/%2e%2e/x', '/a/../../x', '/..%2f..%2fx']) {
      const r = resolveInside(root, p);
      expect(r === undefined || r.startsWith(root + path.sep)).toBe(true);
    }
    expect(resolveInside(root, '/%E0%A4%A')).toBeUndefined();
    expect(resolveInside(root, '/a%00b')).toBeUndefined();
  });
});

describe('errors over HTTP', () => {
  it('maps user-caused codes to 4xx and internal ones to 5xx', () => {
    expect(statusFor('INVALID_INPUT')).toBe(400);
    expect(statusFor('UNAUTHORIZED')).toBe(401);
    expect(statusFor('FILE_TOO_LARGE')).toBe(413);
    expect(statusFor('PDF_PASSWORD_REQUIRED')).toBe(422);
    expect(statusFor('INTERNAL')).toBe(500);
  });
  it('formats byte sizes for messages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1024 * 1024)).toBe('1 MiB');
    expect(formatBytes(500 * 1024 * 1024)).toBe('500 MiB');
  });
  it('parses input with the contract schema, throwing INVALID_INPUT on bad input', () => {
    expect(parseInput('library.page', { docId: 'd', page: 2 })).toEqual({ docId: 'd', page: 2 });
    expect(() => parseInput('library.page', { docId: 'd', page: 0 })).toThrow(QuarryError);
    try {
      parseInput('library.page', { page: 'x' });
    } catch (e) {
      expect((e as QuarryError).code).toBe('INVALID_INPUT');
    }
  });
});

it('formats a server-sent event on one data line', () => {
  expect(formatEvent('library.changed', { docIds: ['a\nb'] })).toBe('event: library.changed\ndata: {"docIds":["a\\nb"]}\n\n');
});
