/**
 * The full-text index: what is indexed and how hits are found and shown, the same on both
 * dialects (docs/postgres.md §4). How the index is stored differs — an FTS5 table on SQLite
 * (sqlite/search-index.ts), a `tsvector` table on PostgreSQL (postgres/search-index.ts) — and
 * this module sends each call to its dialect's.
 *
 * Indexed text is folded for search — Hebrew points and cantillation removed, NFC — so an
 * unpointed query finds a pointed text. Snippets therefore come back unpointed; the search
 * service cuts them again from the words as written (`indexedBodies`, services/search-snippet.ts).
 */
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import * as postgres from './postgres/search-index.ts';
import type { SearchHit, SearchKind } from './search-text.ts';
import * as sqlite from './sqlite/search-index.ts';

export { foldForSearch, matchClose, matchOpen, searchWords, snippetEllipsis, type SearchHit, type SearchKind } from './search-text.ts';

/** An item as indexed: its kind and id, where it is, and its words as written. */
export interface IndexedItem {
  kind: SearchKind;
  itemId: number;
  textId: number;
  layerId: number | null;
  body: string;
}

/** Adds or replaces the entry for one item. */
export async function indexItem(db: DB, item: IndexedItem): Promise<void> {
  await (dialectOf(db) === 'sqlite' ? sqlite.indexItem(db, item) : postgres.indexItem(db, item));
}

/** Removes the entry for one item, if any. */
export async function removeItem(db: DB, kind: SearchKind, itemId: number): Promise<void> {
  await (dialectOf(db) === 'sqlite' ? sqlite.removeItem(db, kind, itemId) : postgres.removeItem(db, kind, itemId));
}

/**
 * Removes, in one statement, the entries of the items of one kind whose ids a query selects (as
 * `id`), however many there are and without binding a list of them.
 */
export async function removeItemsIn(db: DB, kind: SearchKind, ids: Expression<{ id: number }>): Promise<void> {
  await (dialectOf(db) === 'sqlite' ? sqlite.removeItemsIn(db, kind, ids) : postgres.removeItemsIn(db, kind, ids));
}

/** How many items the index holds. */
export async function indexedItemCount(db: DB): Promise<number> {
  return dialectOf(db) === 'sqlite' ? sqlite.indexedItemCount(db) : postgres.indexedItemCount(db);
}

/**
 * Indexes every item from the rows as they are, into an index that holds none of them yet
 * (`daf migrate-to-postgres` fills PostgreSQL's from the rows it copied): every text, and every
 * gloss and reply but the deleted (a deletion removes an item's entry; a hidden or pending one
 * keeps it, and who may see it is decided when searching). The words are what `indexedBodies`
 * gives, as the writes gave them to `indexItem`. A few items at a time (texts fewer: one may
 * hold 10 MiB); returns how many.
 */
export async function indexEveryItem(db: DB): Promise<number> {
  let count = 0;
  for (const [kind, batch] of [['text', 10], ['gloss', 500], ['reply', 500]] as const) {
    for (let after = 0; ; ) {
      const places = await itemPlaces(db, kind, after, batch);
      if (places.length === 0) break;
      const ids = places.map((p) => p.itemId);
      const bodies = await indexedBodies(db, { texts: kind === 'text' ? ids : [], glosses: kind === 'gloss' ? ids : [], replies: kind === 'reply' ? ids : [] });
      const bodyOf = new Map(bodies.map((b) => [b.id, b.body]));
      const items = places.map((p) => ({ ...p, kind, body: bodyOf.get(p.itemId) ?? '' }));
      await (dialectOf(db) === 'sqlite' ? sqlite.indexNewItems(db, items) : postgres.indexNewItems(db, items));
      count += places.length;
      after = ids[ids.length - 1];
    }
  }
  return count;
}

