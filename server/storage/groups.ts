/** SQL for reading groups, memberships and invitations. Returns rows; no rules here. */
import type { DB, InvitationRow, MembershipRow, NewRow, ReadingGroupRow, Role } from './database.ts';

export async function insertGroup(db: DB, row: NewRow<'reading_group'>): Promise<ReadingGroupRow> {
  return db.insertInto('reading_group').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findGroupBySlug(db: DB, slug: string): Promise<ReadingGroupRow | undefined> {
  return db.selectFrom('reading_group').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findGroupById(db: DB, id: number): Promise<ReadingGroupRow | undefined> {
  return db.selectFrom('reading_group').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Changes a group's columns. A change of only one of `visibility` and `federated` is made only
 * if the row, as it is when the UPDATE runs, keeps the other compatible (closing: not federated;
 * federating: public), so that two changes read against the same older row (one federating, one
 * closing) cannot together leave a private group federated. False when that held it back.
 */
export async function updateGroup(db: DB, id: number, changes: Partial<Omit<ReadingGroupRow, 'id'>>): Promise<boolean> {
  // An empty PATCH changes nothing (and `UPDATE … SET` with no columns is not SQL).
  if (Object.keys(changes).length === 0) return true;
  let update = db.updateTable('reading_group').set(changes).where('id', '=', id);
  if (changes.visibility === 'private' && changes.federated === undefined) update = update.where('federated', '=', 0);
  if (changes.federated === 1 && changes.visibility === undefined) update = update.where('visibility', '=', 'public');
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Public groups and the groups `userId` belongs to (not banned from), newest first. */
export async function listGroupsFor(db: DB, userId: number | null, limit: number, offset: number) {
  return db
    .selectFrom('reading_group as g')
    .leftJoin('membership as m', (j) => j.onRef('m.group_id', '=', 'g.id').on('m.user_id', '=', userId ?? -1))
    .selectAll('g')
    .select(['m.role', 'm.state'])
    .select((eb) =>
      eb
        .selectFrom('membership as c')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('c.group_id', '=', 'g.id')
        .where('c.state', '=', 'active')
        .as('member_count'),
    )
    .where((eb) =>
      eb.or([eb('g.visibility', '=', 'public'), eb.and([eb('m.state', 'is not', null), eb('m.state', '!=', 'banned')])]),
    )
    .orderBy('g.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Every membership row of a person. */
export async function membershipsOf(db: DB, userId: number): Promise<MembershipRow[]> {
  return db.selectFrom('membership').selectAll().where('user_id', '=', userId).execute();
}

export async function findMembership(db: DB, groupId: number, userId: number): Promise<MembershipRow | undefined> {
  return db.selectFrom('membership').selectAll().where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
}

export async function insertMembership(db: DB, row: NewRow<'membership'>): Promise<void> {
  await db.insertInto('membership').values(row).execute();
}

export async function updateMembership(
  db: DB,
  groupId: number,
  userId: number,
  changes: Partial<{ role: Role; state: MembershipRow['state']; approved_posts: number }>,
): Promise<void> {
  await db.updateTable('membership').set(changes).where('group_id', '=', groupId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(db: DB, groupId: number, userId: number): Promise<void> {
  await db.deleteFrom('membership').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
}

/** Counts a group's active owners. */
export async function countOwners(db: DB, groupId: number): Promise<number> {
  return countActive(db, groupId, 'owner');
}

/** Counts a group's active members (of one role, if given). */
export async function countActive(db: DB, groupId: number, role?: MembershipRow['role']): Promise<number> {
  const row = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .$if(role !== undefined, (qb) => qb.where('role', '=', role!))
    .where('state', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Members of a group with their handles, optionally only in some states. */
export async function listMembers(db: DB, groupId: number, states: MembershipRow['state'][]) {
  return db
    .selectFrom('membership as m')
    .innerJoin('user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.handle', 'u.display_name', 'm.role', 'm.state', 'm.approved_posts', 'm.created_at'])
    .where('m.group_id', '=', groupId)
    .where('m.state', 'in', states)
    .orderBy('m.created_at')
    .execute();
}

/** Adds one approved post to a member's count and returns the new count. */
export async function countApprovedPost(db: DB, groupId: number, userId: number): Promise<number> {
  await db
    .updateTable('membership')
    .set((eb) => ({ approved_posts: eb('approved_posts', '+', 1) }))
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .execute();
  return (await findMembership(db, groupId, userId))?.approved_posts ?? 0;
}

export async function insertInvitation(db: DB, row: NewRow<'invitation'>): Promise<InvitationRow> {
  return db.insertInto('invitation').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findInvitationByHash(db: DB, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitation').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findInvitation(db: DB, groupId: number, id: number): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitation').selectAll().where('group_id', '=', groupId).where('id', '=', id).executeTakeFirst();
}

/** A group's invitations, each with the handle of who made it. */
export async function listInvitations(db: DB, groupId: number): Promise<(InvitationRow & { creator_handle: string })[]> {
  return db
    .selectFrom('invitation')
    .innerJoin('user', 'user.id', 'invitation.created_by')
    .selectAll('invitation')
    .select('user.handle as creator_handle')
    .where('invitation.group_id', '=', groupId)
    .orderBy('invitation.id')
    .execute();
}

/** Uses one invitation if it is still good; returns whether it was used. Atomic. */
export async function useInvitation(db: DB, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('invitation')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeInvitation(db: DB, id: number, now: string): Promise<void> {
  await db.updateTable('invitation').set({ revoked_at: now }).where('id', '=', id).execute();
}
