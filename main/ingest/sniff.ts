import path from 'node:path';
import type { FileFormat } from '../../contract';
import { QuarryError } from '../util/errors';
import { detectBom, isValidUtf8 } from './decode';

/** How many bytes `sniffFormat` wants to see: enough for a ZIP's first entry names. */
export const SNIFF_BYTES = 64 * 1024;

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd']);

/** Binary signatures we recognise only to name them in the error. */
// `weak` signatures are short enough to start real text ("MZ", "BZh", "ID3"): they count only
// when the bytes do not read as text anyway.
const BINARY_SIGNATURES: { bytes: (number | null)[]; offset?: number; name: string; weak?: boolean }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [...'GIF87a'].map((c) => c.charCodeAt(0)), name: 'a GIF image' },
  { bytes: [...'GIF89a'].map((c) => c.charCodeAt(0)), name: 'a GIF image' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], name: 'a TIFF image' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], name: 'a TIFF image' },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], name: 'a WebP image' },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x41, 0x56, 0x45], name: 'a WAV audio file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'an ELF executable' },
  { bytes: [0x4d, 0x5a], name: 'a Windows executable', weak: true },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], name: 'a Mach-O executable' },
  { bytes: [0x1f, 0x8b], name: 'a gzip archive' },
  { bytes: [0x42, 0x5a, 0x68], name: 'a bzip2 archive', weak: true },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'an xz archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'a zstd archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], name: 'a RAR archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7-Zip archive' },
  { bytes: [...'SQLite format 3'].map((c) => c.charCodeAt(0)), name: 'an SQLite database' },
  { bytes: [0x00, 0x61, 0x73, 0x6d], name: 'a WebAssembly module' },
  { bytes: [0x49, 0x44, 0x33], name: 'an MP3 audio file', weak: true },
  { bytes: [0x4f, 0x67, 0x67, 0x53], name: 'an Ogg media file' },
  { bytes: [0x66, 0x4c, 0x61, 0x43], name: 'a FLAC audio file' },
  { bytes: [0x66, 0x74, 0x79, 0x70], offset: 4, name: 'an MP4/QuickTime media file' },
  { bytes: [...'{\\rtf'].map((c) => c.charCodeAt(0)), name: 'an RTF document' },
  { bytes: [...'%!PS'].map((c) => c.charCodeAt(0)), name: 'a PostScript file' },
];

/** The OLE compound file signature (legacy Office, encrypted OOXML). */
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function matches(head: Uint8Array, sig: (number | null)[], offset = 0): boolean {
  if (head.length < offset + sig.length) return false;
  return sig.every((b, i) => b === null || head[offset + i] === b);
}

function latin1(head: Uint8Array, max: number): string {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, max)).toString('latin1');
}

function unsupported(fileName: string, what: string): QuarryError {
  return new QuarryError('UNSUPPORTED_TYPE', `${path.basename(fileName)} looks like ${what}, which Quarry cannot read.`, {
    hint: 'Quarry reads PDF, Word (.docx), HTML, Markdown and plain-text files.',
  });
}

/** The names of the ZIP entries whose local headers lie in the head, in order. */
export function zipEntryNames(head: Uint8Array): string[] {
  const names: string[] = [];
  for (let i = 0; i + 30 <= head.length; i++) {
    if (head[i] !== 0x50 || head[i + 1] !== 0x4b || head[i + 2] !== 0x03 || head[i + 3] !== 0x04) continue;
    const nameLength = head[i + 26] | (head[i + 27] << 8);
    if (nameLength === 0 || i + 30 + nameLength > head.length) continue;
    names.push(latin1(head.subarray(i + 30, i + 30 + nameLength), nameLength));
    i += 29 + nameLength;
  }
  return names;
}

/** The Office Open XML kinds Quarry names, by the folder of their main part. */
const OOXML_FOLDERS: [string, FileFormat | string][] = [
  ['word/', 'docx'],
  ['ppt/', 'a PowerPoint presentation (.pptx)'],
  ['xl/', 'an Excel spreadsheet (.xlsx)'],
];

/**
 * Names what kind of ZIP this is from its entry names. The first OOXML folder among the entry
 * names decides: a presentation with a chart carries an embedded workbook's parts too, and a
 * substring search of the head once called one "an Excel spreadsheet".
 */
