/**
 * Reading groups: creating and configuring them, joining (open, by approval, or by invitation
 * only), invitations with a secret, an expiry and a use limit, roles (owner, moderator,
 * member), leaving, removing and banning. A group always keeps at least one owner. Changes to
 * who belongs go to the group's audit log.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { handleShape, slugShape } from '../../schema/api.ts';
import { AppError, notFound } from '../errors.ts';
import type { DB, MembershipRow, ReadingGroupRow, Role } from '../storage/database.ts';
import * as groups from '../storage/groups.ts';
import { insertNotifications } from '../storage/notifications.ts';
import { listVisibleGroupLayers } from '../storage/layers.ts';
import { insertAudit } from '../storage/moderation.ts';
import { findPlan } from '../storage/reading-plans.ts';
import { listVisibleGroupTexts } from '../storage/texts.ts';
import { findUserByHandle, findUserById } from '../storage/users.ts';
import { hashSecret } from './auth.ts';
import type { AppContext } from './context.ts';
import { canReadText, canSeeGroup, isGroupOwner, isModerator, type Viewer } from './policy.ts';
import { write } from './write.ts';

/** Approved posts after which a member of a pre-moderated group is trusted, by default. */
export const defaultTrustAfter = 3;
/** How long an invitation lives when no expiry is given. */
const defaultInvitationHours = 7 * 24;
/** How many of its texts and of its layers a group's page lists: the API's largest page. */
const groupPageItems = 100;

export const createGroupShape = z.strictObject({
  // `/g/new` is the page that creates a group.
  slug: slugShape.refine((slug) => slug !== 'new', 'The address "new" is kept for the page that starts a group'),
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).optional(),
  visibility: z.enum(['public', 'private']),
  joinPolicy: z.enum(['open', 'approval', 'invite']),
  premoderation: z.boolean().optional(),
  trustAfter: z.number().int().min(0).max(1000).optional(),
});
/** A group's settings as its owners change them; `federated` only here: a group is made, then federated. */
export const updateGroupShape = createGroupShape
  .omit({ slug: true })
  .partial()
  .extend({
    /** Whether the group may be followed from other servers: public groups only. */
    federated: z.boolean().optional(),
  });
export const invitationShape = z.strictObject({
  expiresInHours: z.number().int().min(1).max(24 * 365).optional(),
  maxUses: z.number().int().min(1).max(10_000).optional(),
  /** A personal invitation: only this person may use it (once), and they are told of it (`invited`). */
  handle: handleShape.optional(),
});
export const roleShape = z.strictObject({ role: z.enum(['owner', 'moderator', 'member']) });
export const reasonShape = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const optionalReasonShape = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

/** The JSON of a group for a viewer: settings, member count, and the viewer's own standing. */
export function groupJson(group: ReadingGroupRow, viewer: Viewer | null, memberCount: number) {
  const mine = viewer?.memberships.get(group.id);
  return {
    slug: group.slug,
    name: group.name,
    description: group.description,
    visibility: group.visibility,
    joinPolicy: group.join_policy,
    premoderation: group.premoderation === 1,
    trustAfter: group.trust_after,
    federated: group.federated === 1,
    memberCount,
    membership: mine ? { role: mine.role, state: mine.state } : null,
    created: group.created_at,
  };
}

/** Loads a group the viewer may know exists, or 404. */
export async function visibleGroup(db: DB, viewer: Viewer | null, slug: string): Promise<ReadingGroupRow> {
  const group = await groups.findGroupBySlug(db, slug);
  if (!group || !canSeeGroup(viewer, group)) throw notFound(`Group "${slug}"`);
  return group;
}

/** Loads a group the viewer moderates (403 if they only see it). */
export async function moderatedGroup(db: DB, viewer: Viewer, slug: string): Promise<ReadingGroupRow> {
  const group = await visibleGroup(db, viewer, slug);
  if (!isModerator(viewer, group.id)) throw new AppError('forbidden', 403, 'Only the moderators of this group may do that');
  return group;
}

