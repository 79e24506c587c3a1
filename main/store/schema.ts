import { Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';

/**
 * The text pre-tokenised for scripts the English `text` index cannot search (CJK bigrams, Thai
 * words, stemmed Arabic, Cyrillic; see search/tokenize.ts); '' for chunks without them. Last
 * and nullable because libraries written before it get it added by a migration, which appends
 * the column as nulls (store/migrate.ts).
 */
export const TEXT_FTS_FIELD = new Field('text_fts', new Utf8(), true);

/** Chunk rows: text, citation location and the vector, one table per embedder. */
export function chunkSchema(dimension: number): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('collection', new Utf8(), false),
    new Field('ordinal', new Int32(), false),
    new Field('text', new Utf8(), false),
    /** Document title and heading path: indexed as its own field so it can be boosted. */
    new Field('heading', new Utf8(), false),
    new Field('section_id', new Utf8(), false),
    new Field('page_start', new Int32(), false),
    new Field('page_end', new Int32(), false),
    new Field('char_start', new Int32(), false),
    new Field('char_end', new Int32(), false),
    new Field('tokens', new Int32(), false),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
    TEXT_FTS_FIELD,
  ]);
}

/** Document rows. Small (one per file): the engine also keeps them in memory. */
export function documentSchema(): Schema {
  return new Schema([
    new Field('doc_id', new Utf8(), false),
    new Field('name', new Utf8(), false),
    new Field('path', new Utf8(), false),
    new Field('format', new Utf8(), false),
    new Field('collection', new Utf8(), false),
    new Field('tags', new List(new Field('item', new Utf8(), true)), false),
    new Field('title', new Utf8(), true),
    new Field('author', new Utf8(), true),
    new Field('created_at', new Utf8(), true),
    new Field('modified_at', new Utf8(), true),
    new Field('pages', new Int32(), false),
    new Field('pages_needing_ocr', new Int32(), false),
    new Field('chunks', new Int32(), false),
    new Field('bytes', new Float64(), false),
    new Field('mtime_ms', new Float64(), false),
    new Field('content_hash', new Utf8(), false),
    new Field('added_at', new Utf8(), false),
    new Field('status', new Utf8(), false),
    new Field('error_json', new Utf8(), true),
    new Field('warnings_json', new Utf8(), false),
  ]);
}

/** Extracted page texts, for the source viewer, highlighting and context expansion. */
export function pageSchema(): Schema {
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('page', new Int32(), false),
    new Field('text', new Utf8(), false),
  ]);
}

/** The columns a search returns (everything but the vector). */
export const CHUNK_COLUMNS = [
  'id', 'doc_id', 'collection', 'ordinal', 'text', 'heading', 'section_id',
  'page_start', 'page_end', 'char_start', 'char_end', 'tokens',
];
