/**
 * SQL for deleting an account (services/account-deletion.ts holds the rules). Each step is one
 * statement over the whole set, whatever the person wrote or owned: which of their posts must
 * stay as tombstones is worked out by recursive queries, and what goes is deleted with a
 * subquery, never a list of ids (SQLite binds at most 32766 parameters) nor a statement per row.
 * Returns rows and counts; no rules here.
 */
import { sql } from 'kysely';
import type { DB, GlossRow, PostStatus, ReplyRow } from './database.ts';
import { removeItemsIn } from './search-index.ts';

/** The names of the groups in which the person is the only active owner, by name. */
export async function groupsOwnedOnlyBy(db: DB, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('reading_group as rg', 'rg.id', 'm.group_id')
    .select(['rg.name'])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'owner')
    .where('m.state', '=', 'active')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('membership as o')
            .select('o.user_id')
            .whereRef('o.group_id', '=', 'm.group_id')
            .where('o.role', '=', 'owner')
            .where('o.state', '=', 'active')
            .where('o.user_id', '!=', userId),
        ),
      ),
    )
    .orderBy('rg.name')
    .execute();
  return rows.map((r) => r.name);
}

/**
 * The ids of the person's posts in `table` (replies, or glosses) beneath which someone else's
 * post hangs, at any depth, as one recursive query: the posts of theirs that another person's
 * post answers directly (a reply of theirs that another's reply answers; a gloss of theirs that
 * another's gloss comments on or another's reply, at any level of its thread, answers), then,
 * walking up, each post of theirs above one of those.
 */
function answeredByOthers(userId: number, table: 'reply' | 'gloss') {
  const posts = sql.table(table);
  const up = (alias: string) => sql.ref(`${alias}.${table === 'reply' ? 'parent_id' : 'target_gloss_id'}`);
  const replies =
    table === 'gloss'
      ? sql`UNION SELECT p.id FROM reply r JOIN gloss p ON p.id = r.gloss_id WHERE p.author_id = ${userId} AND r.author_id <> ${userId}`
      : sql``;
  return sql<number>`(WITH RECURSIVE kept(id) AS (
      SELECT p.id FROM ${posts} c JOIN ${posts} p ON p.id = ${up('c')} WHERE p.author_id = ${userId} AND c.author_id <> ${userId}
      ${replies}
      UNION
      SELECT p.id FROM kept k JOIN ${posts} c ON c.id = k.id JOIN ${posts} p ON p.id = ${up('c')} WHERE p.author_id = ${userId}
    ) SELECT id FROM kept)`;
}

/** One of the person's posts, as `postsToErase` lists it. */
export interface PostToErase {
  kind: 'reply' | 'gloss';
  id: number;
  status: PostStatus;
  text_id: number;
  layer_id: number;
  /** The gloss it is (a gloss) or belongs to (a reply). */
  gloss_id: number;
  layer_slug: string;
  /** Whether it must stay as a tombstone (something of someone else's hangs beneath it) rather than go. */
  tombstone: boolean;
}

/**
 * Every post of the person's, in one statement: their replies, then their glosses ('reply' sorts
 * after 'gloss', hence `kind DESC`), each newest first, with the text, layer and layer slug of its gloss and whether it must stay as a tombstone.
 */
export async function postsToErase(db: DB, userId: number): Promise<PostToErase[]> {
  const { rows } = await sql<Omit<PostToErase, 'tombstone'> & { tombstone: unknown }>`
    SELECT 'reply' AS kind, r.id AS id, r.status AS status, g.text_id AS text_id, g.layer_id AS layer_id, r.gloss_id AS gloss_id, l.slug AS layer_slug,
           r.id IN ${answeredByOthers(userId, 'reply')} AS tombstone
      FROM reply r JOIN gloss g ON g.id = r.gloss_id JOIN layer l ON l.id = g.layer_id
     WHERE r.author_id = ${userId}
    UNION ALL
    SELECT 'gloss', g.id, g.status, g.text_id, g.layer_id, g.id, l.slug, g.id IN ${answeredByOthers(userId, 'gloss')}
      FROM gloss g JOIN layer l ON l.id = g.layer_id
     WHERE g.author_id = ${userId}
    ORDER BY kind DESC, id DESC`.execute(db);
  return rows.map((p) => ({ ...p, tombstone: Boolean(p.tombstone) }));
}