/** Loads a group the viewer owns (403 if they only see it). */
export async function ownedGroup(db: DB, viewer: Viewer, slug: string): Promise<ReadingGroupRow> {
  const group = await visibleGroup(db, viewer, slug);
  if (!isGroupOwner(viewer, group.id)) throw new AppError('forbidden', 403, 'Only the owners of this group may do that');
  return group;
}

/** Appends a line to a group's audit log, dated `at` (a write's moment; now by default). */
export async function recordAudit(
  db: DB,
  entry: { groupId: number; actorId: number; action: string; subjectId?: number; kind?: string; itemId?: number; reason?: string },
  at = new Date().toISOString(),
) {
  await insertAudit(db, {
    group_id: entry.groupId,
    actor_id: entry.actorId,
    action: entry.action,
    kind: entry.kind ?? null,
    item_id: entry.itemId ?? null,
    subject_id: entry.subjectId ?? null,
    reason: entry.reason ?? null,
    created_at: at,
  });
}

/** Creates a group with the viewer as its first owner. */
export async function createGroup(ctx: AppContext, viewer: Viewer, input: z.infer<typeof createGroupShape>) {
  return ctx.db.transaction().execute(async (trx) => {
    if (await groups.findGroupBySlug(trx, input.slug)) throw new AppError('slug_taken', 409, `A group "${input.slug}" exists already`);
    const now = new Date().toISOString();
    const group = await groups.insertGroup(trx, {
      slug: input.slug,
      name: input.name,
      description: input.description ?? '',
      visibility: input.visibility,
      join_policy: input.joinPolicy,
      premoderation: input.premoderation ? 1 : 0,
      trust_after: input.trustAfter ?? defaultTrustAfter,
      created_by: viewer.id,
      created_at: now,
    });
    await groups.insertMembership(trx, { group_id: group.id, user_id: viewer.id, role: 'owner', state: 'active', approved_posts: 0, created_at: now });
    const self: Viewer = { ...viewer, memberships: new Map([...viewer.memberships, [group.id, { role: 'owner', state: 'active' }]]) };
    return groupJson(group, self, 1);
  });
}

/** Groups the viewer may see: public ones and their own. */
export async function listGroups(ctx: AppContext, viewer: Viewer | null, page: { limit: number; offset: number }) {
  const rows = await groups.listGroupsFor(ctx.db, viewer?.id ?? null, page.limit, page.offset);
  return rows.map((g) => groupJson(g, viewer, Number(g.member_count ?? 0)));
}

/**
 * One group, with where it reads: its own texts and its layers (on any text), each only if the
 * viewer may read it, the first 100 of each; and whether it has a reading plan the viewer may read.
 */
export async function getGroup(ctx: AppContext, viewer: Viewer | null, slug: string) {
  const group = await visibleGroup(ctx.db, viewer, slug);
  const members = await groups.listMembers(ctx.db, group.id, ['active']);
  const texts = await listVisibleGroupTexts(ctx.db, viewer, group.id, groupPageItems);
  const layers = await listVisibleGroupLayers(ctx.db, viewer, group.id, groupPageItems);
  const plan = await findPlan(ctx.db, group.id);
  const json = groupJson(group, viewer, members.length);
  const mine = json.membership;
  // An owner is told at once when they are the only one: they cannot leave until another is made.
  const soleOwner = mine?.role === 'owner' && mine.state === 'active' ? { soleOwner: members.filter((m) => m.role === 'owner').length === 1 } : {};
  return {
    ...json,
    membership: mine ? { ...mine, ...soleOwner } : null,
    // Whether `GET …/plan` has a plan for this reader (services/reading-plans.ts readPlan: the text decides).
    hasPlan: plan !== undefined && canReadText(viewer, plan.text),
    texts: texts.map(({ new_posts, ...t }) => (new_posts === null ? t : { ...t, new: Number(new_posts) })),
    layers: layers.map((l) => ({
      slug: l.slug,
      name: l.name,
      description: l.description,
      color: l.color,
      visibility: l.visibility,
      replyPolicy: l.reply_policy,
      // A layer mirroring a group on another Daf: that layer's W3C container (docs/federation.md §7).
      ...(l.remote_uri === null ? {} : { followedFrom: l.remote_uri }),
      text: { slug: l.text_slug, title: l.text_title, language: l.text_language, direction: l.text_direction },
    })),
  };
}

