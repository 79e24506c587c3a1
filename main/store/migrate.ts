import type * as lancedb from '@lancedb/lancedb';
import { indexText, needsMultilingual } from '../search/tokenize';
import { TEXT_FTS_FIELD } from './schema';

/** Progress of a migration that rewrites rows: `done` of `total` rows. */
export interface MigrationProgress {
  step: 'text_fts';
  done: number;
  total: number;
}

/** Rows rewritten per commit: bounded memory (rows carry their vectors) and few versions. */
const BATCH = 256;

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Arrow values as plain ones a write accepts (vectors arrive as Arrow vectors). */
function plainRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    out[k] = v !== null && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray: () => ArrayLike<number> }).toArray()) : v;
  }
  return out;
}

/**
 * Brings a chunk table written by an earlier version up to the current schema, in place and
 * without losing a row: adds the `text_fts` column (null in existing rows,
 * which searches as empty) and fills it for the chunks that need it — those containing CJK,
 * Thai…, Arabic or Cyrillic text (an all-English library has no row rewritten).
 *
 * Idempotent and resumable: the `text_fts` full-text index, built by the store only after this
 * returns, marks the migration done, so a run cut short is simply repeated on the next open
 * (rows are rewritten with merge-insert on their id: each batch commits whole or not at all).
 * Returns the number of rows rewritten.
 */
export async function migrateChunkTable(table: lancedb.Table, onProgress?: (p: MigrationProgress) => void): Promise<number> {
  const schema = await table.schema();
  if (!schema.fields.some((f) => f.name === TEXT_FTS_FIELD.name)) {
    // SQL rather than an Arrow Field: LanceDB checks `instanceof Field` against its own copy of
    // apache-arrow, which is not the one this project imports, and then rejects the call.
    await table.addColumns([{ name: TEXT_FTS_FIELD.name, valueSql: 'CAST(NULL AS STRING)' }]);
  }
  const indices = await table.listIndices();
  if (indices.some((i) => i.columns.includes(TEXT_FTS_FIELD.name))) return 0;
  if ((await table.countRows()) === 0) return 0;

  // Only ids and texts are scanned; full rows are read back for the (usually few) that change.
  const todo: string[] = [];
  for await (const batch of table.query().select(['id', 'text'])) {
    const ids = batch.getChild('id');
    const texts = batch.getChild('text');
    for (let i = 0; i < batch.numRows; i++) {
      const text = String(texts?.get(i) ?? '');
      if (needsMultilingual(text)) todo.push(String(ids?.get(i)));
    }
  }
  if (todo.length === 0) return 0; // an all-English library: nothing to rewrite or report
  let done = 0;
  onProgress?.({ step: 'text_fts', done, total: todo.length });
  for (let i = 0; i < todo.length; i += BATCH) {
    const ids = todo.slice(i, i + BATCH);
    const rows = await table.query().where(`id IN (${ids.map(quote).join(',')})`).toArray();
    const data = rows.map((r) => {
      const row = plainRow(r as Record<string, unknown>);
      return { ...row, text_fts: indexText(String(row.text)) };
    });
    if (data.length) await table.mergeInsert('id').whenMatchedUpdateAll().execute(data);
    done += ids.length;
    onProgress?.({ step: 'text_fts', done, total: todo.length });
  }
  return todo.length;
}
