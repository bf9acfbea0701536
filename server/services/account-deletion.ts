/**
 * Deleting an account (README, "Accounts"). What the person wrote goes; what others wrote stays
 * where it was:
 *  - each of their replies and glosses is deleted, or, when others' replies or glosses hang
 *    beneath it, becomes a tombstone (no words, no author) that keeps the thread in its place —
 *    the rule a single delete follows; deepest first, so their own answers to themselves go too;
 *  - the events that carried their words are dropped, and live readers are told of each removal;
 *  - their private texts and private notebooks, which nobody else can read, are deleted whole;
 *    texts and layers others can read (and may have written in) stay, owned by the emptied account;
 *  - they leave every group; sessions and tokens end;
 *  - the account row stays, emptied — handle `deleted-N`, name "Deleted account", no password, no
 *    e-mail address (nor a confirmation link that could still confirm one) —
 *    because rows others made point at it (an audit log line, an invitation, a text version).
 * The only owner of a group is refused (409 `sole_owner`) until another member is an owner: a
 * group must not be left without anyone to run it.
 */
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { DB } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import { removeItem } from '../storage/search-index.ts';
import { checkPassword } from './auth.ts';
import type { AppContext } from './context.ts';
import type { Viewer } from './policy.ts';
import { write } from './write.ts';

const emptyBody = '{"type":"doc","content":[{"type":"paragraph"}]}';

/** The name an emptied account shows under what remains (its tombstones show no author at all). */
export const deletedAccountName = 'Deleted account';

/** 409 `sole_owner` when the person is the only owner of a group. */
async function refuseSoleOwner(db: DB, userId: number): Promise<void> {
  const alone = await db
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
  if (alone.length === 0) return;
  const names = alone.map((g) => `“${g.name}”`).join(', ');
  throw new AppError('sole_owner', 409, `You are the only owner of ${names}: make another member an owner first, so the group is not left without one`);
}

/**
 * Deletes the person's account, given its password: a wrong one counts as a failed log-in and
 * answers 403 `wrong_password`, and nothing is deleted.
 */
export async function deleteAccount(ctx: AppContext, viewer: Viewer, input: { password: string; address: string }) {
  await checkPassword(ctx.db, ctx.loginGuard, viewer, input.password, input.address);
  return eraseAccount(ctx, viewer.id);
}

/** Deletes the account `userId` as above, in one transaction; returns what went and what stayed. */
export async function eraseAccount(ctx: AppContext, userId: number) {
  return write(ctx, async ({ trx, now, event }) => {
    await refuseSoleOwner(trx, userId);
    const counts = { deleted: 0, tombstones: 0 };
    /** Records one post's removal: a live reader's page drops it (a tombstone already gone, nothing). */
    const removed = async (post: { status: string; text_id: number; layer_id: number }, kind: 'gloss.deleted' | 'reply.deleted', payload: object, tombstone: boolean) => {
      if (post.status === 'deleted') return;
      await event({ textId: post.text_id, layerIds: [post.layer_id], kind, payload: JSON.stringify({ ...payload, tombstone }) });
      counts[tombstone ? 'tombstones' : 'deleted']++;
    };

    // Replies, newest first: an answer to one's own reply goes before the reply.
    const replies = await trx
      .selectFrom('reply as r')
      .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
      .select(['r.id', 'r.gloss_id', 'r.status', 'g.text_id', 'g.layer_id'])
      .where('r.author_id', '=', userId)
      .orderBy('r.id', 'desc')
      .execute();
    for (const r of replies) {
      const tombstone = await glosses.replyHasChildren(trx, r.id);
      if (tombstone) await glosses.updateReply(trx, r.id, { status: 'deleted', body_doc: emptyBody, body_text: '', updated_at: now });
      else await glosses.deleteReplyRow(trx, r.id);
      await removeItem(trx, 'reply', r.id);
      await removed(r, 'reply.deleted', { id: r.id, gloss: r.gloss_id }, tombstone);
    }

    // Glosses, newest first: a gloss on one's own gloss goes before the gloss.
    const own = await trx
      .selectFrom('gloss as g')
      .innerJoin('layer as l', 'l.id', 'g.layer_id')
      .select(['g.id', 'g.status', 'g.text_id', 'g.layer_id', 'l.slug as layer_slug'])
      .where('g.author_id', '=', userId)
      .orderBy('g.id', 'desc')
      .execute();
    for (const g of own) {
      const tombstone = await glosses.glossHasDependents(trx, g.id);
      if (tombstone) await glosses.updateGloss(trx, g.id, { status: 'deleted', body_doc: emptyBody, body_text: '', attribution: null, updated_at: now });
      else await glosses.deleteGlossRow(trx, g.id);
      await removeItem(trx, 'gloss', g.id);
      await removed(g, 'gloss.deleted', { id: g.id, layer: g.layer_slug }, tombstone);
    }
    // The events that carried their words (a created or updated gloss or reply) are dropped.
    await trx.deleteFrom('event').where('item_kind', '=', 'gloss').where('item_id', 'in', own.length ? own.map((g) => g.id) : [0]).execute();
    await trx.deleteFrom('event').where('item_kind', '=', 'reply').where('item_id', 'in', replies.length ? replies.map((r) => r.id) : [0]).execute();

    // Private notebooks of their own (not a group's), now empty, and private texts of their own.
    const notebooks = await trx.selectFrom('layer').select('id').where('owner_id', '=', userId).where('group_id', 'is', null).where('visibility', '=', 'private').execute();
    for (const l of notebooks) {
      if (await trx.selectFrom('gloss').select('id').where('layer_id', '=', l.id).limit(1).executeTakeFirst()) continue;
      await trx.deleteFrom('layer').where('id', '=', l.id).execute();
    }
    const privateTexts = await trx
      .selectFrom('text as t')
      .select('t.id')
      .where('t.owner_id', '=', userId)
      .where('t.group_id', 'is', null)
      .where('t.visibility', '=', 'private')
      // A text made private after others wrote on it keeps what they wrote, and so stays.
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('gloss as o').select('o.id').whereRef('o.text_id', '=', 't.id'))))
      .execute();
    for (const t of privateTexts) {
      await sql`DELETE FROM search_index WHERE text_id = ${t.id}`.execute(trx);
      // Its versions, layers, events and pairings go with it (ON DELETE CASCADE).
      await trx.deleteFrom('text').where('id', '=', t.id).execute();
    }

    const groups = await trx.deleteFrom('membership').where('user_id', '=', userId).executeTakeFirst();
    await trx.deleteFrom('session').where('user_id', '=', userId).execute();
    await trx.deleteFrom('api_token').where('user_id', '=', userId).execute();
    // `deleted-N`, unless someone chose that handle for themselves.
    let handle = `deleted-${userId}`;
    if (await trx.selectFrom('user').select('id').where('handle_key', '=', handle).where('id', '!=', userId).executeTakeFirst()) handle += `-${Date.parse(now)}`;
    await trx
      .updateTable('user')
      .set({
        handle,
        handle_key: handle,
        display_name: deletedAccountName,
        password_hash: '!deleted',
        deleted_at: now,
        email: null,
        email_verified_at: null,
        email_token_hash: null,
        email_token_expires_at: null,
      })
      .where('id', '=', userId)
      .execute();
    return { deletedPosts: counts.deleted, tombstones: counts.tombstones, privateTexts: privateTexts.length, groupsLeft: Number(groups.numDeletedRows) };
  });
}
