/**
 * Replies: the conversation under a gloss. Threads nest through `parent`. A reply is
 * conversation, not commentary: it has no anchor, and glosses cannot target it.
 */
import type { CreateReplyInput } from '../../schema/api.ts';
import { AppError, bannedFromGroup, notFound } from '../errors.ts';
import { glossJson, replyJson } from '../storage/gloss-listing.ts';
import type { DB } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import { rememberRemoved } from '../storage/federation.ts';
import { blankEventsOf, lockText } from '../storage/events.ts';
import { indexItem, removeItem } from '../storage/search-index.ts';
import type { BodyInput } from '../../schema/api.ts';
import { parseBody } from './bodies.ts';
import type { AppContext } from './context.ts';
import { readableGloss, readableReply } from './readable-posts.ts';
import { canDeletePost, canEditPost, canModerate, canReply, canSeePost, isBanned, type Viewer } from './policy.ts';
import { recordAudit } from './groups.ts';
import { initialStatus, statusAfterEdit } from './moderation.ts';
import { notifyEdited, notifyWritten } from './notifications.ts';
import { write } from './write.ts';

async function replyJsonById(db: DB, id: number): Promise<string> {
  const json = await replyJson(db, id);
  if (json === null) throw notFound(`Reply ${id}`);
  return json;
}

/** Adds a reply under a gloss (or under another reply of the same gloss). */
export async function createReply(ctx: AppContext, viewer: Viewer, glossId: number, input: CreateReplyInput) {
  const body = parseBody(input.body);
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    // What it answers is not being deleted meanwhile.
    const found = await readableGloss(trx, viewer, glossId);
    const { gloss, text, layer } = (await lockText(trx, found.text.id)) ? await readableGloss(trx, viewer, glossId) : found;
    if (!canReply(viewer, text, layer)) throw new AppError('forbidden', 403, 'You may not reply here');
    if (gloss.status === 'deleted') throw new AppError('gloss_deleted', 409, `Gloss ${glossId} was deleted; its thread is closed`);
    if (gloss.status !== 'active') throw new AppError('gloss_not_active', 409, `Gloss ${glossId} is ${gloss.status}; its thread is closed`);
    if (input.parent !== undefined) {
      const parent = await glosses.findReply(trx, input.parent);
      if (!parent || parent.gloss_id !== glossId || !canSeePost(viewer, text, layer, parent)) {
        throw new AppError('parent_not_found', 422, `Reply ${input.parent} is not in the thread of gloss ${glossId}`);
      }
    }
    const reply = await glosses.insertReply(trx, {
      gloss_id: glossId,
      parent_id: input.parent ?? null,
      author_id: viewer.id,
      body_doc: body.json,
      body_text: body.text,
      status: await initialStatus(trx, viewer, layer),
      moderation_note: null,
      hidden_with: null,
      stance: input.stance ?? null,
      created_at: now,
      updated_at: now,
    });
    await indexItem(trx, { kind: 'reply', itemId: reply.id, textId: text.id, layerId: layer.id, body: body.text });
    const json = await replyJsonById(trx, reply.id);
    await event({ textId: text.id, layerIds: [layer.id], kind: 'reply.created', payload: json, item: { kind: 'reply', id: reply.id } });
    await notifyWritten(w, { text, layer, gloss, reply });
    return json;
  });
}

/** Edits a reply (author only); in a pre-moderated group, one by someone not yet trusted waits for a moderator again. */
export async function updateReply(ctx: AppContext, viewer: Viewer, id: number, input: { body: BodyInput }) {
  const body = parseBody(input.body);
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    const { reply, gloss, text, layer } = await readableReply(trx, viewer, id);
    if (!canEditPost(viewer, layer, reply)) {
      if (isBanned(viewer, layer.group_id)) throw bannedFromGroup();
      throw new AppError('forbidden', 403, 'Only the author may edit a reply');
    }
    if (reply.status === 'deleted') throw new AppError('reply_deleted', 409, `Reply ${id} was deleted`);
    const status = await statusAfterEdit(trx, viewer, layer, reply);
    await glosses.updateReply(trx, id, { body_doc: body.json, body_text: body.text, status, updated_at: now, edited_at: now });
    await indexItem(trx, { kind: 'reply', itemId: id, textId: text.id, layerId: layer.id, body: body.text });
    const json = await replyJsonById(trx, id);
    await event({ textId: text.id, layerIds: [layer.id], kind: 'reply.updated', payload: json, item: { kind: 'reply', id } });
    const edited = await glosses.findReply(trx, id);
    if (edited) await notifyEdited(w, reply, { text, layer, gloss, reply: edited });
    return json;
  });
}

