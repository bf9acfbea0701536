/**
 * Keys the full-text index by rowid. The first search migration let FTS5 pick rowids, so
 * replacing or removing an item's entry had to find it with `WHERE kind = ? AND item_id = ?`,
 * which FTS5 answers by reading every row of the index: each write cost as much as the whole
 * index. From here on an entry's rowid is derived from its kind and item id (see
 * storage/search-index.ts, `searchRowid`), so a write goes straight to its entry.
 *
 * The index is rebuilt from what is in it: entries are copied into a new table under their
 * derived rowids (a duplicate entry, if any, collapses into one) and the new table takes the
 * old one's name. SQLite only. Frozen: never import the app's types here, so the rowid formula
 * is written out below and must stay equal to the one in storage/search-index.ts.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE search_index_keyed USING fts5(
    body,
    kind UNINDEXED,
    item_id UNINDEXED,
    text_id UNINDEXED,
    layer_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db);
  // rowid = item_id * 4 + (1 for a text, 2 for a gloss, 3 for a reply).
  await sql`INSERT OR REPLACE INTO search_index_keyed (rowid, body, kind, item_id, text_id, layer_id)
    SELECT item_id * 4 + CASE kind WHEN 'text' THEN 1 WHEN 'gloss' THEN 2 ELSE 3 END,
           body, kind, item_id, text_id, layer_id
    FROM search_index ORDER BY rowid`.execute(db);
  await sql`DROP TABLE search_index`.execute(db);
  await sql`ALTER TABLE search_index_keyed RENAME TO search_index`.execute(db);
}

export async function down(): Promise<void> {
  // The keyed index is a valid index for the old code too: nothing to undo.
}
