/**
 * Deleting an account (README, "Accounts"). What the person wrote goes; what others wrote stays
 * where it was:
 *  - each of their replies and glosses is deleted, or, when others' replies or glosses hang
 *    beneath it, becomes a tombstone (no words, no author) that keeps the thread in its place —
 *    the rule a single delete follows; deepest first, so their own answers to themselves go too;
 *  - the events that carried their words are emptied, and live readers are told of each removal;
 *  - their private texts and private notebooks, which nobody else can read, are deleted whole;
 *    texts and layers others can read (and may have written in) stay, owned by the emptied account;
 *  - they leave every group; sessions and tokens end;
 *  - the account row stays, emptied — handle `deleted-N`, name "Deleted account", no password, no
 *    e-mail address (nor a confirmation link that could still confirm one) —
 *    because rows others made point at it (an audit log line, an invitation, a text version).
 * The only owner of a group is refused (409 `sole_owner`) until another member is an owner: a
 * group must not be left without anyone to run it.
 */
import { AppError } from '../errors.ts';
import * as erase from '../storage/account-deletion.ts';
import type { DB } from '../storage/database.ts';
import * as users from '../storage/users.ts';
import { deleteNotificationsOf } from '../storage/notifications.ts';
import { deleteReadStateOf } from '../storage/read-state.ts';
import { deleteUnsubscribeLinksOf } from '../storage/digests.ts';
import { lockText } from '../storage/events.ts';
import { checkPassword } from './auth.ts';
import type { AppContext } from './context.ts';
import type { Viewer } from './policy.ts';
import { forgetDeletedWords } from './glosses.ts';
import { write } from './write.ts';

const emptyBody = '{"type":"doc","content":[{"type":"paragraph"}]}';

/** The name an emptied account shows under what remains (its tombstones show no author at all). */
export const deletedAccountName = 'Deleted account';

/** 409 `sole_owner` when the person is the only owner of a group. */
async function refuseSoleOwner(db: DB, userId: number): Promise<void> {
  const alone = await erase.groupsOwnedOnlyBy(db, userId);
  if (alone.length === 0) return;
  const names = alone.map((name) => `“${name}”`).join(', ');
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
    // Which posts stay as tombstones is decided over the whole thread at once: a reply or gloss
    // of theirs stays only where someone else's answer hangs beneath it, at any depth, so their
    // own answers to themselves go too (as a one-by-one delete, deepest first, would leave it).
    const posts = await erase.postsToErase(trx, userId);
    // Every text it will write events to is locked first, in one order (by id): two deletions at
    // once, each over the same texts, wait for each other instead of deadlocking (docs/postgres.md §6).
    for (const textId of [...new Set(posts.map((p) => p.text_id))].sort((a, b) => a - b)) await lockText(trx, textId);
    // The events that carried their words (a created or updated gloss or reply) are emptied, and
    // their search entries go.
    await erase.erasePostsOf(trx, userId, {
      reply: { status: 'deleted', body_doc: emptyBody, body_text: '', updated_at: now },
      gloss: { status: 'deleted', body_doc: emptyBody, body_text: '', attribution: null, updated_at: now },
    });
    // Glosses on theirs that stay as tombstones lose their quotes of the words that went.
    await forgetDeletedWords({ trx, event }, posts.filter((p) => p.kind === 'gloss' && p.tombstone).map((p) => p.id));
    // Each removal is recorded (replies, then glosses, newest first): a live reader's page drops
    // it. A tombstone already there is nothing new.
    for (const post of posts) {
      if (post.status === 'deleted') continue;
      const payload = post.kind === 'reply' ? { id: post.id, gloss: post.gloss_id } : { id: post.id, layer: post.layer_slug };
      await event({ textId: post.text_id, layerIds: [post.layer_id], kind: `${post.kind}.deleted`, payload: JSON.stringify({ ...payload, tombstone: post.tombstone }) });
      counts[post.tombstone ? 'tombstones' : 'deleted']++;
    }

    // Private notebooks of their own (not a group's), now empty, and private texts of their own
    // (a text made private after others wrote on it keeps what they wrote, and so stays).
    await erase.deleteEmptyNotebooks(trx, userId);
    const privateTexts = await erase.deletePrivateTexts(trx, userId);

    const groupsLeft = await erase.leaveEveryGroup(trx, userId);
    await users.deleteSessionsOf(trx, userId);
    await users.deleteApiTokensOf(trx, userId);
    await deleteNotificationsOf(trx, userId);
    await deleteReadStateOf(trx, userId);
    // `deleted-N`, unless someone chose that handle for themselves.
    let handle = `deleted-${userId}`;
    const holder = await users.findUserByHandle(trx, handle);
    if (holder !== undefined && holder.id !== userId) handle += `-${Date.parse(now)}`;
    await users.updateUser(trx, userId, {
      handle,
      handle_key: handle,
      display_name: deletedAccountName,
      password_hash: '!deleted',
      deleted_at: now,
      email: null,
      email_verified_at: null,
      email_token_hash: null,
      email_token_expires_at: null,
      reset_token_hash: null,
      reset_token_expires_at: null,
      digest: 'off',
      digest_checked_at: null,
    });
    await deleteUnsubscribeLinksOf(trx, userId);
    return { deletedPosts: counts.deleted, tombstones: counts.tombstones, privateTexts, groupsLeft };
  });
}
