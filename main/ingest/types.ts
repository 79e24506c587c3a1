import type { FileFormat } from '../../contract';

/** A structural block of a page, with its character range in `ExtractedPage.text`. */
export interface Block {
  kind: 'heading' | 'paragraph' | 'list' | 'table' | 'code';
  text: string;
  /** Heading level 1..6 for headings. */
  level?: number;
  /** [start, end) within the page text. */
  start: number;
  end: number;
  /** Headings above this block, outermost first (a heading's own path includes itself). */
  headingPath: string[];
}

export interface ExtractedPage {
  /** 1-based page number. Formats without pages (DOCX, text, HTML) have a single page 1. */
  page: number;
  /** The page's text: blocks joined by "\n\n". Offsets everywhere refer to this string. */
  text: string;
  blocks: Block[];
  /** The page has no text layer (a scan): OCR would be needed to read it. */
  needsOcr?: boolean;
  /**
   * The page has a text layer, but it does not decode to text (fonts without a Unicode map give
   * "% & ' % !" for words): left out of search like a scan (needsOcr is set too).
   */
  garbled?: boolean;
  /** The page could not be read; the rest of the document still is. */
  error?: { code: string; message: string };
}

export interface DocumentMeta {
  title?: string;
  author?: string;
  /** ISO 8601. */
  createdAt?: string;
  modifiedAt?: string;
  pageCount: number;
  language?: string;
}

export interface ExtractedDocument {
  format: FileFormat;
  meta: DocumentMeta;
  pages: ExtractedPage[];
  warnings: { page?: number; code: string; message: string }[];
}

export interface ExtractOptions {
  password?: string;
  signal?: AbortSignal;
  /** Called after each page (PDF) so long documents report progress. */
  onPage?: (done: number, total: number) => void;
  /** Called once the format is known from the file's first bytes, before it is read. */
  onFormat?: (format: FileFormat) => void;
  limits?: Partial<IngestLimits>;
  /** Worker threads for long PDFs (default: one per core, at most 4); 1 reads them in-thread. */
  workers?: number;
}

export interface IngestLimits {
  /** Largest file accepted, bytes. Default 500 MB. */
  maxFileBytes: number;
  /** Largest total uncompressed size of a DOCX (zip-bomb guard). Default 300 MB. */
  maxDocxUncompressedBytes: number;
  /** Largest compression ratio of any DOCX entry. Default 200. */
  maxDocxRatio: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxFileBytes: 500 * 1024 * 1024,
  maxDocxUncompressedBytes: 300 * 1024 * 1024,
  maxDocxRatio: 200,
};
