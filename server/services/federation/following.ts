/**
 * Daf to Daf, the follow (docs/federation.md §7): a group here follows a group elsewhere. The
 * group's own actor sends the Follow, so only a federated group may follow (its actor is what
 * receives the Accept and what the other server delivers to). What the followed group publishes
 * then comes in through mirror.ts.
 */
import { Follow, Group, Undo, type Context } from '@fedify/fedify';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ReadingGroupRow } from '../../storage/database.ts';
import * as following from '../../storage/federation-following.ts';
import type { AppContext } from '../context.ts';
import { ownedGroup, recordAudit, visibleGroup } from '../groups.ts';
import type { Viewer } from '../policy.ts';
import type { DafFederation } from './federation.ts';
import { groupActor } from './notes.ts';
import { isPublicDestination } from './public-address.ts';

/** `POST /api/groups/:slug/following`: a group elsewhere, by its actor's URL or as `name@host`. */
export const followShape = z.strictObject({ actor: z.string().trim().min(3).max(2048) });

/** A followed group, as the API shows it. */
function followingJson(row: following.FollowingRow) {
  return { actor: row.actor_uri, handle: row.handle, name: row.name, state: row.state, since: row.created_at };
}

/** The groups elsewhere a group follows (anyone who may see the group may see whom it follows). */
export async function listFollowing(ctx: AppContext, viewer: Viewer | null, slug: string) {
  const group = await visibleGroup(ctx.db, viewer, slug);
  return (await following.followingOf(ctx.db, group.id)).map(followingJson);
}

/** The group's owners act for it; its actor exists only while it is public and federated. */
async function followingGroup(ctx: AppContext, viewer: Viewer, slug: string): Promise<ReadingGroupRow> {
  const group = await ownedGroup(ctx.db, viewer, slug);
  if (group.visibility !== 'public' || group.federated !== 1) {
    throw new AppError('group_not_federated', 409, `Federate "${group.slug}" first (PATCH /api/groups/${group.slug} {"federated": true}): its actor is what follows and what receives`);
  }
  return group;
}

function contextOf(ctx: AppContext, fed: DafFederation): Context<AppContext> {
  return fed.federation.createContext(new URL(`${fed.urls.base}/`), ctx);
}

/**
 * Follows a group elsewhere: looks its actor up (WebFinger for `name@host`), records the follow
 * as pending and sends the Follow, signed by the group's actor. Following again sends it again.
 */
export async function followGroup(ctx: AppContext, fed: DafFederation, viewer: Viewer, slug: string, input: z.infer<typeof followShape>) {
  const group = await followingGroup(ctx, viewer, slug);
  const fctx = contextOf(ctx, fed);
  let remote;
  try {
    remote = await fctx.lookupObject(input.actor.replace(/^@/, ''));
  } catch {
    remote = null;
  }
  if (!(remote instanceof Group) || !remote.id || !remote.inboxId) {
    throw new AppError('remote_group_not_found', 422, `No group answers as ${input.actor.slice(0, 200)}: give its actor's URL, or name@host`);
  }
  if (remote.id.origin === new URL(fed.urls.base).origin) throw new AppError('invalid_request', 400, 'That group is on this server');
  if (!fed.settings.allowPrivateAddress && !(await isPublicDestination(remote.inboxId.href))) {
    throw new AppError('remote_group_not_found', 422, 'That group\'s inbox is not a public address');
  }
  const self = fctx.getActorUri(groupActor(group.slug));
  const row: following.FollowingRow = {
    group_id: group.id,
    actor_uri: remote.id.href,
    inbox_uri: remote.inboxId.href,
    handle: `${(remote.preferredUsername?.toString() ?? 'group').slice(0, 64)}@${remote.id.host}`,
    name: (remote.name?.toString() ?? remote.preferredUsername?.toString() ?? remote.id.host).slice(0, 200),
    follow_uri: `${self.href}#follow/${crypto.randomUUID()}`,
    state: 'pending',
    created_at: ctx.clock().toISOString(),
  };
  const existing = await following.findFollowing(ctx.db, group.id, row.actor_uri);
  if (existing?.state === 'accepted') return followingJson(existing);
  await ctx.db.transaction().execute(async (trx) => {
    await following.upsertFollowing(trx, row);
    // The group's log tells who had it follow whom (the group elsewhere by its address).
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'following.added', reason: row.handle });
  });
  await fctx.sendActivity({ identifier: groupActor(group.slug) }, remote, new Follow({ id: new URL(row.follow_uri), actor: self, object: remote.id }));
  return followingJson(row);
}

/** Stops following: the Follow is undone there, and nothing more comes in. The layers made so far stay. */
export async function unfollowGroup(ctx: AppContext, fed: DafFederation, viewer: Viewer, slug: string, actor: string) {
  const group = await ownedGroup(ctx.db, viewer, slug);
  const row = await following.findFollowing(ctx.db, group.id, actor);
  if (!row) throw new AppError('not_found', 404, `"${group.slug}" does not follow ${actor.slice(0, 200)}`);
  await ctx.db.transaction().execute(async (trx) => {
    await following.deleteFollowing(trx, group.id, actor);
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'following.removed', reason: row.handle });
  });
  if (group.visibility !== 'public' || group.federated !== 1) return;
  const fctx = contextOf(ctx, fed);
  const self = fctx.getActorUri(groupActor(group.slug));
  const follow = new Follow({ id: new URL(row.follow_uri), actor: self, object: new URL(row.actor_uri) });
  await fctx.sendActivity(
    { identifier: groupActor(group.slug) },
    { id: new URL(row.actor_uri), inboxId: new URL(row.inbox_uri) },
    new Undo({ id: new URL(`${row.follow_uri}/undo`), actor: self, object: follow }),
  );
}
