import type { DocumentInfo } from '../../contract';
import type { Chunk } from '../chunk/types';
import { indexText } from '../search/tokenize';
import type { ChunkRow, DocumentRecord } from './store';

/** A chunk as a row of the chunk table, with its multilingual search text. */
export function chunkRow(docId: string, collection: string, c: Chunk, vector: Float32Array, headingPrefix: string): Record<string, unknown> {
  return {
    id: c.id,
    doc_id: docId,
    collection,
    ordinal: c.ordinal,
    text: c.text,
    heading: [headingPrefix, ...c.headingPath.filter((h) => h !== headingPrefix)].filter(Boolean).join(' › '),
    section_id: c.sectionId,
    page_start: c.pageStart,
    page_end: c.pageEnd,
    char_start: c.charStart,
    char_end: c.charEnd,
    tokens: c.tokenCount,
    vector: Array.from(vector),
    text_fts: indexText(c.text),
  };
}

export function documentToRow(d: DocumentRecord): Record<string, unknown> {
  return {
    doc_id: d.docId,
    name: d.name,
    path: d.path,
    format: d.format,
    collection: d.collection,
    tags: d.tags,
    title: d.title ?? null,
    author: d.author ?? null,
    created_at: d.createdAt ?? null,
    modified_at: d.modifiedAt ?? null,
    pages: d.pages,
    pages_needing_ocr: d.pagesNeedingOcr,
    chunks: d.chunks,
    bytes: d.bytes,
    mtime_ms: d.mtimeMs,
    content_hash: d.contentHash,
    added_at: d.addedAt,
    status: d.status,
    error_json: d.error ? JSON.stringify(d.error) : null,
    warnings_json: JSON.stringify(d.warnings),
  };
}

export function rowToDocument(r: Record<string, unknown>): DocumentRecord {
  const opt = (v: unknown): string | undefined => (v == null ? undefined : String(v));
  const tags = r.tags as { toArray?: () => unknown[] } | unknown[] | null;
  const tagList = Array.isArray(tags) ? tags : (tags?.toArray?.() ?? []);
  return {
    docId: String(r.doc_id),
    name: String(r.name),
    path: String(r.path),
    format: r.format as DocumentInfo['format'],
    collection: String(r.collection),
    tags: tagList.map(String),
    title: opt(r.title),
    author: opt(r.author),
    createdAt: opt(r.created_at),
    modifiedAt: opt(r.modified_at),
    pages: Number(r.pages),
    pagesNeedingOcr: Number(r.pages_needing_ocr),
    chunks: Number(r.chunks),
    bytes: Number(r.bytes),
    mtimeMs: Number(r.mtime_ms),
    contentHash: String(r.content_hash),
    addedAt: String(r.added_at),
    status: r.status as DocumentInfo['status'],
    error: r.error_json ? JSON.parse(String(r.error_json)) : undefined,
    warnings: JSON.parse(String(r.warnings_json ?? '[]')),
  };
}

/** An already-chunked row (an index rebuild re-embedding it) with its vector and search text. */
export function chunkRowWithVector(r: ChunkRow, vector: Float32Array): Record<string, unknown> {
  return { ...r, vector: Array.from(vector), text_fts: indexText(r.text) };
}