/** Where the next `limit` items of a kind with ids above `after` are, in id order (deleted posts left out). */
async function itemPlaces(db: DB, kind: SearchKind, after: number, limit: number): Promise<{ itemId: number; textId: number; layerId: number | null }[]> {
  if (kind === 'text') {
    const rows = await db.selectFrom('text').select('id').where('id', '>', after).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ itemId: r.id, textId: r.id, layerId: null }));
  }
  const rows =
    kind === 'gloss'
      ? await db.selectFrom('gloss').select(['id', 'text_id', 'layer_id']).where('status', '<>', 'deleted').where('id', '>', after).orderBy('id').limit(limit).execute()
      : await db
          .selectFrom('reply as r')
          .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
          .select(['r.id as id', 'g.text_id', 'g.layer_id'])
          .where('r.status', '<>', 'deleted')
          .where('r.id', '>', after)
          .orderBy('r.id')
          .limit(limit)
          .execute();
  return rows.map((r) => ({ itemId: r.id, textId: r.text_id, layerId: r.layer_id }));
}

/**
 * Ranked hits the viewer may see, best first (the test is inside the query: search-hits.ts).
 * `words`: what `searchWords` made of the query, every one required, the last as a prefix.
 */
export async function searchIndex(db: DB, viewer: Viewer | null, words: string[], options: { textId?: number; limit: number; offset: number }): Promise<SearchHit[]> {
  return dialectOf(db) === 'sqlite' ? sqlite.searchIndex(db, viewer, words, options) : postgres.searchIndex(db, viewer, words, options);
}

/** The index's columns, for the query builder; each dialect's table has these and its own. */
export interface SearchIndexTable {
  body: string;
  kind: SearchKind;
  item_id: number;
  text_id: number;
  layer_id: number | null;
}

/** Slugs and titles needed to present hits: texts by id, layer slugs by id, the gloss of each reply. */
export async function describeSearchItems(db: DB, ids: { texts: number[]; layers: number[]; replies: number[]; glosses: number[] }) {
  const texts = ids.texts.length ? await db.selectFrom('text').select(['id', 'slug', 'title']).where('id', 'in', ids.texts).execute() : [];
  const layers = ids.layers.length ? await db.selectFrom('layer').select(['id', 'slug', 'name']).where('id', 'in', ids.layers).execute() : [];
  const replies = ids.replies.length ? await db.selectFrom('reply').select(['id', 'gloss_id']).where('id', 'in', ids.replies).execute() : [];
  const glossIds = [...new Set([...ids.glosses, ...replies.map((r) => r.gloss_id)])];
  const glosses = glossIds.length ? await db.selectFrom('gloss').select(['id', 'selectors']).where('id', 'in', glossIds).execute() : [];
  return { texts, layers, replies, glosses };
}

/**
 * The words each item was indexed from, as written: what `indexItem` was given. For a text, its
 * title and its current version's projection on the next line; for a gloss or a reply, its body.
 * One query, reading only the rows named (a text's other versions are not read).
 */
export async function indexedBodies(
  db: DB,
  ids: { texts: number[]; glosses: number[]; replies: number[] },
): Promise<{ kind: SearchKind; id: number; body: string }[]> {
  const parts: RawBuilder<unknown>[] = [];
  if (ids.texts.length) {
    parts.push(sql`SELECT 'text' AS kind, t.id AS id, t.title || ${'\n'} || v.projection AS body
      FROM text t JOIN text_version v ON v.text_id = t.id AND v.number = t.current_version
      WHERE t.id IN (${sql.join(ids.texts)})`);
  }
  if (ids.glosses.length) parts.push(sql`SELECT 'gloss' AS kind, id, body_text AS body FROM gloss WHERE id IN (${sql.join(ids.glosses)})`);
  if (ids.replies.length) parts.push(sql`SELECT 'reply' AS kind, id, body_text AS body FROM reply WHERE id IN (${sql.join(ids.replies)})`);
  if (parts.length === 0) return [];
  const rows = await sql<{ kind: SearchKind; id: number; body: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return rows.rows;
}
