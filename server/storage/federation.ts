/**
 * Federation's rows (docs/federation.md §3): Fedify's key-value store and message queue, local
 * actors' key pairs, a group's followers elsewhere, and what was published. The policy — what
 * may leave, what a message means — is the services'; this module only stores.
 */
import { sql } from 'kysely';
import type { Selectable, SqlBool } from 'kysely';
import type { DB, FedFollowerTable, FedObjectTable } from './database.ts';
import { dialectOf } from './dialect.ts';
import { authorAndPlace, type FeedPostRow } from './feeds.ts';
import { readablePublishedPosts } from './published-posts.ts';

// ---- Fedify's key-value store ----

/** The value under `key` unless it has lapsed by `now`; undefined when there is none. */
export async function kvGet(db: DB, key: string, now: number): Promise<string | undefined> {
  const row = await db.selectFrom('fed_kv').select(['value', 'expires_at']).where('key', '=', key).executeTakeFirst();
  if (!row || (row.expires_at !== null && Number(row.expires_at) <= now)) return undefined;
  return row.value;
}

export async function kvSet(db: DB, key: string, value: string, expiresAt: number | null): Promise<void> {
  await db
    .insertInto('fed_kv')
    .values({ key, value, expires_at: expiresAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, expires_at: expiresAt }))
    .execute();
}

export async function kvDelete(db: DB, key: string): Promise<void> {
  await db.deleteFrom('fed_kv').where('key', '=', key).execute();
}

