/**
 * SQL for Daf to Daf (docs/federation.md §7): the groups elsewhere a group here follows, the
 * layers that mirror theirs, and the glosses those layers hold. Returns rows; no rules here.
 */
import type { DB, FedFollowingTable, GlossRow, LayerRow, NewRow, ReplyRow } from './database.ts';

export type FollowingRow = FedFollowingTable;

/** Records a follow sent (or sent again): pending until the group elsewhere accepts. */
export async function upsertFollowing(db: DB, row: FollowingRow): Promise<void> {
  await db
    .insertInto('fed_following')
    .values(row)
    .onConflict((oc) => oc.columns(['group_id', 'actor_uri']).doUpdateSet({ inbox_uri: row.inbox_uri, handle: row.handle, name: row.name, follow_uri: row.follow_uri, state: row.state }))
    .execute();
}

export async function followingOf(db: DB, groupId: number): Promise<FollowingRow[]> {
  return db.selectFrom('fed_following').selectAll().where('group_id', '=', groupId).orderBy('created_at').orderBy('actor_uri').execute();
}

export async function findFollowing(db: DB, groupId: number, actorUri: string): Promise<FollowingRow | undefined> {
  return db.selectFrom('fed_following').selectAll().where('group_id', '=', groupId).where('actor_uri', '=', actorUri).executeTakeFirst();
}

/** Every group here that follows the actor. */
export async function followersHereOf(db: DB, actorUri: string): Promise<FollowingRow[]> {
  return db.selectFrom('fed_following').selectAll().where('actor_uri', '=', actorUri).orderBy('group_id').execute();
}

export async function deleteFollowing(db: DB, groupId: number, actorUri: string): Promise<boolean> {
  const r = await db.deleteFrom('fed_following').where('group_id', '=', groupId).where('actor_uri', '=', actorUri).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Marks the pending follow whose id the Accept names as accepted; false if there is none from that actor (or it was accepted already). */
export async function acceptFollowing(db: DB, actorUri: string, followUri: string): Promise<boolean> {
  const r = await db
    .updateTable('fed_following')
    .set({ state: 'accepted' })
    .where('actor_uri', '=', actorUri)
    .where('follow_uri', '=', followUri)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The layer of `groupId` that mirrors the container elsewhere, if it has one. */
export async function mirrorLayer(db: DB, groupId: number, remoteUri: string): Promise<LayerRow | undefined> {
  return db.selectFrom('layer').selectAll().where('group_id', '=', groupId).where('remote_uri', '=', remoteUri).executeTakeFirst();
}

export async function insertMirrorLayer(db: DB, row: NewRow<'layer'>): Promise<LayerRow> {
  return db.insertInto('layer').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Whether a layer of the text has this slug. */
export async function layerSlugTaken(db: DB, textId: number, slug: string): Promise<boolean> {
  return (await db.selectFrom('layer').select('id').where('text_id', '=', textId).where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

/** The glosses here whose Note elsewhere is `uri` (one per following group). */
export async function glossesByRemoteUri(db: DB, uri: string): Promise<GlossRow[]> {
  return db.selectFrom('gloss').selectAll().where('remote_uri', '=', uri).orderBy('id').execute();
}

/** The replies here whose Note elsewhere is `uri`, in threads of mirrored glosses (one per following group). */
export async function mirroredRepliesByRemoteUri(db: DB, uri: string): Promise<ReplyRow[]> {
  return db
    .selectFrom('reply')
    .innerJoin('gloss', 'gloss.id', 'reply.gloss_id')
    .selectAll('reply')
    .where('reply.remote_uri', '=', uri)
    .where('gloss.remote_uri', 'is not', null)
    .orderBy('reply.id')
    .execute();
}

/** Whether group `groupId` follows the actor (pending or accepted). */
export async function follows(db: DB, groupId: number, actorUri: string): Promise<boolean> {
  return (await findFollowing(db, groupId, actorUri)) !== undefined;
}