/**
 * Erases everything the person wrote, as `postsToErase` marks it: the
 * events that carried their words (a gloss or reply created or updated) are emptied and their
 * search entries go; each post to be kept takes the `tombstone` changes; every other post goes, with
 * its anchors. A fixed number of statements, however much they wrote.
 */
export async function erasePostsOf(
  db: DB,
  userId: number,
  tombstone: { reply: Partial<Omit<ReplyRow, 'id'>>; gloss: Partial<Omit<GlossRow, 'id'>> },
): Promise<void> {
  const replies = db.selectFrom('reply').select('id').where('author_id', '=', userId);
  const glosses = db.selectFrom('gloss').select('id').where('author_id', '=', userId);
  // Emptied, not deleted: a gap in the log's ids would hold up the publisher (storage/events.ts).
  await db.updateTable('event').set({ payload: '{}' }).where('item_kind', '=', 'reply').where('item_id', 'in', replies).execute();
  await db.updateTable('event').set({ payload: '{}' }).where('item_kind', '=', 'gloss').where('item_id', 'in', glosses).execute();
  await removeItemsIn(db, 'reply', replies);
  await removeItemsIn(db, 'gloss', glosses);

  // Replies first: a gloss's own replies must be gone before the gloss can go.
  const keptReplies = answeredByOthers(userId, 'reply');
  await db.updateTable('reply').set(tombstone.reply).where('author_id', '=', userId).where('id', 'in', keptReplies).execute();
  await db.deleteFrom('reply').where('author_id', '=', userId).where('id', 'not in', keptReplies).execute();

  const keptGlosses = answeredByOthers(userId, 'gloss');
  await db.updateTable('gloss').set(tombstone.gloss).where('author_id', '=', userId).where('id', 'in', keptGlosses).execute();
  const goingGlosses = glosses.where('id', 'not in', keptGlosses);
  await db.deleteFrom('anchor').where('gloss_id', 'in', goingGlosses).execute();
  await db.deleteFrom('gloss').where('id', 'in', goingGlosses).execute();
}

/** Deletes, in one statement, the person's own notebooks (private, of no group) that hold no gloss. */
export async function deleteEmptyNotebooks(db: DB, userId: number): Promise<number> {
  const result = await db
    .deleteFrom('layer')
    .where('owner_id', '=', userId)
    .where('group_id', 'is', null)
    .where('visibility', '=', 'private')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('gloss').select('gloss.id').whereRef('gloss.layer_id', '=', 'layer.id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes the person's own private texts (of no group) that no gloss is on, with their search
 * entries, in two statements; returns how many went. Their versions, layers, events and pairings
 * go with them (ON DELETE CASCADE). A text with no gloss has no gloss or reply in the index, so
 * its own entry is all there is to remove.
 */
export async function deletePrivateTexts(db: DB, userId: number): Promise<number> {
  const texts = db
    .selectFrom('text as t')
    .select('t.id')
    .where('t.owner_id', '=', userId)
    .where('t.group_id', 'is', null)
    .where('t.visibility', '=', 'private')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('gloss as o').select('o.id').whereRef('o.text_id', '=', 't.id'))));
  await removeItemsIn(db, 'text', texts);
  const result = await db.deleteFrom('text').where('id', 'in', texts).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Takes the person out of every group, in one statement; returns how many they were in. */
export async function leaveEveryGroup(db: DB, userId: number): Promise<number> {
  const result = await db.deleteFrom('membership').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
