/**
 * SQL for notifications (services/notifications.ts holds the rules; docs/notifications.md). A
 * notification is read through the visibility twins (storage/visibility-sql.ts): a listing or a
 * count never includes one about a post its recipient may not read now — a layer made private, a
 * post hidden, a membership ended — whatever was true when it was written.
 */
import { sql } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB, NewRow, NotificationKind } from './database.ts';
import { layerVisibleSql, postVisibleSql } from './visibility-sql.ts';

/** Stores notifications (none for an empty list). */
export async function insertNotifications(db: DB, rows: NewRow<'notification'>[]): Promise<void> {
  if (rows.length) await db.insertInto('notification').values(rows).execute();
}

/** The ids of the accounts with these handles (any case), by lower-cased handle. */
export async function usersByHandles(db: DB, handles: string[]): Promise<Map<string, number>> {
  if (!handles.length) return new Map();
  const rows = await db
    .selectFrom('user')
    .select(['id', 'handle_key'])
    .where('handle_key', 'in', handles.map((h) => h.toLowerCase()))
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.handle_key, r.id]));
}

/** The active owners and moderators of a group. */
export async function moderatorIds(db: DB, groupId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('membership')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('state', '=', 'active')
    .where('role', 'in', ['owner', 'moderator'])
    .execute();
  return rows.map((r) => r.user_id);
}

/** The person's notifications about posts they may read now, joined to what a listing shows. */
function visibleTo(db: DB, viewer: Viewer) {
  return db
    .selectFrom('notification as n')
    .innerJoin('gloss as g', 'g.id', 'n.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .leftJoin('reply as r', 'r.id', 'n.reply_id')
    .where('n.recipient_id', '=', viewer.id)
    .where(layerVisibleSql(viewer) as never)
    .where(postVisibleSql(viewer, 'g'))
    .where(sql<boolean>`(n.reply_id IS NULL OR ${postVisibleSql(viewer, 'r')})`)
    // A post deleted since is a tombstone: its words are gone, and there is nothing to be told of.
    .where(sql<boolean>`COALESCE(r.status, g.status) <> 'deleted'`);
}

/** One notification as a listing reads it. */
export interface NotificationListRow {
  id: number;
  kind: NotificationKind;
  created_at: string;
  read_at: string | null;
  actor_handle: string | null;
  actor_name: string | null;
  text_slug: string;
  text_title: string;
  gloss_id: number;
  reply_id: number | null;
  body_text: string;
  moderation_note: string | null;
}

/**
 * The person's notifications they may read now: `limit` of them, newest first, those before id
 * `before` (the next page); or, with `after`, the oldest first of those after that id (what is
 * new since). Unread only with `unread`.
 */
export async function listNotifications(
  db: DB,
  viewer: Viewer,
  options: { limit: number; before?: number; after?: number; unread?: boolean },
): Promise<NotificationListRow[]> {
  let query = visibleTo(db, viewer)
    .leftJoin('user as a', 'a.id', 'n.actor_id')
    .select([
      'n.id',
      'n.kind',
      'n.created_at',
      'n.read_at',
      'a.handle as actor_handle',
      'a.display_name as actor_name',
      't.slug as text_slug',
      't.title as text_title',
      'n.gloss_id',
      'n.reply_id',
      sql<string>`COALESCE(r.body_text, g.body_text)`.as('body_text'),
      sql<string | null>`COALESCE(r.moderation_note, g.moderation_note)`.as('moderation_note'),
    ])
    .orderBy('n.id', options.after === undefined ? 'desc' : 'asc')
    .limit(options.limit);
  if (options.before !== undefined) query = query.where('n.id', '<', options.before);
  if (options.after !== undefined) query = query.where('n.id', '>', options.after);
  if (options.unread) query = query.where('n.read_at', 'is', null);
  return (await query.execute()) as NotificationListRow[];
}

/** How many of the person's notifications they may read now are unread. */
export async function countUnread(db: DB, viewer: Viewer): Promise<number> {
  const row = await visibleTo(db, viewer)
    .where('n.read_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The id of the person's newest notification (one they may read or not), or 0: where a live stream starts. */
export async function newestNotificationId(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('notification').select((eb) => eb.fn.max('id').as('id')).where('recipient_id', '=', userId).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Marks the person's notifications read: those of `ids` that are theirs, or all. Returns how many changed. */
export async function markRead(db: DB, userId: number, which: number[] | 'all', now: string): Promise<number> {
  if (which !== 'all' && which.length === 0) return 0;
  let query = db.updateTable('notification').set({ read_at: now }).where('recipient_id', '=', userId).where('read_at', 'is', null);
  if (which !== 'all') query = query.where('id', 'in', which);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes what a person was told of and what others were told of their doing (deleting an account). */
export async function deleteNotificationsOf(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('notification').where((eb) => eb.or([eb('recipient_id', '=', userId), eb('actor_id', '=', userId)])).execute();
}

/** Marks every `pending` notification about a post read: a moderator has decided on it. */
export async function markPendingHandled(db: DB, glossId: number, replyId: number | null, now: string): Promise<void> {
  let query = db.updateTable('notification').set({ read_at: now }).where('kind', '=', 'pending').where('gloss_id', '=', glossId).where('read_at', 'is', null);
  query = replyId === null ? query.where('reply_id', 'is', null) : query.where('reply_id', '=', replyId);
  await query.execute();
}
