/**
 * SQL for notifications (services/notifications.ts holds the rules; docs/notifications.md). A
 * notification is read through the visibility twins (storage/visibility-sql.ts): a listing or a
 * count never includes one about a post its recipient may not read now — a layer made private, a
 * post hidden, a membership ended — whatever was true when it was written.
 */
import { sql } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB, NewRow, NotificationKind } from './database.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql } from './visibility-sql.ts';

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

/** The person's notifications about posts they may read now (the post kinds). */
function aboutPosts(db: DB, viewer: Viewer) {
  return db
    .selectFrom('notification as n')
    .innerJoin('gloss as g', 'g.id', 'n.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .leftJoin('reply as r', 'r.id', 'n.reply_id')
    .where('n.recipient_id', '=', viewer.id)
    .where(layerVisibleSql(viewer) as never)
    .where(glossVisibleSql(viewer, 'g'))
    .where(sql<boolean>`(n.reply_id IS NULL OR ${postVisibleSql(viewer, 'r')})`)
    // A post deleted since is a tombstone: its words are gone, and there is nothing to be told of.
    .where(sql<boolean>`COALESCE(r.status, g.status) <> 'deleted'`);
}

/**
 * The person's `invited` notifications whose personal invitation can still be used (not revoked,
 * expired or used) by them: an invitation accepted, revoked or run out drops out.
 */
function aboutInvitations(db: DB, viewer: Viewer, now: string) {
  return db
    .selectFrom('notification as n')
    .innerJoin('invitation as i', 'i.id', 'n.invitation_id')
    .innerJoin('reading_group as rg', 'rg.id', 'i.group_id')
    .where('n.recipient_id', '=', viewer.id)
    .where('n.kind', '=', 'invited')
    .where('i.invitee_id', '=', viewer.id)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now)
    .where(sql<boolean>`(i.max_uses IS NULL OR i.uses < i.max_uses)`);
}

/** One notification as a listing reads it: a post's (text, gloss, words) or an invitation's (group, link). */
export interface NotificationListRow {
  id: number;
  kind: NotificationKind;
  created_at: string;
  read_at: string | null;
  actor_handle: string | null;
  actor_name: string | null;
  text_slug: string | null;
  text_title: string | null;
  gloss_id: number | null;
  reply_id: number | null;
  body_text: string;
  moderation_note: string | null;
  group_slug: string | null;
  group_name: string | null;
  link: string | null;
}

/** Which of the person's notifications a listing or a count takes. */
interface Window {
  before?: number;
  after?: number;
  unread?: boolean;
}

/** The ids of the person's notifications that they may read now, within `window`, as one SQL query (both kinds). */
function readableIds(db: DB, viewer: Viewer, window: Window, now: string) {
  let posts = aboutPosts(db, viewer).select('n.id');
  let invitations = aboutInvitations(db, viewer, now).select('n.id');
  if (window.before !== undefined) {
    posts = posts.where('n.id', '<', window.before);
    invitations = invitations.where('n.id', '<', window.before);
  }
  if (window.after !== undefined) {
    posts = posts.where('n.id', '>', window.after);
    invitations = invitations.where('n.id', '>', window.after);
  }
  if (window.unread) {
    posts = posts.where('n.read_at', 'is', null);
    invitations = invitations.where('n.read_at', 'is', null);
  }
  return posts.unionAll(invitations);
}

/**
 * The person's notifications they may read now: `limit` of them, newest first, those before id
 * `before` (the next page); or, with `after`, the oldest first of those after that id (what is
 * new since). Unread only with `unread`. `now` decides which invitations can still be used.
 */
export async function listNotifications(
  db: DB,
  viewer: Viewer,
  options: Window & { limit: number },
  now: string,
): Promise<NotificationListRow[]> {
  const rows = await db
    .selectFrom('notification as n')
    .leftJoin('user as a', 'a.id', 'n.actor_id')
    .leftJoin('gloss as g', 'g.id', 'n.gloss_id')
    .leftJoin('text as t', 't.id', 'n.text_id')
    .leftJoin('reply as r', 'r.id', 'n.reply_id')
    .leftJoin('invitation as i', 'i.id', 'n.invitation_id')
    .leftJoin('reading_group as rg', 'rg.id', 'i.group_id')
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
      sql<string>`COALESCE(r.body_text, g.body_text, '')`.as('body_text'),
      sql<string | null>`COALESCE(r.moderation_note, g.moderation_note)`.as('moderation_note'),
      'rg.slug as group_slug',
      'rg.name as group_name',
      'n.link',
    ])
    .where('n.id', 'in', readableIds(db, viewer, options, now))
    .orderBy('n.id', options.after === undefined ? 'desc' : 'asc')
    .limit(options.limit)
    .execute();
  return rows as NotificationListRow[];
}

/** How many of the person's notifications they may read now are unread. */
export async function countUnread(db: DB, viewer: Viewer, now: string): Promise<number> {
  const row = await db
    .selectFrom(readableIds(db, viewer, { unread: true }, now).as('x'))
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
