import path from 'node:path';
import type { SearchFilters } from '../../contract';
import { sqlString, type DocumentRecord } from '../store/store';

/** Does `name` (a doc id, a file name, or a file name without extension) denote this document? */
export function matchesDocName(doc: DocumentRecord, name: string): boolean {
  if (doc.docId === name) return true;
  const lower = name.toLowerCase();
  const base = doc.name.toLowerCase();
  return base === lower || base.slice(0, base.length - path.extname(base).length) === lower || doc.path === name;
}

/**
 * Turns filters into a LanceDB predicate. Document-level filters (name, tags, format, dates)
 * are resolved against the in-memory catalog into a doc_id list. Returns `null` when the
 * filters match no document at all (the search can answer "nothing" at once).
 */
export function buildWhere(filters: SearchFilters, docs: Iterable<DocumentRecord>): string | undefined | null {
  const parts: string[] = [];
  if (filters.collection) parts.push(`collection = ${sqlString(filters.collection)}`);
  const docLevel = filters.doc || filters.tags?.length || filters.format || filters.addedAfter || filters.addedBefore;
  if (docLevel) {
    const ids: string[] = [];
    for (const d of docs) {
      if (filters.collection && d.collection !== filters.collection) continue;
      if (filters.doc && !matchesDocName(d, filters.doc)) continue;
      if (filters.tags?.length && !filters.tags.every((t) => d.tags.includes(t))) continue;
      if (filters.format && d.format !== filters.format) continue;
      if (filters.addedAfter && d.addedAt < filters.addedAfter) continue;
      if (filters.addedBefore && d.addedAt >= filters.addedBefore) continue;
      ids.push(d.docId);
    }
    if (ids.length === 0) return null;
    parts.push(`doc_id IN (${ids.map(sqlString).join(',')})`);
  }
  return parts.length ? parts.join(' AND ') : undefined;
}
