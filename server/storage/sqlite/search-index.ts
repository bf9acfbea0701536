/**
 * The full-text index on SQLite: an FTS5 table (migrations `2026_11_27_002_search`,
 * `2026_12_05_301_search_rowids`) whose `unicode61` tokenizer also folds case and Latin
 * diacritics; hits ranked by bm25, snippets by FTS5 (docs/postgres.md §4).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Viewer } from '../../viewer.ts';
import type { DB } from '../database.ts';
import { visibleHits } from '../search-hits.ts';
import { foldForSearch, matchClose, matchOpen, snippetEllipsis, type SearchHit, type SearchKind } from '../search-text.ts';

/** The number FTS5 rowids are spaced by: one slot per kind of item (text, gloss, reply). */
const kindSlots = 4;
const kindSlot: Record<SearchKind, number> = { text: 1, gloss: 2, reply: 3 };

/**
 * The rowid of an item's index entry, derived from its kind and id so that a write finds its
 * entry directly: FTS5 looks a rowid up in its b-tree, while a test on an UNINDEXED column
 * reads every row of the index. The migration that keyed the index uses the same formula.
 */
export function searchRowid(kind: SearchKind, itemId: number): number {
  return itemId * kindSlots + kindSlot[kind];
}

export async function indexItem(db: DB, item: { kind: SearchKind; itemId: number; textId: number; layerId: number | null; body: string }): Promise<void> {
  await removeItem(db, item.kind, item.itemId);
  await sql`INSERT INTO search_index (rowid, body, kind, item_id, text_id, layer_id)
            VALUES (${searchRowid(item.kind, item.itemId)}, ${foldForSearch(item.body)}, ${item.kind}, ${item.itemId}, ${item.textId}, ${item.layerId})`.execute(db);
}

/** Adds the entries of items not in the index yet. */
export async function indexNewItems(db: DB, items: { kind: SearchKind; itemId: number; textId: number; layerId: number | null; body: string }[]): Promise<void> {
  for (const item of items) await indexItem(db, item);
}

/** How many items have entries (one each). */
export async function indexedItemCount(db: DB): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM search_index`.execute(db);
  return rows[0].n;
}

export async function removeItem(db: DB, kind: SearchKind, itemId: number): Promise<void> {
  await sql`DELETE FROM search_index WHERE rowid = ${searchRowid(kind, itemId)}`.execute(db);
}

/** Each entry is found by its rowid (`searchRowid`, written in SQL), so the index is not read through. */
export async function removeItemsIn(db: DB, kind: SearchKind, ids: Expression<{ id: number }>): Promise<void> {
  await sql`DELETE FROM search_index
            WHERE rowid IN (SELECT item.id * ${sql.lit(kindSlots)} + ${sql.lit(kindSlot[kind])} FROM (${ids}) AS item)`.execute(db);
}

/** The words as an FTS5 query: each a quoted phrase (so FTS operators are inert), the last a prefix. */
export function toMatchQuery(words: string[]): string {
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export async function searchIndex(db: DB, viewer: Viewer | null, words: string[], options: { textId?: number; limit: number; offset: number }): Promise<SearchHit[]> {
  let query = visibleHits(
    db
      .selectFrom('search_index as si')
      .select([
        'si.kind',
        'si.item_id',
        'si.text_id',
        'si.layer_id',
        sql<string>`snippet(search_index, 0, ${matchOpen}, ${matchClose}, ${snippetEllipsis}, 16)`.as('snippet'),
        sql<number>`bm25(search_index)`.as('rank'),
      ])
      .where(sql<SqlBool>`search_index MATCH ${toMatchQuery(words)}`),
    viewer,
  );
  if (options.textId !== undefined) query = query.where('si.text_id', '=', options.textId);
  return query.orderBy('rank').limit(options.limit).offset(options.offset).execute();
}
