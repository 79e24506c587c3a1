import { describe, expect, it } from 'vitest';
import { passwordCandidates, pdfjsAssetDirs, saslprep, toPdfError } from '../../../main/ingest/pdfjs';
import { QuarryError } from '../../../main/util/errors';
import { existsSync } from 'node:fs';
import path from 'node:path';

describe('toPdfError', () => {
  it('maps pdfjs PasswordException codes', () => {
    expect(toPdfError({ name: 'PasswordException', code: 1, message: 'No password given' }, 'a.pdf').code).toBe('PDF_PASSWORD_REQUIRED');
    expect(toPdfError({ name: 'PasswordException', code: 2, message: 'Incorrect Password' }, 'a.pdf').code).toBe('PDF_PASSWORD_WRONG');
  });

  it('maps everything else, including odd rejections, to PDF_MALFORMED with the file name', () => {
    const e = toPdfError({ name: 'InvalidPDFException', message: 'Invalid PDF structure.' }, 'x.pdf');
    expect(e).toBeInstanceOf(QuarryError);
    expect(e.code).toBe('PDF_MALFORMED');
    expect(e.message).toContain('x.pdf');
    expect(toPdfError('a string').code).toBe('PDF_MALFORMED');
    expect(toPdfError(null).code).toBe('PDF_MALFORMED');
    expect(toPdfError({ name: 'AbortException' }).code).toBe('CANCELLED');
    const q = new QuarryError('CANCELLED', 'stop');
    expect(toPdfError(q)).toBe(q);
  });
});

describe('passwords', () => {
  it('SASLprep maps soft hyphens to nothing and applies NFKC', () => {
    expect(saslprep('S\u00AASL\u00ADprep')).toBe('SaSLprep');
    expect(saslprep('a\u00A0b')).toBe('a b');
  });

  it('tries the typed password first, then SASLprep and UTF-8 byte spellings, without duplicates', () => {
    expect(passwordCandidates('abc')).toEqual(['abc']);
    const c = passwordCandidates('pässwört');
    expect(c[0]).toBe('pässwört');
    expect(c).toContain(Buffer.from('pässwört', 'utf8').toString('latin1'));
    expect(new Set(c).size).toBe(c.length);
  });
});

describe('pdfjsAssetDirs', () => {
  it('points at the package folders with a trailing separator', () => {
    const dirs = pdfjsAssetDirs();
    expect(dirs.cMapUrl.endsWith(path.sep)).toBe(true);
    expect(existsSync(path.join(dirs.cMapUrl, 'UniJIS-UCS2-H.bcmap'))).toBe(true);
    expect(existsSync(path.join(dirs.standardFontDataUrl, 'FoxitSerif.pfb'))).toBe(true);
  });
});