/**
 * Changes a group's settings (owners only). Only a public group may be federated: federating a
 * group that is (or, in the same request, becomes) private is refused (409 `group_not_public`),
 * and so is making a federated group private unless the same request stops federating it (409
 * `group_federated`). A refusal changes nothing.
 */
export async function updateGroup(ctx: AppContext, viewer: Viewer, slug: string, input: z.infer<typeof updateGroupShape>) {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await ownedGroup(trx, viewer, slug);
    checkFederation(group, input);
    const changes: Partial<ReadingGroupRow> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.visibility !== undefined) changes.visibility = input.visibility;
    if (input.joinPolicy !== undefined) changes.join_policy = input.joinPolicy;
    if (input.premoderation !== undefined) changes.premoderation = input.premoderation ? 1 : 0;
    if (input.trustAfter !== undefined) changes.trust_after = input.trustAfter;
    if (input.federated !== undefined) changes.federated = input.federated ? 1 : 0;
    // Checked again as it is written: another owner's change may have come in meanwhile.
    if (!(await groups.updateGroup(trx, group.id, changes))) throw federationRefusal(changes.visibility === 'private' ? 'closing' : 'federating');
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'group.updated', reason: JSON.stringify(input) });
    return groupJson({ ...group, ...changes }, viewer, await groups.countActive(trx, group.id));
  });
}

/** Refuses (409) a change that would leave a private group federated; see `updateGroup`. */
function checkFederation(group: ReadingGroupRow, input: z.infer<typeof updateGroupShape>) {
  const visibility = input.visibility ?? group.visibility;
  const federated = input.federated ?? group.federated === 1;
  if (federated && visibility === 'private') throw federationRefusal(input.federated === true ? 'federating' : 'closing');
}

/** The 409 for federating a group that is (or would be) private, or for closing a federated one. */
function federationRefusal(attempt: 'federating' | 'closing'): AppError {
  return attempt === 'federating'
    ? new AppError('group_not_public', 409, 'Only a public group may be federated: make the group public first')
    : new AppError('group_federated', 409, 'This group is federated, and a private group may not be: stop federating it first (federated: false, in the same request or before) to make it private');
}

/**
 * Asks to join: an open group admits at once, an approval group records a request for its
 * moderators, an invitation-only group refuses (403). A banned person is refused (403).
 */
export async function joinGroup(ctx: AppContext, viewer: Viewer, slug: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await visibleGroup(trx, viewer, slug);
    const existing = await groups.findMembership(trx, group.id, viewer.id);
    if (existing?.state === 'banned') throw new AppError('banned', 403, 'You are banned from this group');
    if (existing) return { state: existing.state, role: existing.role };
    if (group.join_policy === 'invite') throw new AppError('invitation_required', 403, 'This group admits by invitation only');
    const state = group.join_policy === 'open' ? 'active' : 'pending';
    await groups.insertMembership(trx, { group_id: group.id, user_id: viewer.id, role: 'member', state, approved_posts: 0, created_at: new Date().toISOString() });
    return { state, role: 'member' as Role };
  });
}

/** Leaves a group (or withdraws a request). The last owner cannot leave (409). */
export async function leaveGroup(ctx: AppContext, viewer: Viewer, slug: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await visibleGroup(trx, viewer, slug);
    const m = await groups.findMembership(trx, group.id, viewer.id);
    if (!m || m.state === 'banned') throw new AppError('not_member', 409, 'You are not a member of this group');
    await ensureNotLastOwner(trx, group.id, m, 'leave');
    await groups.deleteMembership(trx, group.id, viewer.id);
  });
}

