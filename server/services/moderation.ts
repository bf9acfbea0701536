/**
 * Moderation in reading groups. A pre-moderated group holds new members' posts as `pending`,
 * visible only to their author and the moderators, until a moderator approves them; after the
 * group's number of approved posts a member is trusted and posts go straight through; until then
 * an edit of a published post waits for a moderator again, as a new post would. Anyone
 * who can see a post may flag it. Moderators approve, hide (with a reason the author sees),
 * restore, or delete. Hiding a gloss hides the published glosses that comment on it too
 * (restoring it restores them), so no one reads commentary on something they may no longer see;
 * one still waiting for a moderator stays pending, and cannot be approved while what it comments
 * on is hidden (restoring is not approving). Its thread stays intact for the moderators. Every
 * action goes to the group's audit log.
 */
import { AppError, bannedFromGroup } from '../errors.ts';
import type { DB, GlossRow, LayerRow, PostStatus, ReplyRow, TextRow } from '../storage/database.ts';
import * as glossStore from '../storage/glosses.ts';
import { glossJson, replyJson } from '../storage/gloss-listing.ts';
import * as groups from '../storage/groups.ts';
import * as moderation from '../storage/moderation.ts';
import type { AppContext } from './context.ts';
import { viewerForCredential, type Credential } from './auth.ts';
import { notifyModerated } from './notifications.ts';
import { write } from './write.ts';
import { moderatedGroup, recordAudit } from './groups.ts';
import { readableGloss, readableReply } from './readable-posts.ts';
import { canFlag, canModerate, isModerator, isNotebook, type Viewer } from './policy.ts';

/** How much of a post's words the moderation queue shows. */
const excerptLength = 280;

/** What a moderator can do to a post. */
export type ModerationAction = 'approve' | 'hide' | 'restore';

/**
 * The status a new post by `viewer` in `layer` starts with: `pending` in a pre-moderated
 * group until the author is trusted (moderators and owners always are), else `active`.
 * Notebook entries are never held: no one else reads them.
 */
export async function initialStatus(db: DB, viewer: Viewer, layer: Pick<LayerRow, 'group_id' | 'visibility'>): Promise<PostStatus> {
  if (layer.group_id === null || isNotebook(layer) || isModerator(viewer, layer.group_id)) return 'active';
  const group = await groups.findGroupById(db, layer.group_id);
  if (!group || group.premoderation === 0) return 'active';
  const m = await groups.findMembership(db, group.id, viewer.id);
  return m && m.state === 'active' && m.approved_posts >= group.trust_after ? 'active' : 'pending';
}

/**
 * The status a post takes when its author edits it. An approval covers the words a moderator
 * read, not the words put in their place: a published post of someone not yet trusted, in a
 * pre-moderated group, goes back to `pending` (as `initialStatus` would hold a new post); any
 * other post keeps its status.
 */
export async function statusAfterEdit(db: DB, viewer: Viewer, layer: Pick<LayerRow, 'group_id' | 'visibility'>, post: Pick<GlossRow, 'status'>): Promise<PostStatus> {
  return post.status === 'active' ? initialStatus(db, viewer, layer) : post.status;
}

/**
 * Hides the published glosses that comment on gloss `id`, at any depth, with it (`hidden_with`),
 * so that no one reads commentary on a gloss they may no longer see (or whose new words it
 * would quote). Pending ones stay pending, so that releasing them does not publish them.
 */
export async function hideDescendants(db: DB, id: number, note: string, now: string): Promise<void> {
  await moderation.hideGlossesBelow(db, id, note, now);
}

interface PostContext {
  kind: 'gloss' | 'reply';
  post: GlossRow | ReplyRow;
  gloss: GlossRow;
  text: TextRow;
  layer: LayerRow;
}

/** Loads a gloss or reply the viewer may see, with its gloss, text and layer; 404 otherwise. */
async function visiblePost(db: DB, viewer: Viewer | null, kind: 'gloss' | 'reply', id: number): Promise<PostContext> {
  if (kind === 'gloss') {
    const { gloss, text, layer } = await readableGloss(db, viewer, id);
    return { kind, post: gloss, gloss, text, layer };
  }
  const { reply, gloss, text, layer } = await readableReply(db, viewer, id);
  return { kind, post: reply, gloss, text, layer };
}

/**
 * Flags a post for the moderators. One open flag per person per post (409 for a second); none
 * from someone banned from the layer's group (403).
 */
