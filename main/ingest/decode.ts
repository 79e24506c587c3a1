/** The result of turning bytes into text, with the encoding that was used. */
export interface DecodedText {
  text: string;
  /** WHATWG encoding label actually used, e.g. "utf-8", "utf-16le", "windows-1252". */
  encoding: string;
  /** True when the bytes were not valid in the first choice and a fallback decoded them. */
  fallback: boolean;
}

/** The encoding a byte-order mark announces, and the BOM's length; null without a BOM. */
export function detectBom(buf: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** Whether the bytes are valid UTF-8 (a cut-off multi-byte sequence at the very end is allowed). */
export function isValidUtf8(buf: Uint8Array, allowTruncatedEnd = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    if (!allowTruncatedEnd) return false;
    // A head read cuts files at an arbitrary byte: retry without the last sequence, but only
    // when it is a lead byte followed by fewer continuation bytes than it announces.
    for (let i = buf.length - 1; i >= Math.max(0, buf.length - 3); i--) {
      const b = buf[i];
      if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need <= buf.length - i) return false;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, i));
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

// windows-1252's 0x80-0x9F block. Node's TextDecoder('windows-1252') decodes these bytes as C1
// controls (ISO-8859-1), losing €, curly quotes and dashes — exactly the characters that make
// "ANSI" files differ from Latin-1 — so this table fills them in.
const CP1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

/** Decodes windows-1252 (what WHATWG means by "latin1", "iso-8859-1", "ascii" too). */
export function decodeWindows1252(buf: Uint8Array): string {
  const latin1 = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/**
 * Decodes with the given WHATWG label, stripping a BOM the label matches. Unknown labels fall
 * back to UTF-8 so a typo in a `<meta charset>` never loses the document.
 */
export function decodeAs(buf: Uint8Array, label: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  if (decoder.encoding === 'windows-1252') return decodeWindows1252(buf);
  return decoder.decode(buf);
}

/**
 * Decodes a text file: a BOM wins (UTF-8, UTF-16 LE/BE); otherwise UTF-8 when the bytes are
 * valid UTF-8, else windows-1252 — the superset of Latin-1 that real "ANSI" files use.
 */
export function decodeText(buf: Uint8Array): DecodedText {
  const bom = detectBom(buf);
  if (bom) {
    // TextDecoder strips a matching BOM itself (ignoreBOM defaults to false).
    return { text: new TextDecoder(bom.encoding).decode(buf), encoding: bom.encoding, fallback: false };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8', fallback: false };
  } catch {
    return { text: decodeWindows1252(buf), encoding: 'windows-1252', fallback: true };
  }
}
