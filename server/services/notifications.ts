/**
 * Notifications (docs/notifications.md): who is told of a post, and what a person's list shows.
 *
 * A post is told of when readers can first see it — written into an open layer, or approved —
 * to the author of what it answers (`reply`), of the gloss it comments on (`comment`), and to
 * each person it mentions by `@handle` (`mention`); one notification per person and post, the
 * answer before the mention. A post that waits for approval is told of to its group's moderators
 * (`pending`); approving or hiding it, to its author (`approved`, `hidden`). Nobody is told of
 * their own act, and nobody of a post they may not read: whether the recipient may read it is
 * checked when it is written (with their rights as they are then) and again whenever their list
 * is read (storage/notifications.ts), so a post hidden or a layer closed later drops out of it.
 */
import { AppError } from '../errors.ts';
import type { GlossRow, LayerRow, NotificationKind, ReplyRow, TextRow } from '../storage/database.ts';
import * as glossStore from '../storage/glosses.ts';
import * as store from '../storage/notifications.ts';
import { findUserById } from '../storage/users.ts';
import type { DB } from '../storage/database.ts';
import { toViewer } from './auth.ts';
import type { AppContext } from './context.ts';
import { readableLayer } from './layers.ts';
import { canSeePost, type Viewer } from './policy.ts';
import { mayReadGloss } from './readable-posts.ts';
import { mentionedHandles } from '../../schema/mentions.ts';
import { write, type Write } from './write.ts';

/** A post with what decides who may read it. */
export interface PostFacts {
  text: TextRow;
  layer: LayerRow;
  gloss: GlossRow;
  /** Set when the post is a reply under `gloss`. */
  reply?: ReplyRow;
}

/** How much of a post's text a notification quotes. */
export const excerptLength = 140;

/** The person as the rules see them now, or null if they are gone. */
async function viewerOf(db: DB, userId: number): Promise<Viewer | null> {
  const user = await findUserById(db, userId);
  return user && user.deleted_at === null ? toViewer(db, user) : null;
}

/** May this person read the post (its text, layer, gloss and, for a reply, the reply) now? */
async function mayRead(db: DB, userId: number, post: PostFacts): Promise<boolean> {
  const viewer = await viewerOf(db, userId);
  if (viewer === null) return false;
  if (!(await mayReadGloss(db, viewer, post.text, post.layer, post.gloss))) return false;
  return post.reply === undefined || canSeePost(viewer, post.text, post.layer, post.reply);
}

/** Stores one notification of `kind` for each recipient who may read the post, and wakes their streams. */
async function tell(w: Write, recipients: Map<number, NotificationKind>, actorId: number | null, post: PostFacts): Promise<void> {
  const rows = [];
  for (const [recipient, kind] of recipients) {
    if (recipient === actorId || !(await mayRead(w.trx, recipient, post))) continue;
    rows.push({
      recipient_id: recipient,
      kind,
      actor_id: actorId,
      text_id: post.text.id,
      gloss_id: post.gloss.id,
      reply_id: post.reply?.id ?? null,
      created_at: w.now,
      read_at: null,
    });
  }
  await store.insertNotifications(w.trx, rows);
  w.told(rows.map((r) => r.recipient_id));
}

/**
 * Tells of a post that readers can now see (written active, or approved): the author of what it
 * answers or comments on, and the people it mentions. Its author is the actor.
 */
export async function notifyPublished(w: Write, post: PostFacts): Promise<void> {
  const item = post.reply ?? post.gloss;
  const recipients = new Map<number, NotificationKind>();
  if (post.reply) {
    const parent = post.reply.parent_id === null ? post.gloss : await glossStore.findReply(w.trx, post.reply.parent_id);
    if (parent) recipients.set(parent.author_id, 'reply');
  } else if (post.gloss.target_gloss_id !== null) {
    const target = await glossStore.findGloss(w.trx, post.gloss.target_gloss_id);
    if (target) recipients.set(target.author_id, 'comment');
  }
  const mentioned = await store.usersByHandles(w.trx, mentionedHandles(item.body_text));
  for (const id of mentioned.values()) if (!recipients.has(id)) recipients.set(id, 'mention');
  await tell(w, recipients, item.author_id, post);
}

/** Tells the moderators of the post's group that it waits for approval. */
export async function notifyPending(w: Write, post: PostFacts): Promise<void> {
  if (post.layer.group_id === null) return;
  const item = post.reply ?? post.gloss;
  const moderators = await store.moderatorIds(w.trx, post.layer.group_id);
  await tell(w, new Map(moderators.map((id) => [id, 'pending' as const])), item.author_id, post);
}

/**
 * Tells of a post as it is written: to the people it concerns if readers can see it, to the
 * moderators if it waits for them.
 */
export async function notifyWritten(w: Write, post: PostFacts): Promise<void> {
  const status = (post.reply ?? post.gloss).status;
  if (status === 'active') await notifyPublished(w, post);
  else if (status === 'pending') await notifyPending(w, post);
}

/**
 * Tells of an edit: the moderators if it now waits for them again; else, if readers can see it,
 * the people it mentions who were not mentioned before. `before` is the post as it was.
 */
export async function notifyEdited(w: Write, before: Pick<GlossRow, 'status' | 'body_text'>, post: PostFacts): Promise<void> {
  const item = post.reply ?? post.gloss;
  if (item.status === 'pending' && before.status !== 'pending') return notifyPending(w, post);
  if (item.status !== 'active') return;
  const earlier = new Set(mentionedHandles(before.body_text));
  const added = await store.usersByHandles(w.trx, mentionedHandles(item.body_text).filter((h) => !earlier.has(h)));
  await tell(w, new Map([...added.values()].map((id) => [id, 'mention' as const])), item.author_id, post);
}

