/**
 * SQL for read state (docs/notifications.md §5): when a person last read a text, and how many
 * posts there are new to them — glosses and replies by others, written after that moment (after
 * their account was made, on a text they never read), that they may read now (the SQL twins of
 * the reading rules, storage/visibility-sql.ts).
 */
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB } from './database.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql } from './visibility-sql.ts';

/** Since when posts on text `textId` (an SQL expression, or the outer query's `t.id`) are new to the person: ISO 8601, as SQL. */
function sinceSql(userId: number, textId: unknown) {
  return sql<string>`COALESCE((SELECT tr.read_at FROM text_read tr WHERE tr.user_id = ${userId} AND tr.text_id = ${textId}),
    (SELECT nu.created_at FROM "user" nu WHERE nu.id = ${userId}))`;
}

/** The person's moment for one text: their last reading, or when their account was made. */
export async function readSince(db: DB, userId: number, textId: number): Promise<string> {
  const row = await sql<{ since: string }>`SELECT ${sinceSql(userId, textId)} AS since`.execute(db);
  return row.rows[0]!.since;
}

/** Records that the person has read the text up to `now` (never moving the moment back). */
export async function markTextRead(db: DB, userId: number, textId: number, now: string): Promise<void> {
  await db
    .insertInto('text_read')
    .values({ user_id: userId, text_id: textId, read_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'text_id']).doUpdateSet({ read_at: sql`CASE WHEN excluded.read_at > text_read.read_at THEN excluded.read_at ELSE text_read.read_at END` }))
    .execute();
}

/**
 * How many posts on the outer query's text `t` are new to the viewer, as SQL: visible glosses and
 * replies (a reply only under a visible gloss) by others, not deleted, written after the
 * viewer's moment for that text.
 */
export function newPostCountSql(viewer: Viewer) {
  const eb = expressionBuilder<never, never>() as never;
  const layerVisible = layerVisibleSql(viewer)(eb) as Expression<SqlBool>;
  const since = sinceSql(viewer.id, sql.ref('t.id'));
  const fresh = (post: string) => sql`${sql.ref(`${post}.author_id`)} <> ${viewer.id} AND ${sql.ref(`${post}.status`)} <> 'deleted' AND ${sql.ref(`${post}.created_at`)} > ${since}`;
  return sql<number>`((SELECT count(*) FROM gloss g JOIN layer l ON l.id = g.layer_id
      WHERE g.text_id = t.id AND ${layerVisible} AND ${glossVisibleSql(viewer, 'g')} AND ${fresh('g')})
    + (SELECT count(*) FROM reply r JOIN gloss g ON g.id = r.gloss_id JOIN layer l ON l.id = g.layer_id
      WHERE g.text_id = t.id AND ${layerVisible} AND ${glossVisibleSql(viewer, 'g')} AND ${postVisibleSql(viewer, 'r')} AND ${fresh('r')}))`;
}

/** Deletes a person's read state (deleting an account; the foreign key would too). */
export async function deleteReadStateOf(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('text_read').where('user_id', '=', userId).execute();
}