/** Deletes a reply (author only); one with answers beneath it becomes a tombstone. */
export async function deleteReply(ctx: AppContext, viewer: Viewer, id: number) {
  return write(ctx, async ({ trx, now, event }) => {
    // Nothing answers it meanwhile: what hangs beneath it is decided, then it goes.
    const found = await readableReply(trx, viewer, id);
    const { reply, text, layer } = (await lockText(trx, found.text.id)) ? await readableReply(trx, viewer, id) : found;
    if (!canDeletePost(viewer, layer, reply)) throw new AppError('forbidden', 403, 'Only the author or a moderator may delete a reply');
    if (reply.author_id !== viewer.id && layer.group_id !== null) {
      await recordAudit(trx, { groupId: layer.group_id, actorId: viewer.id, action: 'reply.deleted', kind: 'reply', itemId: id, subjectId: reply.author_id }, now);
    }
    if (reply.status === 'deleted') throw new AppError('reply_deleted', 409, `Reply ${id} was deleted already`);
    const tombstone = await glosses.replyHasChildren(trx, id);
    // A reply from elsewhere stays deleted here when its Note comes again (docs/federation.md §6).
    if (reply.remote_uri !== null) await rememberRemoved(trx, layer.id, reply.remote_uri, now);
    if (tombstone) {
      await glosses.updateReply(trx, id, {
        status: 'deleted',
        body_doc: '{"type":"doc","content":[{"type":"paragraph"}]}',
        body_text: '',
        updated_at: now,
      });
    } else {
      await glosses.deleteReplyRow(trx, id);
    }
    await removeItem(trx, 'reply', id);
    // The events that carried its words carry nothing now (a replay already passed over them).
    await blankEventsOf(trx, 'reply', id);
    await event({
      textId: text.id,
      layerIds: [layer.id],
      kind: 'reply.deleted',
      payload: JSON.stringify({ id, gloss: reply.gloss_id, tombstone }),
    });
    return { tombstone };
  });
}

/**
 * Accepts a reply as the answer to its question (docs/deliberation.md): the one who asked (while
 * not banned from the layer's group) or a moderator of that group; 403 for anyone else who may
 * read it. The gloss must be a question (409 `not_a_question`) and the reply published (409
 * `reply_not_active`). Accepting another answer replaces the first. Answers the question as it
 * now is.
 */
export async function acceptAnswer(ctx: AppContext, viewer: Viewer, id: number): Promise<string> {
  return write(ctx, async ({ trx, now, event }) => {
    const { reply, gloss, text, layer } = await readableReply(trx, viewer, id);
    const asker = viewer.id === gloss.author_id && !isBanned(viewer, layer.group_id);
    if (!asker && !canModerate(viewer, layer)) throw new AppError('forbidden', 403, 'Only the one who asked, or a moderator, may accept an answer');
    if (gloss.motivation !== 'questioning') throw new AppError('not_a_question', 409, `Gloss ${gloss.id} is not a question`);
    if (reply.status !== 'active') throw new AppError('reply_not_active', 409, `Reply ${id} is ${reply.status}: only a published reply can be the answer`);
    await glosses.updateGloss(trx, gloss.id, { accepted_reply_id: id, updated_at: now });
    const json = (await glossJson(trx, viewer, text.id, text.slug, text.current_version, gloss.id, true))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: 'gloss.updated', payload: json, item: { kind: 'gloss', id: gloss.id } });
    return json;
  });
}
