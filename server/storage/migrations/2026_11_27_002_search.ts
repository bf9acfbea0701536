/**
 * The full-text index: one FTS5 table over text projections, gloss bodies and reply bodies.
 * SQLite only; a PostgreSQL migration would add a tsvector column and a GIN index instead.
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // kind: 'text' | 'gloss' | 'reply'; item_id: the row's id; the rest is for filtering.
  await sql`CREATE VIRTUAL TABLE search_index USING fts5(
    body,
    kind UNINDEXED,
    item_id UNINDEXED,
    text_id UNINDEXED,
    layer_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE search_index`.execute(db);
}