async function ensureNotLastOwner(db: DB, groupId: number, m: MembershipRow, what: string) {
  if (m.role === 'owner' && m.state === 'active' && (await groups.countOwners(db, groupId)) <= 1) {
    throw new AppError('last_owner', 409, `A group keeps at least one owner: make someone else an owner before you ${what}`);
  }
}

async function memberByHandle(db: DB, groupId: number, handle: string) {
  const user = await findUserByHandle(db, handle);
  const m = user && (await groups.findMembership(db, groupId, user.id));
  if (!user || !m) throw notFound(`Member "${handle}"`);
  return { user, m };
}

/** The members (active; for moderators also pending requests and bans). Members only. */
export async function listMembers(ctx: AppContext, viewer: Viewer | null, slug: string) {
  const group = await visibleGroup(ctx.db, viewer, slug);
  const mine = viewer?.memberships.get(group.id);
  if (!mine || mine.state !== 'active') throw new AppError('forbidden', 403, 'Only members see who belongs to a group');
  const states: MembershipRow['state'][] = isModerator(viewer, group.id) ? ['active', 'pending', 'banned'] : ['active'];
  const rows = await groups.listMembers(ctx.db, group.id, states);
  return rows.map((r) => ({
    handle: r.handle,
    name: r.display_name,
    role: r.role,
    state: r.state,
    trusted: group.premoderation === 0 || r.role !== 'member' || r.approved_posts >= group.trust_after,
    joined: r.created_at,
  }));
}

/** Sets a member's role (owners only). Demoting the last owner is refused (409). */
export async function setRole(ctx: AppContext, viewer: Viewer, slug: string, handle: string, role: Role) {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await ownedGroup(trx, viewer, slug);
    const { user, m } = await memberByHandle(trx, group.id, handle);
    if (m.state !== 'active') throw new AppError('not_member', 409, `"${handle}" is not an active member`);
    if (m.role === 'owner' && role !== 'owner') await ensureNotLastOwner(trx, group.id, m, 'step down');
    await groups.updateMembership(trx, group.id, user.id, { role });
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'member.role', subjectId: user.id, reason: role });
    return { handle: user.handle, role, state: m.state };
  });
}

/** Admits a pending request (owners and moderators). */
export async function approveMember(ctx: AppContext, viewer: Viewer, slug: string, handle: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await moderatedGroup(trx, viewer, slug);
    const { user, m } = await memberByHandle(trx, group.id, handle);
    if (m.state !== 'pending') throw new AppError('not_pending', 409, `"${handle}" has no pending request`);
    await groups.updateMembership(trx, group.id, user.id, { state: 'active' });
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'member.approved', subjectId: user.id });
    return { handle: user.handle, role: m.role, state: 'active' as const };
  });
}

/** Removes a member or declines a request (owners; moderators may decline requests). */
export async function removeMember(ctx: AppContext, viewer: Viewer, slug: string, handle: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await moderatedGroup(trx, viewer, slug);
    const { user, m } = await memberByHandle(trx, group.id, handle);
    if (m.state === 'banned') throw new AppError('banned', 409, `"${handle}" is banned; lift the ban instead`);
    if (m.state === 'active' && !isGroupOwner(viewer, group.id)) throw new AppError('forbidden', 403, 'Only owners remove members');
    await ensureNotLastOwner(trx, group.id, m, 'are removed');
    await groups.deleteMembership(trx, group.id, user.id);
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: m.state === 'pending' ? 'member.declined' : 'member.removed', subjectId: user.id });
  });
}