/** Forgets every value that lapsed by `now`; returns how many. */
export async function kvSweep(db: DB, now: number): Promise<number> {
  const result = await db.deleteFrom('fed_kv').where('expires_at', 'is not', null).where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- Fedify's message queue ----

export async function enqueueMessages(db: DB, messages: { id: string; message: string; lane: string; notBefore: number }[], now: number): Promise<void> {
  if (messages.length === 0) return;
  await db
    .insertInto('fed_queue')
    .values(messages.map((m) => ({ id: m.id, message: m.message, lane: m.lane, not_before: m.notBefore, created_at: now })))
    .execute();
}

/** The first key of the advisory lock that hands out the queue's messages one lease at a time on PostgreSQL. */
const queueLockClass = 0x0db0;

/**
 * Takes the oldest message due by `now` that nobody holds, of a lane in which nobody holds one,
 * and holds it until `leaseUntil`; null when there is none. So a lane's messages are handled one
 * at a time, in the order they were queued (a retry, due later, goes behind). Two workers never
 * take the same message, nor two of one lane: PostgreSQL hands out one lease at a time under an
 * advisory lock, and SQLite runs one writer at a time. A lease that lapsed (its worker died)
 * frees its lane.
 */
export async function leaseMessage(db: DB, now: number, leaseUntil: number): Promise<{ id: string; message: string } | null> {
  const lease = async (q: DB) => {
    const result = await sql<{ id: string; message: string }>`
      UPDATE fed_queue SET leased_until = ${leaseUntil}
      WHERE id = (
        SELECT q.id FROM fed_queue q
        WHERE q.not_before <= ${now} AND q.leased_until < ${now}
          AND NOT EXISTS (SELECT 1 FROM fed_queue busy WHERE busy.lane = q.lane AND busy.leased_until >= ${now})
        ORDER BY q.not_before, q.created_at, q.id LIMIT 1
      )
      RETURNING id, message`.execute(q);
    return result.rows[0] ?? null;
  };
  // One statement is atomic on SQLite; PostgreSQL's lock makes the look and the lease one step.
  if (dialectOf(db) !== 'postgres') return lease(db);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${queueLockClass}, 0)`.execute(trx);
    return lease(trx);
  });
}

/** A message handled: it is gone. */
export async function deleteMessage(db: DB, id: string): Promise<void> {
  await db.deleteFrom('fed_queue').where('id', '=', id).execute();
}

/** A message whose handling failed: free again at `notBefore`. */
export async function releaseMessage(db: DB, id: string, notBefore: number): Promise<void> {
  await db.updateTable('fed_queue').set({ leased_until: 0, not_before: notBefore }).where('id', '=', id).execute();
}

/** How many messages wait (due or not), for `daf doctor` and tests. */
export async function queuedCount(db: DB): Promise<number> {
  const row = await db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- Key pairs ----

export interface StoredKey {
  algorithm: string;
  private_jwk: string;
  public_jwk: string;
}

export async function keysOf(db: DB, owner: string): Promise<StoredKey[]> {
  return db.selectFrom('fed_key').select(['algorithm', 'private_jwk', 'public_jwk']).where('owner', '=', owner).orderBy('algorithm', 'desc').execute();
}

/** Stores a key pair unless the owner already has one of that algorithm (another process won). */
export async function insertKeyIfAbsent(db: DB, owner: string, key: StoredKey, createdAt: string): Promise<void> {
  await db
    .insertInto('fed_key')
    .values({ owner, ...key, created_at: createdAt })
    .onConflict((oc) => oc.columns(['owner', 'algorithm']).doNothing())
    .execute();
}

// ---- Followers ----

export type FollowerRow = FedFollowerTable;

export async function upsertFollower(db: DB, row: FollowerRow): Promise<void> {
  await db
    .insertInto('fed_follower')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['group_id', 'actor_uri']).doUpdateSet({ inbox_uri: row.inbox_uri, shared_inbox_uri: row.shared_inbox_uri, follow_uri: row.follow_uri }),
    )
    .execute();
}

export async function deleteFollower(db: DB, groupId: number, actorUri: string): Promise<boolean> {
  const result = await db.deleteFrom('fed_follower').where('group_id', '=', groupId).where('actor_uri', '=', actorUri).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A group's followers, oldest first, a page at a time after `afterActor` (null: from the start). */
export async function followersOf(db: DB, groupId: number, limit: number, afterActor: string | null = null): Promise<FollowerRow[]> {
  let query = db.selectFrom('fed_follower').selectAll().where('group_id', '=', groupId);
  if (afterActor !== null) query = query.where('actor_uri', '>', afterActor);
  return query.orderBy('actor_uri').limit(limit).execute();
}

export async function followerCount(db: DB, groupId: number): Promise<number> {
  const row = await db.selectFrom('fed_follower').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- What was published ----

export type PublishedRow = Selectable<FedObjectTable>;

export async function publishedObject(db: DB, kind: 'gloss' | 'reply', id: number): Promise<PublishedRow | undefined> {
  return db.selectFrom('fed_object').selectAll().where('item_kind', '=', kind).where('item_id', '=', id).executeTakeFirst();
}

export async function savePublished(db: DB, row: PublishedRow): Promise<void> {
  await db
    .insertInto('fed_object')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['item_kind', 'item_id']).doUpdateSet({ group_id: row.group_id, revision: row.revision, digest: row.digest, deleted: row.deleted, updated_at: row.updated_at, sent_to: row.sent_to, sent_inbox: row.sent_inbox, sent_by: row.sent_by }),
    )
    .execute();
}

// ---- The publisher's place in the event log ----

/**
 * Holds the cursor `name` for `holder` until `leaseUntil` if nobody else holds it at `now`;
 * creates it at the log's end the first time. Returns the last event read, or null when another
 * process holds it.
 */
export async function leaseCursor(db: DB, name: string, holder: string, now: number, leaseUntil: number): Promise<number | null> {
  // Each a single statement, which takes SQLite's write lock at once (a read first, then a write,
  // in one transaction could not upgrade its lock while another process writes). `WHERE true`
  // keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
  await sql`INSERT INTO fed_cursor (name, last_event_id, holder, leased_until)
    SELECT ${name}, COALESCE(MAX(id), 0), NULL, 0 FROM event WHERE true
    ON CONFLICT (name) DO NOTHING`.execute(db);
  const taken = await db
    .updateTable('fed_cursor')
    .set({ holder, leased_until: leaseUntil })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('leased_until', '<', now)]))
    .returning('last_event_id')
    .executeTakeFirst();
  return taken ? Number(taken.last_event_id) : null;
}

/** Gives the cursor up, if `holder` holds it: another process may take it at once. */
export async function releaseCursor(db: DB, name: string, holder: string): Promise<void> {
  await db.updateTable('fed_cursor').set({ holder: null, leased_until: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
}

/** Moves the cursor on, if `holder` still holds it. */
export async function advanceCursor(db: DB, name: string, holder: string, lastEventId: number): Promise<void> {
  await db.updateTable('fed_cursor').set({ last_event_id: lastEventId }).where('name', '=', name).where('holder', '=', holder).execute();
}

// ---- What may leave ----

/** A gloss or reply as it would be published, with its place and group (docs/federation.md §4). */
export interface FederablePostRow extends FeedPostRow {
  /** The reply a reply answers; null for a gloss, and for a reply to the gloss itself. */
  parent_reply_id: number | null;
  layer_federation: 'off' | 'publish' | 'publish+replies';
  group_id: number;
  group_slug: string;
}

/**
 * The gloss or reply `id` if it may leave this server now: a visitor may read it (the same SQL
 * twins of visibility-sql.ts as the feeds: active, in a layer and text a visitor may read, its
 * gloss visible too), its layer publishes, its layer's group is public and federated, and it
 * was written here (a reply from elsewhere is its own server's to publish).
 * Undefined otherwise. The only door to what federation sends and serves.
 */
export async function federablePost(db: DB, kind: 'gloss' | 'reply', id: number): Promise<FederablePostRow | undefined> {
  const { glosses } = readablePublishedPosts(db, null);
  const place = [
    ...authorAndPlace,
    'l.federation as layer_federation',
    'rg.id as group_id',
    'rg.slug as group_slug',
  ] as const;
  if (kind === 'gloss') {
    return glosses
      .innerJoin('reading_group as rg', 'rg.id', 'l.group_id')
      .where('rg.visibility', '=', 'public')
      .where('rg.federated', '=', 1)
      .where('l.federation', '!=', 'off')
      .where('u.actor_uri', 'is', null)
      .where('g.id', '=', id)
      .select([
        sql<'gloss'>`'gloss'`.as('kind'),
        'g.id as id',
        'g.id as gloss_id',
        'g.target_gloss_id',
        sql<number | null>`NULL`.as('parent_reply_id'),
        sql<string | null>`g.selectors`.as('selectors'),
        'g.body_doc',
        'g.body_text',
        sql<string | null>`g.attribution`.as('attribution'),
        'g.created_at',
        'g.updated_at',
        ...place,
      ])
      .executeTakeFirst();
  }
  return localRepliesInFederatedGroups(db)
    .where('l.federation', '!=', 'off')
    .where('r.id', '=', id)
    .select([
      ...replyColumns,
      ...place,
    ])
    .executeTakeFirst();
}

/** A reply's columns, as its Note is made of them. */
const replyColumns = [
  sql<'reply'>`'reply'`.as('kind'),
  'r.id as id',
  'r.gloss_id',
  sql<number | null>`NULL`.as('target_gloss_id'),
  'r.parent_id as parent_reply_id',
  sql<string | null>`NULL`.as('selectors'),
  'r.body_doc',
  'r.body_text',
  sql<string | null>`NULL`.as('attribution'),
  'r.created_at',
  'r.updated_at',
] as const;

/** Replies a visitor may read, written here, in layers of public, federated groups (`rg`). */
function localRepliesInFederatedGroups(db: DB) {
  return readablePublishedPosts(db, null)
    .replies.innerJoin('reading_group as rg', 'rg.id', 'l.group_id')
    .where('rg.visibility', '=', 'public')
    .where('rg.federated', '=', 1)
    .where('u.actor_uri', 'is', null);
}

/** A reply written here in the thread of a followed group's gloss, as it would be sent there. */
export interface FederableAnswerRow extends FederablePostRow {
  /** The Note there it answers: the reply it answers, if that came from there, else the gloss. */
  answers_uri: string;
  /** The W3C container there that the layer mirrors: whose server it goes to. */
  layer_remote_uri: string;
  /** The followed group there whose layer it mirrors (null for a mirror made before that was kept). */
  layer_remote_group: string | null;
}

/**
 * The reply `id` if it may go back to the server of the followed group whose thread it is in
 * (docs/federation.md §7): a visitor may read it, it was written here, its gloss and layer mirror
 * that group's, and its own group is public and federated (its author's actor exists, and the
 * group's page shows it). Undefined otherwise.
 */
export async function federableAnswer(db: DB, id: number): Promise<FederableAnswerRow | undefined> {
  return localRepliesInFederatedGroups(db)
    .leftJoin('reply as pr', 'pr.id', 'r.parent_id')
    .where('l.remote_uri', 'is not', null)
    .where('g.remote_uri', 'is not', null)
    .where('r.id', '=', id)
    .select([
      ...replyColumns,
      ...authorAndPlace,
      'l.federation as layer_federation',
      'rg.id as group_id',
      'rg.slug as group_slug',
      sql<string>`coalesce(pr.remote_uri, g.remote_uri)`.as('answers_uri'),
      sql<string>`l.remote_uri`.as('layer_remote_uri'),
      'l.remote_group as layer_remote_group',
    ])
    .executeTakeFirst();
}

/** Events of every text after `afterId`, oldest first, at most `limit`: what the publisher reads. */
export async function eventsSince(db: DB, afterId: number, limit: number) {
  return db
    .selectFrom('event')
    .select(['id', 'kind', 'layer_ids', 'payload', 'item_kind', 'item_id'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function groupSlugOf(db: DB, groupId: number): Promise<string | undefined> {
  return (await db.selectFrom('reading_group').select('slug').where('id', '=', groupId).executeTakeFirst())?.slug;
}

/** The handle of a post's author while their account lives; null once it is deleted (or the post is gone). */
export async function liveAuthorHandle(db: DB, kind: 'gloss' | 'reply', id: number): Promise<string | null> {
  const row =
    kind === 'gloss'
      ? await db.selectFrom('gloss as p').innerJoin('user as u', 'u.id', 'p.author_id').select(['u.handle', 'u.deleted_at']).where('p.id', '=', id).executeTakeFirst()
      : await db.selectFrom('reply as p').innerJoin('user as u', 'u.id', 'p.author_id').select(['u.handle', 'u.deleted_at']).where('p.id', '=', id).executeTakeFirst();
  return row && row.deleted_at === null ? row.handle : null;
}

/**
 * Posts ever published (deleted there since or not), in a scope: every post of a layer, or what
 * hangs beneath gloss `beneath` (its thread's replies, and glosses on it).
 */
export async function publishedPosts(db: DB, scope: { layerId: number } | { beneath: number }): Promise<{ item_kind: 'gloss' | 'reply'; item_id: number }[]> {
  const glosses = db
    .selectFrom('fed_object as o')
    .innerJoin('gloss as g', 'g.id', 'o.item_id')
    .where('o.item_kind', '=', 'gloss')
    .where('layerId' in scope ? sql<SqlBool>`g.layer_id = ${scope.layerId}` : sql<SqlBool>`g.target_gloss_id = ${scope.beneath}`)
    .select(['o.item_kind', 'o.item_id']);
  const replies = db
    .selectFrom('fed_object as o')
    .innerJoin('reply as r', 'r.id', 'o.item_id')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .where('o.item_kind', '=', 'reply')
    .where('layerId' in scope ? sql<SqlBool>`g.layer_id = ${scope.layerId}` : sql<SqlBool>`g.id = ${scope.beneath}`)
    .select(['o.item_kind', 'o.item_id']);
  return glosses.unionAll(replies).execute();
}

// ---- People and replies from elsewhere ----

/** The remote account of an actor elsewhere, made (or its name and page refreshed) on the way. */
export async function upsertRemoteUser(
  db: DB,
  actor: { actor_uri: string; handle: string; display_name: string; profile_url: string | null },
  now: string,
): Promise<{ id: number; handle: string }> {
  const existing = await db.selectFrom('user').select(['id', 'handle']).where('actor_uri', '=', actor.actor_uri).executeTakeFirst();
  if (existing) {
    await db.updateTable('user').set({ display_name: actor.display_name, profile_url: actor.profile_url }).where('id', '=', existing.id).execute();
    return existing;
  }
  // `name@host` is free unless another actor of that host once had the name: then `name@host~2`, and on.
  for (let n = 1; ; n++) {
    const handle = n === 1 ? actor.handle : `${actor.handle}~${n}`;
    const taken = await db.selectFrom('user').select('id').where('handle_key', '=', handle.toLowerCase()).executeTakeFirst();
    if (taken) continue;
    return db
      .insertInto('user')
      .values({
        handle,
        handle_key: handle.toLowerCase(),
        display_name: actor.display_name,
        // No password opens a remote account: this is no scrypt hash, so every log-in fails.
        password_hash: '!remote',
        created_at: now,
        actor_uri: actor.actor_uri,
        profile_url: actor.profile_url,
      })
      .returning(['id', 'handle'])
      .executeTakeFirstOrThrow();
  }
}

/** The remote account of an actor, if one was made. */
export async function remoteUserByActor(db: DB, actorUri: string) {
  return db.selectFrom('user').selectAll().where('actor_uri', '=', actorUri).executeTakeFirst();
}

/** A reply that came from elsewhere, by its Note's id there. */
/** The id elsewhere of reply `id`, when it came from elsewhere; else null. */
export async function replyRemoteUri(db: DB, id: number): Promise<string | null> {
  return (await db.selectFrom('reply').select('remote_uri').where('id', '=', id).executeTakeFirst())?.remote_uri ?? null;
}

/** Remembers that the Note `uri` from elsewhere was deleted from the layer here, so it never comes back into it. */
export async function rememberRemoved(db: DB, layerId: number, uri: string, now: string): Promise<void> {
  await db
    .insertInto('fed_removed')
    .values({ layer_id: layerId, remote_uri: uri, removed_at: now })
    .onConflict((oc) => oc.columns(['layer_id', 'remote_uri']).doNothing())
    .execute();
}

/** Whether the Note `uri` from elsewhere was deleted from the layer here. */
export async function wasRemoved(db: DB, layerId: number, uri: string): Promise<boolean> {
  return (await db.selectFrom('fed_removed').select('layer_id').where('layer_id', '=', layerId).where('remote_uri', '=', uri).executeTakeFirst()) !== undefined;
}

export async function replyByRemoteUri(db: DB, uri: string) {
  return db.selectFrom('reply').selectAll().where('remote_uri', '=', uri).executeTakeFirst();
}

/** A group's posts now published (not deleted there), newest first, a page at a time after `afterKey` (`updated_at|kind|id`). */
export async function publishedOfGroup(db: DB, groupId: number, limit: number, before: { updated_at: string; item_kind: string; item_id: number } | null) {
  // Answers sent into threads elsewhere (`sent_to`) are not the group's own posts.
  let query = db.selectFrom('fed_object').selectAll().where('group_id', '=', groupId).where('deleted', '=', 0).where('sent_to', 'is', null);
  if (before !== null) {
    query = query.where((eb) =>
      eb.or([
        eb('updated_at', '<', before.updated_at),
        eb.and([eb('updated_at', '=', before.updated_at), eb('item_kind', '<', before.item_kind as 'gloss' | 'reply')]),
        eb.and([eb('updated_at', '=', before.updated_at), eb('item_kind', '=', before.item_kind as 'gloss' | 'reply'), eb('item_id', '<', before.item_id)]),
      ]),
    );
  }
  return query.orderBy('updated_at', 'desc').orderBy('item_kind', 'desc').orderBy('item_id', 'desc').limit(limit).execute();
}

export async function publishedCountOfGroup(db: DB, groupId: number): Promise<number> {
  const row = await db
    .selectFrom('fed_object')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .where('deleted', '=', 0)
    .where('sent_to', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What NodeInfo counts: accounts of this server, and its posts now published elsewhere. */
export async function nodeUsage(db: DB): Promise<{ users: number; glosses: number; replies: number }> {
  const users = await db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).where('actor_uri', 'is', null).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  const posts = await db.selectFrom('fed_object').select(['item_kind', (eb) => eb.fn.countAll<number>().as('n')]).where('deleted', '=', 0).groupBy('item_kind').execute();
  const count = (kind: string) => Number(posts.find((p) => p.item_kind === kind)?.n ?? 0);
  return { users: Number(users.n), glosses: count('gloss'), replies: count('reply') };
}

/** Posts still published for a group that no longer federates (or is no longer public): they must be deleted where they went. */
export async function publishedOfClosedGroups(db: DB, limit: number): Promise<{ item_kind: 'gloss' | 'reply'; item_id: number }[]> {
  return db
    .selectFrom('fed_object as o')
    .innerJoin('reading_group as g', 'g.id', 'o.group_id')
    .where('o.deleted', '=', 0)
    .where((eb) => eb.or([eb('g.federated', '=', 0), eb('g.visibility', '!=', 'public')]))
    .select(['o.item_kind', 'o.item_id'])
    .orderBy('o.item_kind')
    .orderBy('o.item_id')
    .limit(limit)
    .execute();
}
