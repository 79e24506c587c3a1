import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../../main/ingest/sniff';
import { QuarryError } from '../../../main/util/errors';

const bytes = (...b: number[]): Buffer => Buffer.from(b);
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

function unsupported(head: Buffer, name: string): QuarryError {
  try {
    sniffFormat(head, name);
  } catch (e) {
    expect(e).toBeInstanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error(`expected ${name} to be refused`);
}

describe('sniffFormat', () => {
  it('finds %PDF- at the start and after leading junk within 1 KB', () => {
    expect(sniffFormat(text('%PDF-1.7\n...'), 'x.bin')).toBe('pdf');
    expect(sniffFormat(Buffer.concat([Buffer.alloc(300, 0x20), text('junk\r\n%PDF-1.4')]), 'mail.eml')).toBe('pdf');
    // Beyond the first KB it is not a PDF header any more.
    expect(sniffFormat(Buffer.concat([Buffer.alloc(1100, 0x41), text('%PDF-1.4')]), 'a.txt')).toBe('text');
  });

  it('decides from content, not extension: a PNG named .pdf is a PNG', () => {
    const e = unsupported(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), 'scan.pdf');
    expect(e.code).toBe('UNSUPPORTED_TYPE');
    expect(e.message).toContain('looks like a PNG image');
    expect(e.message).toContain('scan.pdf');
  });

  it.each([
    [bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'a JPEG image'],
    [text('GIF89a\x01\x00'), 'a GIF image'],
    [bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0), 'an ELF executable'],
    [bytes(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), 'a gzip archive'],
    [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), 'a legacy Office file'],
    [text('{\\rtf1\\ansi hello}'), 'an RTF document'],
  ])('names binary formats it refuses (%s)', (head, what) => {
    expect(unsupported(head, 'f.txt').message).toContain(`looks like ${what}`);
  });

  it('names a password-protected Office file (an OLE container) apart from a legacy one', () => {
    const cfb = bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
    const encrypted = Buffer.concat([cfb, Buffer.alloc(500), Buffer.from('EncryptionInfo\0EncryptedPackage', 'utf16le')]);
    expect(unsupported(encrypted, 'budget.xlsx').message).toBe('budget.xlsx is a password-protected Excel spreadsheet (.xlsx), which Quarry cannot open.');
    expect(unsupported(encrypted, 'renamed.bin').message).toContain('a password-protected Office file');
    // The directory may lie beyond the head: an OOXML name on an OLE file means encryption too.
    expect(unsupported(Buffer.concat([cfb, Buffer.alloc(64)]), 'plan.docx').message).toContain('password-protected Word document');
    expect(unsupported(Buffer.concat([cfb, Buffer.alloc(64)]), 'old.doc').message).toContain('a legacy Office file');
  });

  it('tells DOCX from other ZIP files by the entry names', () => {
    /** Local file headers (30 bytes and the name) with a few bytes of "data" after each. */
    const zip = (...names: string[]): Buffer =>
      Buffer.concat(
        names.flatMap((name) => {
          const header = Buffer.alloc(30);
          header.writeUInt32LE(0x04034b50, 0);
          header.writeUInt16LE(Buffer.byteLength(name, 'latin1'), 26);
          return [header, Buffer.from(name, 'latin1'), Buffer.from([0x78, 0x9c, 0x03, 0x00])];
        }),
      );
    expect(sniffFormat(zip('[Content_Types].xml', '_rels/.rels', 'word/document.xml'), 'a.bin')).toBe('docx');
    // An EPUB stores its mimetype entry first and uncompressed: the name runs into the content.
    expect(unsupported(Buffer.concat([zip('mimetype').subarray(0, 38), text('application/epub+zip')]), 'b.docx').message).toContain('EPUB');
    expect(unsupported(zip('xl/workbook.xml'), 'c.zip').message).toContain('Excel');
    // A presentation with a chart carries its embedded workbook's parts: the first OOXML folder decides.
    expect(unsupported(zip('[Content_Types].xml', 'ppt/slides/slide1.xml', 'ppt/embeddings/xl/workbook.xml', 'xl/worksheets/sheet1.xml'), 'deck.pptx').message).toContain('PowerPoint');
    expect(unsupported(zip('photos/1.jpg'), 'd.zip').message).toContain('a ZIP archive');
    // A big DOCX whose names lie beyond the head: trust the extension, the reader will check.
    expect(sniffFormat(zip('media/image1.png'), 'e.docx')).toBe('docx');
  });

  it('recognises HTML near the start, after a BOM and in UTF-16', () => {
    expect(sniffFormat(text('  \n<!DOCTYPE html><html><body>x'), 'page.txt')).toBe('html');
    expect(sniffFormat(text('\uFEFF<html lang="en"><head>'), 'p')).toBe('html');
    expect(sniffFormat(Buffer.from('\uFEFF<head><meta charset="utf-8"></head>', 'utf16le'), 'p.htm')).toBe('html');
    expect(sniffFormat(text('Plain words that mention <html> later'), 'notes.txt')).toBe('text');
    // A fragment without the markers is HTML only when named so.
    expect(sniffFormat(text('<p>Hello</p>'), 'frag.html')).toBe('html');
    expect(sniffFormat(text('<p>Hello</p>'), 'frag.txt')).toBe('text');
  });

  it('reads text and picks Markdown by extension', () => {
    expect(sniffFormat(text('# Title\n\nBody'), 'README.md')).toBe('markdown');
    expect(sniffFormat(text('# Title'), 'notes.markdown')).toBe('markdown');
    expect(sniffFormat(text('# Title'), 'notes.txt')).toBe('text');
    expect(sniffFormat(bytes(0x4b, 0xf6, 0x6e, 0x6e, 0x65, 0x6e, 0x0a), 'latin1.txt')).toBe('text');
    expect(sniffFormat(Buffer.from('\uFEFFhello', 'utf16le'), 'u16.txt')).toBe('text');
    // A text file that happens to start with "MZ" is still text.
    expect(sniffFormat(text('MZ Corp annual report'), 'r.txt')).toBe('text');
  });

  it('refuses binary junk', () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
    expect(unsupported(junk, 'data.txt').message).toContain('binary data');
    expect(unsupported(bytes(0x41, 0x00, 0x42, 0x00), 'nul.txt').code).toBe('UNSUPPORTED_TYPE');
  });
});