/** Bans a person from the group (owners only); they lose membership and cannot rejoin. */
export async function banMember(ctx: AppContext, viewer: Viewer, slug: string, handle: string, reason?: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await ownedGroup(trx, viewer, slug);
    const user = await findUserByHandle(trx, handle);
    if (!user) throw notFound(`Person "${handle}"`);
    if (user.id === viewer.id) throw new AppError('cannot_ban_self', 409, 'You cannot ban yourself');
    const m = await groups.findMembership(trx, group.id, user.id);
    if (m) {
      await ensureNotLastOwner(trx, group.id, m, 'are banned');
      await groups.updateMembership(trx, group.id, user.id, { state: 'banned', role: 'member' });
    } else {
      await groups.insertMembership(trx, { group_id: group.id, user_id: user.id, role: 'member', state: 'banned', approved_posts: 0, created_at: new Date().toISOString() });
    }
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'member.banned', subjectId: user.id, reason });
  });
}

/** Lifts a ban (owners only); the person may join again under the group's policy. */
export async function unbanMember(ctx: AppContext, viewer: Viewer, slug: string, handle: string) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await ownedGroup(trx, viewer, slug);
    const { user, m } = await memberByHandle(trx, group.id, handle);
    if (m.state !== 'banned') throw new AppError('not_banned', 409, `"${handle}" is not banned`);
    await groups.deleteMembership(trx, group.id, user.id);
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'member.unbanned', subjectId: user.id });
  });
}

/**
 * Creates an invitation link (owners and moderators); the secret is shown once, here. With a
 * `handle`, the invitation is that person's alone (one use, by them) and they are told of it in
 * their notifications (`invited`), whose link is the invitation's.
 */
export async function createInvitation(ctx: AppContext, viewer: Viewer, slug: string, input: z.infer<typeof invitationShape>, baseUrl: string) {
  return write(ctx, async (w) => {
    const trx = w.trx;
    const group = await moderatedGroup(trx, viewer, slug);
    const invitee = input.handle === undefined ? null : await findUserByHandle(trx, input.handle);
    if (input.handle !== undefined) {
      if (!invitee || invitee.deleted_at !== null) throw new AppError('unknown_person', 422, `Nobody here is called @${input.handle}`);
      const standing = await groups.findMembership(trx, group.id, invitee.id);
      if (standing?.state === 'active') throw new AppError('already_member', 409, `@${invitee.handle} is a member already`);
      if (standing?.state === 'banned') throw new AppError('banned', 409, `@${invitee.handle} is banned from this group; lift the ban first`);
    }
    const token = `inv_${randomBytes(24).toString('base64url')}`;
    const now = new Date(w.now);
    const row = await groups.insertInvitation(trx, {
      group_id: group.id,
      token_hash: hashSecret(token),
      created_by: viewer.id,
      expires_at: new Date(now.getTime() + (input.expiresInHours ?? defaultInvitationHours) * 3_600_000).toISOString(),
      max_uses: invitee ? 1 : (input.maxUses ?? null),
      uses: 0,
      revoked_at: null,
      created_at: now.toISOString(),
      invitee_id: invitee?.id ?? null,
    });
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'invitation.created', itemId: row.id, subjectId: invitee?.id });
    if (invitee && invitee.id !== viewer.id) {
      await insertNotifications(trx, [
        { recipient_id: invitee.id, kind: 'invited', actor_id: viewer.id, text_id: null, gloss_id: null, reply_id: null, invitation_id: row.id, link: `/invite/${token}`, created_at: w.now, read_at: null },
      ]);
      w.told([invitee.id]);
    }
    return { ...invitationJson({ ...row, creator_handle: viewer.handle }), token, url: `${baseUrl}/invite/${token}` };
  });
}

function invitationJson(row: { id: number; expires_at: string; max_uses: number | null; uses: number; revoked_at: string | null; created_at: string; creator_handle: string }) {
  return { id: row.id, expires: row.expires_at, maxUses: row.max_uses, uses: row.uses, revoked: row.revoked_at !== null, created: row.created_at, createdBy: row.creator_handle };
}