export async function flagPost(ctx: AppContext, viewer: Viewer, kind: 'gloss' | 'reply', id: number, reason: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const { layer, post } = await visiblePost(trx, viewer, kind, id);
    if (!canFlag(viewer, layer)) throw bannedFromGroup();
    if (post.status === 'deleted') throw new AppError(`${kind}_deleted`, 409, `That ${kind} was deleted`);
    if (await moderation.openFlagExists(trx, kind, id, viewer.id)) throw new AppError('already_flagged', 409, `You have flagged this ${kind} already`);
    const flag = await moderation.insertFlag(trx, {
      kind,
      item_id: id,
      group_id: layer.group_id,
      flagger_id: viewer.id,
      reason,
      resolved_at: null,
      created_at: new Date().toISOString(),
    });
    if (layer.group_id !== null) {
      await recordAudit(trx, { groupId: layer.group_id, actorId: viewer.id, action: `${kind}.flagged`, kind, itemId: id, subjectId: post.author_id, reason });
    }
    return { id: flag.id, kind, item: id, reason, created: flag.created_at };
  });
}

/**
 * Approves, hides or restores a post (moderators of the layer's group). Approving counts
 * toward the author's trust; hiding needs a reason, shown to the author.
 */
export async function moderatePost(
  ctx: AppContext,
  viewer: Viewer,
  kind: 'gloss' | 'reply',
  id: number,
  action: ModerationAction,
  reason?: string,
): Promise<string> {
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    const { post, gloss, text, layer } = await visiblePost(trx, viewer, kind, id);
    if (!canModerate(viewer, layer)) throw new AppError('forbidden', 403, 'Only the moderators of this layer\'s group may do that');
    const groupId = layer.group_id!;
    const set = (changes: Partial<Pick<GlossRow, 'status' | 'moderation_note' | 'hidden_with' | 'hidden_from'>>) =>
      kind === 'gloss' ? glossStore.updateGloss(trx, id, { ...changes, updated_at: now }) : glossStore.updateReply(trx, id, { ...changes, updated_at: now });
    const from = post.status;
    if (action === 'approve') {
      if (from !== 'pending') throw new AppError('not_pending', 409, `This ${kind} is ${from}, not pending`);
      const target = kind === 'gloss' && gloss.target_gloss_id !== null ? await glossStore.findGloss(trx, gloss.target_gloss_id) : undefined;
      if (target?.status === 'hidden') {
        throw new AppError('target_not_active', 409, `Gloss ${target.id}, which this gloss comments on, is hidden; it can be approved once that is restored`);
      }
      await set({ status: 'active' });
      // An edit that waited for approval held the glosses on it; they come back with it.
      if (kind === 'gloss') await moderation.releaseGlossesHiddenWith(trx, id, now);
      await groups.countApprovedPost(trx, groupId, post.author_id);
    } else if (action === 'hide') {
      if (from !== 'active' && from !== 'pending') throw new AppError('not_hideable', 409, `This ${kind} is ${from}`);
      if (!reason) throw new AppError('invalid_request', 400, 'Hiding needs a reason for the author');
      await set({ status: 'hidden', moderation_note: reason, hidden_from: from });
      if (kind === 'gloss') await hideDescendants(trx, id, `Hidden with gloss ${id}, which it comments on`, now);
    } else {
      if (from !== 'hidden') throw new AppError('not_hidden', 409, `This ${kind} is ${from}, not hidden`);
      // A reply from elsewhere that was addressed only to followers or to people named there was
      // never public: restoring it would publish what its author did not (docs/federation.md §6).
      if ('remote_audience' in post && (post.remote_audience === 'followers' || post.remote_audience === 'direct')) {
        throw new AppError('not_public_elsewhere', 409, 'This reply was not public where it was written; it stays with the moderators');
      }
      // A gloss comes back only where what it comments on can be read: otherwise its readers
      // would read commentary on a hidden gloss.
      const target = kind === 'gloss' && gloss.target_gloss_id !== null ? await glossStore.findGloss(trx, gloss.target_gloss_id) : undefined;
      if (target !== undefined && target.status !== 'active') {
        throw new AppError('target_not_active', 409, `Gloss ${target.id}, which this gloss comments on, is ${target.status}; restore that first`);
      }
      // Back to what it was: a post hidden while it waited for approval goes back to the queue.
      const back = post.hidden_from === 'pending' ? 'pending' : 'active';
      await set({ status: back, moderation_note: null, hidden_with: null, hidden_from: null });
      if (kind === 'gloss' && back === 'active') await moderation.releaseGlossesHiddenWith(trx, id, now);
    }
    await moderation.resolveFlags(trx, kind, id, now);
    await recordAudit(trx, { groupId, actorId: viewer.id, action: `${kind}.${action === 'approve' ? 'approved' : action === 'hide' ? 'hidden' : 'restored'}`, kind, itemId: id, subjectId: post.author_id, reason }, now);
    const json =
      kind === 'gloss'
        ? (await glossJson(trx, viewer, text.id, text.slug, text.current_version, gloss.id, true))!
        : (await replyJson(trx, id))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: kind === 'gloss' ? 'gloss.updated' : 'reply.updated', payload: json, item: { kind, id } });
    if (action !== 'restore') {
      const fresh = kind === 'gloss' ? { gloss: (await glossStore.findGloss(trx, id))! } : { gloss, reply: (await glossStore.findReply(trx, id))! };
      await notifyModerated(w, viewer.id, action === 'approve' ? 'approved' : 'hidden', { text, layer, ...fresh });
    }
    return json;
  });
}

