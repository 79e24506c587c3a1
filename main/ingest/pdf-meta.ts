import type { DocumentMeta } from './types';
import type { PdfDocument } from './pdfjs';

const PDF_DATE = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+-])\s*(\d{2})?'?\s*(\d{2})?'?)?/;

/**
 * Parses a PDF date string (`D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional) into
 * ISO 8601 UTC. Returns undefined for anything that is not a plausible date; an ISO string
 * (some writers put one in) is accepted too.
 *
 * @example
 * parsePdfDate("D:20230105143000+01'00'"); // '2023-01-05T13:30:00.000Z'
 */
export function parsePdfDate(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  const m = PDF_DATE.exec(s);
  if (!m) return undefined;
  if (/^\d{4}-\d{2}/.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  const nums = [y, mo, d, h, mi, se, oh, om].map(Number);
  const [year, month, day, hour, minute, second, offH, offM] = nums;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) {
    return undefined;
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  const offset = (offH * 60 + offM) * 60_000;
  if (sign === '+') ms -= offset;
  else if (sign === '-') ms += offset;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function clean(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // Metadata strings carry stray NULs and controls.
  const t = v.replace(/[\u0000-\u001F\uFEFF]/g, ' ').replace(/\s+/g, ' ').trim();
  return t || undefined;
}

/** Title, author and dates from the Info dictionary, else from XMP; never throws. */
export async function readPdfMeta(doc: PdfDocument): Promise<DocumentMeta> {
  const meta: DocumentMeta = { pageCount: doc.numPages };
  let info: Record<string, unknown> = {};
  let xmp: { get(name: string): unknown } | null = null;
  try {
    const md = await doc.getMetadata();
    info = (md.info ?? {}) as Record<string, unknown>;
    xmp = md.metadata ?? null;
  } catch {
    return meta;
  }
  const fromXmp = (name: string): unknown => {
    try {
      return xmp?.get(name) ?? undefined;
    } catch {
      return undefined;
    }
  };
  const title = clean(info.Title) ?? clean(fromXmp('dc:title'));
  const author = clean(info.Author) ?? clean(fromXmp('dc:creator'));
  const createdAt = parsePdfDate(info.CreationDate) ?? parsePdfDate(fromXmp('xmp:createdate'));
  const modifiedAt = parsePdfDate(info.ModDate) ?? parsePdfDate(fromXmp('xmp:modifydate'));
  const language = clean(info.Language);
  if (title) meta.title = title;
  if (author) meta.author = author;
  if (createdAt) meta.createdAt = createdAt;
  if (modifiedAt) meta.modifiedAt = modifiedAt;
  if (language) meta.language = language;
  return meta;
}
