import { describe, expect, it } from 'vitest';
import { decodeAs, decodeText, decodeWindows1252, detectBom, isValidUtf8 } from '../../../main/ingest/decode';

describe('decodeText', () => {
  it('strips a UTF-8 BOM', () => {
    const r = decodeText(Buffer.from('\uFEFFcafé', 'utf8'));
    expect(r).toEqual({ text: 'café', encoding: 'utf-8', fallback: false });
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    expect(decodeText(Buffer.from('\uFEFFΓειά', 'utf16le')).text).toBe('Γειά');
    const be = Buffer.from('\uFEFFhi ☃', 'utf16le').swap16();
    expect(decodeText(be)).toMatchObject({ text: 'hi ☃', encoding: 'utf-16be' });
  });

  it('falls back to windows-1252 when the bytes are not UTF-8, with € and curly quotes', () => {
    const r = decodeText(Buffer.from([0x4b, 0xf6, 0x73, 0x74, 0x20, 0x80, 0x35, 0x20, 0x93, 0x6a, 0x61, 0x94]));
    expect(r).toEqual({ text: 'Köst €5 “ja”', encoding: 'windows-1252', fallback: true });
  });
});

describe('decoding helpers', () => {
  it('detects BOMs', () => {
    expect(detectBom(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(detectBom(Buffer.from([0xfe, 0xff]))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(detectBom(Buffer.from('abc'))).toBeNull();
  });

  it('accepts a UTF-8 sequence cut at the end only when asked', () => {
    const cut = Buffer.from('aé', 'utf8').subarray(0, 2);
    expect(isValidUtf8(cut)).toBe(false);
    expect(isValidUtf8(cut, true)).toBe(true);
    expect(isValidUtf8(Buffer.from([0x41, 0xff, 0x41]), true)).toBe(false);
  });

  it('maps the whole 0x80-0x9F block of windows-1252 and its aliases', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x85, 0x96, 0x97, 0x99, 0x9f]))).toBe('€…–—™Ÿ');
    expect(decodeAs(Buffer.from([0x93, 0x41, 0x94]), 'iso-8859-1')).toBe('“A”');
    expect(decodeAs(Buffer.from('ok'), 'no-such-charset')).toBe('ok');
  });
});