/**
 * The moderation queue of a group: pending posts and open flags (moderators only). A flag
 * names its post (`kind`, `item`) and the gloss that post is or belongs to (`gloss`), where a
 * moderator reads it.
 */
export async function moderationQueue(ctx: AppContext, viewer: Viewer, groupSlug: string) {
  const group = await moderatedGroup(ctx.db, viewer, groupSlug);
  const pending = await moderation.pendingPosts(ctx.db, group.id);
  const flags = await moderation.openFlags(ctx.db, group.id);
  // A flagged post shows only if the moderator may read it: a notebook entry its own author
  // flagged stays theirs. The same test as reading the post itself.
  const readable = await Promise.all(
    flags.map((f) =>
      f.gloss_id === null
        ? false
        : visiblePost(ctx.db, viewer, f.kind, f.item_id).then(
            () => true,
            (e: unknown) => {
              if (e instanceof AppError && e.status === 404) return false;
              throw e;
            },
          ),
    ),
  );
  return {
    group: group.slug,
    pending: [
      ...pending.glosses.map((g) => ({ kind: 'gloss' as const, id: g.id, text: g.text, layer: g.layer, author: g.author, excerpt: g.body_text.slice(0, excerptLength), created: g.created_at })),
      ...pending.replies.map((r) => ({ kind: 'reply' as const, id: r.id, gloss: r.gloss_id, text: r.text, layer: r.layer, author: r.author, excerpt: r.body_text.slice(0, excerptLength), created: r.created_at })),
    ],
    flags: flags.map((f, i) => ({
      id: f.id,
      kind: f.kind,
      item: f.item_id,
      gloss: f.gloss_id,
      reason: f.reason,
      flagger: f.flagger,
      created: f.created_at,
      // The post as the queue shows it; null when it is gone or not the moderator's to read. A
      // deleted post keeps no words or author.
      post:
        !readable[i] || f.post_status === null
          ? null
          : {
              text: f.text,
              layer: f.layer,
              status: f.post_status,
              author: f.post_status === 'deleted' ? null : f.post_author,
              excerpt: f.post_status === 'deleted' ? '' : (f.post_text ?? '').slice(0, excerptLength),
              created: f.post_created,
            },
    })),
  };
}

/** The audit log of a group, newest first (owners and moderators). */
export async function auditLog(ctx: AppContext, viewer: Viewer, groupSlug: string, page: { limit: number; offset: number }) {
  const group = await moderatedGroup(ctx.db, viewer, groupSlug);
  const rows = await moderation.listAudit(ctx.db, group.id, page.limit, page.offset);
  return rows.map((r) => ({ id: r.id, action: r.action, actor: r.actor, subject: r.subject, kind: r.kind, item: r.item_id, reason: r.reason, at: r.created_at }));
}

/**
 * A group's moderation, followed live by its moderators (`GET /api/groups/:slug/events`): the
 * texts whose writes can change its queue (to wake on; a layer added on another text since is
 * caught by the stream's regular look), a stamp that moves when its queue or audit log may have, and whether the credential still stands for one of its moderators (asked again at each
 * look, so a moderator made a member, or signed out, stops hearing at once).
 */
export async function followModeration(ctx: AppContext, viewer: Viewer, groupSlug: string) {
  const group = await moderatedGroup(ctx.db, viewer, groupSlug);
  const textIds = await moderation.groupTextIds(ctx.db, group.id);
  return {
    group,
    textIds,
    stamp: () => moderation.moderationStamp(ctx.db, group.id),
    stillModerates: async (credential: Credential | null) => {
      const now = credential === null ? null : await viewerForCredential(ctx.db, credential);
      return isModerator(now, group.id);
    },
  };
}
