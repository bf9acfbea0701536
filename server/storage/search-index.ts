/**
 * The full-text index, SQLite FTS5 flavour. This is the one module that knows how search is
 * stored; a PostgreSQL version (tsvector) would implement the same four functions.
 *
 * Indexed text is folded for search — Hebrew points and cantillation removed, NFC — so an
 * unpointed query finds a pointed text. Snippets therefore come back unpointed; the search
 * service cuts them again from the words as written (`indexedBodies`, services/search-snippet.ts).
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql, textVisibleSql } from './visibility-sql.ts';
import type { DB } from './database.ts';

/** What an index entry stands for. */
export type SearchKind = 'text' | 'gloss' | 'reply';

/** Marks put around matches inside snippets; private-use characters that no text contains. */
export const matchOpen = '\uE000';
export const matchClose = '\uE001';
/** What snippets show where they cut the text. */
export const snippetEllipsis = '…';

/** Folds text for indexing and querying: NFC, Hebrew points and cantillation removed, maqaf as space. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\u05BE/g, ' ')
    .replace(/[\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]/g, '');
}

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

/** Adds or replaces the entry for one item. */
export async function indexItem(
  db: DB,
  item: { kind: SearchKind; itemId: number; textId: number; layerId: number | null; body: string },
): Promise<void> {
  await removeItem(db, item.kind, item.itemId);
  await sql`INSERT INTO search_index (rowid, body, kind, item_id, text_id, layer_id)
            VALUES (${searchRowid(item.kind, item.itemId)}, ${foldForSearch(item.body)}, ${item.kind}, ${item.itemId}, ${item.textId}, ${item.layerId})`.execute(db);
}

/** Removes the entry for one item, if any. */
export async function removeItem(db: DB, kind: SearchKind, itemId: number): Promise<void> {
  await sql`DELETE FROM search_index WHERE rowid = ${searchRowid(kind, itemId)}`.execute(db);
}

/**
 * Removes, in one statement, the entries of the items of one kind whose ids a query selects
 * (as `id`): each is found by its rowid (`searchRowid`, written in SQL), so the index is not read
 * through, and no list of ids is bound, however many there are.
 */
export async function removeItemsIn(db: DB, kind: SearchKind, ids: Expression<{ id: number }>): Promise<void> {
  await sql`DELETE FROM search_index
            WHERE rowid IN (SELECT item.id * ${sql.lit(kindSlots)} + ${sql.lit(kindSlot[kind])} FROM (${ids}) AS item)`.execute(db);
}

/**
 * Turns what a person typed into an FTS5 query: each word becomes a quoted phrase (so FTS
 * operators and punctuation in the input are inert), all words required, the last one as a
 * prefix. Returns null when nothing searchable is left.
 */
export function toMatchQuery(input: string): string | null {
  const words = foldForSearch(input)
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 16);
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** One raw search hit. */
export interface SearchHit {
  kind: SearchKind;
  item_id: number;
  text_id: number;
  layer_id: number | null;
  snippet: string;
  rank: number;
}

/** The FTS5 table's columns, for the query builder (see the search migration). */
export interface SearchIndexTable {
  body: string;
  kind: SearchKind;
  item_id: number;
  text_id: number;
  layer_id: number | null;
}

/**
 * Ranked hits the viewer may see: texts they may read; glosses and replies they may see (in a
 * layer they may read, not pending or hidden unless theirs or they moderate it, not someone
 * else's notebook entry; a reply only under a gloss they may see). The test is inside the
 * query, so nothing hidden is counted or returned.
 */
export async function searchIndex(
  db: DB,
  viewer: Viewer | null,
  match: string,
  options: { textId?: number; limit: number; offset: number },
): Promise<SearchHit[]> {
  let query = db
    .selectFrom('search_index as si')
    .innerJoin('text as t', 't.id', 'si.text_id')
    .leftJoin('layer as l', 'l.id', 'si.layer_id')
    .leftJoin('gloss as g', (j) => j.onRef('g.id', '=', 'si.item_id').on('si.kind', '=', 'gloss'))
    .leftJoin('reply as r', (j) => j.onRef('r.id', '=', 'si.item_id').on('si.kind', '=', 'reply'))
    .leftJoin('gloss as rg', 'rg.id', 'r.gloss_id')
    .select([
      'si.kind',
      'si.item_id',
      'si.text_id',
      'si.layer_id',
      sql<string>`snippet(search_index, 0, ${matchOpen}, ${matchClose}, ${snippetEllipsis}, 16)`.as('snippet'),
      sql<number>`bm25(search_index)`.as('rank'),
    ])
    .where(sql<SqlBool>`search_index MATCH ${match}`)
    .where(textVisibleSql(viewer) as never)
    .where((eb) => eb.or([eb('si.layer_id', 'is', null), layerVisibleSql(viewer)(eb as never)]))
    .where(
      sql<SqlBool>`((si.kind = 'text')
        OR (si.kind = 'gloss' AND g.id IS NOT NULL AND ${glossVisibleSql(viewer, 'g')})
        OR (si.kind = 'reply' AND r.id IS NOT NULL AND ${postVisibleSql(viewer, 'r')} AND ${glossVisibleSql(viewer, 'rg')}))`,
    );
  if (options.textId !== undefined) query = query.where('si.text_id', '=', options.textId);
  return query.orderBy('rank').limit(options.limit).offset(options.offset).execute();
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
    parts.push(sql`SELECT 'text' AS kind, t.id AS id, t.title || char(10) || v.projection AS body
      FROM text t JOIN text_version v ON v.text_id = t.id AND v.number = t.current_version
      WHERE t.id IN (${sql.join(ids.texts)})`);
  }
  if (ids.glosses.length) parts.push(sql`SELECT 'gloss' AS kind, id, body_text AS body FROM gloss WHERE id IN (${sql.join(ids.glosses)})`);
  if (ids.replies.length) parts.push(sql`SELECT 'reply' AS kind, id, body_text AS body FROM reply WHERE id IN (${sql.join(ids.replies)})`);
  if (parts.length === 0) return [];
  const rows = await sql<{ kind: SearchKind; id: number; body: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return rows.rows;
}