/**
 * Tells of a moderator's decision: the author that their post was approved (and, since readers
 * now see it, the people it concerns) or hidden. The moderators' own `pending` notifications
 * about it are marked read: nothing waits any more.
 */
export async function notifyModerated(w: Write, moderatorId: number, decision: 'approved' | 'hidden', post: PostFacts): Promise<void> {
  const item = post.reply ?? post.gloss;
  await store.markPendingHandled(w.trx, post.gloss.id, post.reply?.id ?? null, w.now);
  await tell(w, new Map([[item.author_id, decision]]), moderatorId, post);
  if (decision === 'approved') await notifyPublished(w, post);
}

/**
 * Who of the people a writer names would be told (docs/notifications.md §2): asked by the composer
 * as the writer types, for a post of theirs in this layer. `reach`: they may read it and will be
 * told; `unreached`: they may not read it (a private layer, a group they are not in, a notebook)
 * and will not be; `unknown`: no such account. The writer must be able to read the layer (else
 * 404), and learns nothing they could not find out there: a group layer's readers are its
 * members, whom its members may list.
 */
export async function mentionReach(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, handles: string[]) {
  const { text, layer } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const ids = await store.usersByHandles(ctx.db, handles);
  const out = { reach: [] as string[], unreached: [] as string[], unknown: [] as string[] };
  // A post of the writer's, as readers will see it once it is published.
  const post = { author_id: viewer.id, status: 'active' as const };
  for (const handle of handles) {
    const id = ids.get(handle.toLowerCase());
    if (id === undefined) out.unknown.push(handle);
    else if (id === viewer.id) continue;
    else {
      const them = await viewerOf(ctx.db, id);
      const sees = them !== null && (await mayReadGloss(ctx.db, them, text, layer, post));
      (sees ? out.reach : out.unreached).push(handle);
    }
  }
  return out;
}

/** A quotation of a post's text for a notification: whitespace folded, cut at a word near `excerptLength`. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= excerptLength) return flat;
  const cut = flat.slice(0, excerptLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > excerptLength / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** One notification as `GET /api/notifications` shows it. */
export function notificationJson(row: store.NotificationListRow, baseUrl: string) {
  const post = row.gloss_id !== null && row.text_slug !== null;
  const fragment = row.reply_id === null ? `g-${row.gloss_id}` : `g-${row.gloss_id}-r-${row.reply_id}`;
  return {
    id: row.id,
    kind: row.kind,
    read: row.read_at !== null,
    created: row.created_at,
    actor: row.actor_handle === null ? null : { handle: row.actor_handle, displayName: row.actor_name ?? row.actor_handle },
    text: post ? { slug: row.text_slug!, title: row.text_title! } : null,
    group: row.group_slug === null ? null : { slug: row.group_slug, name: row.group_name! },
    gloss: row.gloss_id,
    reply: row.reply_id,
    excerpt: excerpt(row.body_text),
    note: row.kind === 'hidden' ? row.moderation_note : null,
    url: post ? `${baseUrl}/t/${encodeURIComponent(row.text_slug!)}#${fragment}` : `${baseUrl}${row.link ?? '/'}`,
  };
}

export type NotificationJson = ReturnType<typeof notificationJson>;

/** The person's notifications, newest first, a page at a time (`before`: the `next` of the page before). */
export async function listNotifications(
  ctx: AppContext,
  viewer: Viewer,
  options: { limit: number; before?: number; unread: boolean },
  baseUrl: string,
): Promise<{ unread: number; notifications: NotificationJson[]; next: number | null }> {
  const rows = await store.listNotifications(ctx.db, viewer, { limit: options.limit + 1, before: options.before, unread: options.unread }, ctx.clock().toISOString());
  const page = rows.slice(0, options.limit);
  return {
    unread: await store.countUnread(ctx.db, viewer, ctx.clock().toISOString()),
    notifications: page.map((r) => notificationJson(r, baseUrl)),
    next: rows.length > options.limit ? page[page.length - 1]!.id : null,
  };
}

/** How many new notifications a live stream sends at one look, at most (it looks again at once when there were more). */
export const streamBatch = 50;

/** Those of the person's notifications newer than id `after`, oldest first, at most `streamBatch` (a live stream's next look). */
export async function notificationsAfter(ctx: AppContext, viewer: Viewer, after: number, baseUrl: string): Promise<NotificationJson[]> {
  const rows = await store.listNotifications(ctx.db, viewer, { limit: streamBatch, after }, ctx.clock().toISOString());
  return rows.map((r) => notificationJson(r, baseUrl));
}

/** How many of the person's notifications are unread (of those they may read now). */
export function unreadCount(ctx: AppContext, viewer: Viewer): Promise<number> {
  return store.countUnread(ctx.db, viewer, ctx.clock().toISOString());
}

/** The id a live stream of the person's notifications starts after. */
export function newestNotificationId(ctx: AppContext, viewer: Viewer): Promise<number> {
  return store.newestNotificationId(ctx.db, viewer.id);
}

/** Marks the person's notifications read (`ids` of theirs, or all) and returns how many stay unread. */
export async function markRead(ctx: AppContext, viewer: Viewer, which: { ids?: number[]; all?: boolean }): Promise<{ marked: number; unread: number }> {
  if (!which.all && !which.ids) throw new AppError('invalid_request', 400, 'Give the ids to mark read, or all: true');
  const marked = await write(ctx, async (w) => {
    const n = await store.markRead(w.trx, viewer.id, which.all ? 'all' : which.ids!, w.now);
    w.told([viewer.id]);
    return n;
  });
  return { marked, unread: await store.countUnread(ctx.db, viewer, ctx.clock().toISOString()) };
}