/** The group's invitations, without secrets (owners and moderators). */
export async function listInvitations(ctx: AppContext, viewer: Viewer, slug: string) {
  const group = await moderatedGroup(ctx.db, viewer, slug);
  return (await groups.listInvitations(ctx.db, group.id)).map(invitationJson);
}

/** Revokes an invitation (owners and moderators). */
export async function revokeInvitation(ctx: AppContext, viewer: Viewer, slug: string, id: number) {
  await ctx.db.transaction().execute(async (trx) => {
    const group = await moderatedGroup(trx, viewer, slug);
    const row = await groups.findInvitation(trx, group.id, id);
    if (!row) throw notFound(`Invitation ${id}`);
    if (row.revoked_at !== null) throw new AppError('revoked', 409, 'The invitation was revoked already');
    await groups.revokeInvitation(trx, id, new Date().toISOString());
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'invitation.revoked', itemId: id });
  });
}

/** The invitation a token is, while it can still be used: 404 if none, 410 if revoked, expired or used up. */
async function liveInvitation(db: DB, token: string, now: string) {
  const row = await groups.findInvitationByHash(db, hashSecret(token));
  if (!row) throw notFound('Invitation');
  if (row.revoked_at !== null) throw new AppError('invitation_revoked', 410, 'This invitation was revoked');
  if (row.expires_at <= now) throw new AppError('invitation_expired', 410, 'This invitation has expired');
  if (row.max_uses !== null && row.uses >= row.max_uses) throw new AppError('invitation_used_up', 410, 'This invitation has been used up');
  return row;
}

/**
 * What an invitation link tells whoever holds it, before they join: the group's name, and its
 * description only if they may see the group anyway (a private group's stays with its members).
 * Nothing is used up.
 */
export async function readInvitation(ctx: AppContext, viewer: Viewer | null, token: string) {
  const row = await liveInvitation(ctx.db, token, new Date().toISOString());
  const group = (await groups.findGroupById(ctx.db, row.group_id))!;
  const seen = canSeeGroup(viewer, group);
  const mine = viewer?.memberships.get(group.id);
  // Who sent it: the link is theirs, given by them, so its holder may know them by name.
  const sender = await findUserById(ctx.db, row.created_by);
  return {
    group: { slug: group.slug, name: group.name, description: seen ? group.description : null, visibility: group.visibility },
    invitedBy: sender ? { handle: sender.handle, name: sender.display_name } : null,
    expires: row.expires_at,
    membership: mine ? { role: mine.role, state: mine.state } : null,
  };
}

/**
 * Accepts an invitation: the viewer becomes an active member. An unknown, expired, used-up or
 * revoked invitation is refused (404 or 410) and changes nothing; a banned person stays out.
 */
export async function acceptInvitation(ctx: AppContext, viewer: Viewer, token: string) {
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const row = await liveInvitation(trx, token, now);
    if (row.invitee_id !== null && row.invitee_id !== viewer.id) throw new AppError('invitation_not_yours', 403, 'This invitation is for someone else');
    const group = (await groups.findGroupById(trx, row.group_id))!;
    const existing = await groups.findMembership(trx, group.id, viewer.id);
    if (existing?.state === 'banned') throw new AppError('banned', 403, 'You are banned from this group');
    if (existing?.state === 'active') return { group: group.slug, role: existing.role, state: existing.state };
    if (!(await groups.useInvitation(trx, row.id, now))) throw new AppError('invitation_used_up', 410, 'This invitation has been used up');
    if (existing) await groups.updateMembership(trx, group.id, viewer.id, { state: 'active' });
    else await groups.insertMembership(trx, { group_id: group.id, user_id: viewer.id, role: 'member', state: 'active', approved_posts: 0, created_at: now });
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'invitation.accepted', itemId: row.id, subjectId: viewer.id });
    return { group: group.slug, role: existing?.role ?? ('member' as Role), state: 'active' as const };
  });
}