function sniffZip(head: Uint8Array, fileName: string): FileFormat {
  const s = latin1(head, head.length);
  if (s.includes('mimetypeapplication/epub+zip')) throw unsupported(fileName, 'an EPUB e-book');
  if (s.includes('mimetypeapplication/vnd.oasis.opendocument')) throw unsupported(fileName, 'an OpenDocument file');
  for (const name of zipEntryNames(head)) {
    const kind = OOXML_FOLDERS.find(([folder]) => name.startsWith(folder))?.[1];
    if (kind === 'docx') return 'docx';
    if (kind) throw unsupported(fileName, kind);
  }
  // The head may end before the entry names of a big DOCX: trust the extension for the rest,
  // the DOCX reader checks the central directory and says DOCX_MALFORMED if it is not one.
  if (path.extname(fileName).toLowerCase() === '.docx') return 'docx';
  throw unsupported(fileName, 'a ZIP archive');
}

const OFFICE_EXTENSIONS: Record<string, string> = {
  '.docx': 'Word document (.docx)',
  '.xlsx': 'Excel spreadsheet (.xlsx)',
  '.pptx': 'PowerPoint presentation (.pptx)',
};

/**
 * An OLE compound file: a legacy .doc/.xls/.ppt, or a password-protected .docx/.xlsx/.pptx
 * (Office wraps the encrypted package in one, with EncryptionInfo and EncryptedPackage streams).
 */
function sniffCompound(head: Uint8Array, fileName: string): never {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf16le') + Buffer.from(head.buffer, head.byteOffset + 1, Math.max(0, head.byteLength - 1)).toString('utf16le');
  const office = OFFICE_EXTENSIONS[path.extname(fileName).toLowerCase()];
  if (text.includes('EncryptedPackage') || office) {
    throw new QuarryError('UNSUPPORTED_TYPE', `${path.basename(fileName)} is a password-protected ${office ?? 'Office file'}, which Quarry cannot open.`, {
      hint: 'Save a copy without the password (File → Info → Protect) and add that copy.',
    });
  }
  throw unsupported(fileName, 'a legacy Office file (.doc, .xls or .ppt)');
}

/** The head as text for markup checks: after a BOM, in the BOM's encoding (UTF-16 HTML exists). */
function headText(head: Uint8Array): string {
  const bom = detectBom(head);
  const slice = head.subarray(0, 4096);
  if (bom) return new TextDecoder(bom.encoding).decode(slice);
  return latin1(slice, slice.length);
}

const HTML_MARKERS = /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]/i;

const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);

function looksLikeHtml(head: Uint8Array, fileName: string): boolean {
  const text = headText(head).trimStart();
  if (!text.startsWith('<')) return false;
  // A fragment ("<p>Hi</p>") has none of the markers; its .html name settles it.
  return HTML_MARKERS.test(text.slice(0, 1024)) || (HTML_EXTENSIONS.has(path.extname(fileName).toLowerCase()) && /^<[a-z!]/i.test(text));
}

/** Whether the bytes read as text: no NULs, few control characters. */
function looksLikeText(head: Uint8Array): boolean {
  const bom = detectBom(head);
  if (bom?.encoding === 'utf-16le' || bom?.encoding === 'utf-16be') return true;
  let controls = 0;
  for (const b of head) {
    if (b === 0) return false;
    if ((b < 0x09 || (b > 0x0d && b < 0x20)) && b !== 0x1b) controls++;
  }
  if (controls > head.length * 0.02 + 2) return false;
  if (isValidUtf8(head, true)) return true;
  // Not UTF-8: accept it as windows-1252 when most bytes are printable ASCII (real "ANSI" text
  // has a few accented letters among many plain ones; compressed junk has high bytes everywhere).
  let high = 0;
  for (const b of head) if (b >= 0x80) high++;
  return high <= head.length * 0.3;
}

/**
 * Decides a file's format from its first bytes, not its name (a PNG renamed .pdf is still a
 * PNG). The name only separates Markdown from plain text and helps name odd ZIPs.
 *
 * @throws QuarryError UNSUPPORTED_TYPE naming what the file looks like.
 * @example
 * sniffFormat(await readHead(file), 'notes.md'); // 'markdown'
 */
export function sniffFormat(head: Buffer | Uint8Array, fileName: string): FileFormat {
  // "%PDF-" may follow junk (mail headers, a BOM, printer preambles): readers accept it in 1 KB.
  if (latin1(head, 1024).includes('%PDF-')) return 'pdf';
  if (matches(head, [0x50, 0x4b, 0x03, 0x04]) || matches(head, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(head, fileName);
  if (matches(head, CFB)) sniffCompound(head, fileName);
  for (const sig of BINARY_SIGNATURES) {
    if (matches(head, sig.bytes, sig.offset) && !(sig.weak && looksLikeText(head))) throw unsupported(fileName, sig.name);
  }
  if (looksLikeHtml(head, fileName)) return 'html';
  if (!looksLikeText(head)) throw unsupported(fileName, 'binary data');
  return MARKDOWN_EXTENSIONS.has(path.extname(fileName).toLowerCase()) ? 'markdown' : 'text';
}
