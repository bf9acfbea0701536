/** SQL for flags and the moderation audit log. Returns rows; no rules here. */
import { sql } from 'kysely';
import type { DB, FlagRow, NewRow } from './database.ts';

export async function insertAudit(db: DB, row: NewRow<'audit_log'>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

/** A group's audit log, newest first, with the handles of actor and subject. */
export async function listAudit(db: DB, groupId: number, limit: number, offset: number) {
  return db
    .selectFrom('audit_log as a')
    .innerJoin('user as actor', 'actor.id', 'a.actor_id')
    .leftJoin('user as subject', 'subject.id', 'a.subject_id')
    .select(['a.id', 'a.action', 'a.kind', 'a.item_id', 'a.reason', 'a.created_at', 'actor.handle as actor', 'subject.handle as subject'])
    .where('a.group_id', '=', groupId)
    .orderBy('a.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function insertFlag(db: DB, row: NewRow<'flag'>): Promise<FlagRow> {
  return db.insertInto('flag').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Whether this person already has an open flag on this post. */
export async function openFlagExists(db: DB, kind: 'gloss' | 'reply', itemId: number, flaggerId: number): Promise<boolean> {
  const row = await db
    .selectFrom('flag')
    .select('id')
    .where('kind', '=', kind)
    .where('item_id', '=', itemId)
    .where('flagger_id', '=', flaggerId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Closes every open flag on a post (a moderator acted on it). */
export async function resolveFlags(db: DB, kind: 'gloss' | 'reply', itemId: number, now: string): Promise<void> {
  await db.updateTable('flag').set({ resolved_at: now }).where('kind', '=', kind).where('item_id', '=', itemId).where('resolved_at', 'is', null).execute();
}

/**
 * Open flags of a group's posts, oldest first, each with its post as the queue shows it: the
 * gloss it is or belongs to (null for a post no longer there), that gloss's text and layer, and
 * the post's own status, words, author and date.
 */
export async function openFlags(db: DB, groupId: number) {
  return db
    .selectFrom('flag as f')
    .innerJoin('user as u', 'u.id', 'f.flagger_id')
    .leftJoin('reply as r', (j) => j.onRef('r.id', '=', 'f.item_id').on('f.kind', '=', 'reply'))
    .leftJoin('gloss as g', (j) => j.on(sql<boolean>`g.id = CASE WHEN f.kind = 'gloss' THEN f.item_id ELSE r.gloss_id END`))
    .leftJoin('layer as l', 'l.id', 'g.layer_id')
    .leftJoin('text as t', 't.id', 'g.text_id')
    .leftJoin('user as pa', (j) => j.on(sql<boolean>`pa.id = CASE WHEN f.kind = 'gloss' THEN g.author_id ELSE r.author_id END`))
    .select(['f.id', 'f.kind', 'f.item_id', 'f.reason', 'f.created_at', 'u.handle as flagger', 'g.id as gloss_id', 't.slug as text', 'l.slug as layer', 'pa.handle as post_author'])
    .select((eb) => [
      eb.case().when('f.kind', '=', 'gloss').then(eb.ref('g.status')).else(eb.ref('r.status')).end().as('post_status'),
      eb.case().when('f.kind', '=', 'gloss').then(eb.ref('g.body_text')).else(eb.ref('r.body_text')).end().as('post_text'),
      eb.case().when('f.kind', '=', 'gloss').then(eb.ref('g.created_at')).else(eb.ref('r.created_at')).end().as('post_created'),
    ])
    .where('f.group_id', '=', groupId)
    .where('f.resolved_at', 'is', null)
    .orderBy('f.id')
    .execute();
}

/** Pending glosses and replies in a group's layers, oldest first. */
export async function pendingPosts(db: DB, groupId: number) {
  const glosses = await db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'g.author_id')
    .select(['g.id', 'g.body_text', 'g.created_at', 'u.handle as author', 'l.slug as layer', 't.slug as text'])
    .where('l.group_id', '=', groupId)
    .where('g.status', '=', 'pending')
    .orderBy('g.id')
    .execute();
  const replies = await db
    .selectFrom('reply as r')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'r.author_id')
    .select(['r.id', 'r.gloss_id', 'r.body_text', 'r.created_at', 'u.handle as author', 'l.slug as layer', 't.slug as text'])
    .where('l.group_id', '=', groupId)
    .where('r.status', '=', 'pending')
    .orderBy('r.id')
    .execute();
  return { glosses, replies };
}

/** The texts a group's layers are on: what its moderation queue can hold posts of. */
export async function groupTextIds(db: DB, groupId: number): Promise<number[]> {
  const rows = await db.selectFrom('layer').select('text_id').distinct().where('group_id', '=', groupId).execute();
  return rows.map((r) => r.text_id);
}

/**
 * What a group's moderation queue and audit log are now, in one string: the newest audit entry
 * (actions and flags are logged) and the count and latest change of the posts waiting in its
 * layers. When it has not moved, neither has what its moderators read; other writes on the same
 * texts (a notebook entry, a reply elsewhere) leave it alone, so it tells them nothing of those.
 */
export async function moderationStamp(db: DB, groupId: number): Promise<string> {
  const audit = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('last')).where('group_id', '=', groupId).executeTakeFirst();
  const glosses = await db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('g.updated_at').as('last')])
    .where('l.group_id', '=', groupId)
    .where('g.status', '=', 'pending')
    .executeTakeFirst();
  const replies = await db
    .selectFrom('reply as r')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('r.updated_at').as('last')])
    .where('l.group_id', '=', groupId)
    .where('r.status', '=', 'pending')
    .executeTakeFirst();
  return JSON.stringify([audit?.last ?? 0, glosses?.n ?? 0, glosses?.last ?? null, replies?.n ?? 0, replies?.last ?? null]);
}

/**
 * The ids of the glosses that comment on gloss `id`, at any depth (gloss `id` itself not
 * among them), as one recursive query to put inside another statement: the walk down the
 * thread costs one statement, however deep it goes. `UNION` rather than `UNION ALL`, so that
 * even a cycle (none can be made: a gloss comments on an older one) would end.
 */
function glossesBelow(db: DB, id: number) {
  return db
    .withRecursive('below(id)', (qb) =>
      qb
        .selectFrom('gloss')
        .select('id')
        .where('target_gloss_id', '=', id)
        .union(qb.selectFrom('gloss as g').innerJoin('below as b', 'b.id', 'g.target_gloss_id').select('g.id')),
    )
    .selectFrom('below')
    .select('below.id');
}

/**
 * Hides, in one statement, the published glosses that comment on gloss `id` at any depth,
 * marking each as hidden with it and from `active`; pending and already hidden ones keep their
 * state. Returns how many it hid.
 */
export async function hideGlossesBelow(db: DB, id: number, note: string, now: string): Promise<number> {
  const result = await db
    .updateTable('gloss')
    .set({ status: 'hidden', hidden_with: id, hidden_from: 'active', moderation_note: note, updated_at: now })
    .where('status', '=', 'active')
    .where('id', 'in', glossesBelow(db, id))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Publishes again, in one statement, the glosses hidden with gloss `id` (see `hideGlossesBelow`). */
export async function releaseGlossesHiddenWith(db: DB, id: number, now: string): Promise<void> {
  await db
    .updateTable('gloss')
    .set({ status: 'active', hidden_with: null, hidden_from: null, moderation_note: null, updated_at: now })
    .where('hidden_with', '=', id)
    .execute();
}
