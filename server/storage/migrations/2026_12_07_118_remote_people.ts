/**
 * People and replies from other servers (docs/federation.md §6). A person elsewhere who replies
 * into a thread here becomes a "remote" account: `user.actor_uri` names their actor (unique; null
 * for local accounts), `user.profile_url` their page there; their handle is `name@host`, which no
 * local handle can be, and their password is locked. A reply from elsewhere keeps the id of its
 * Note there (`reply.remote_uri`, unique), so the same Note is stored once and its Update and
 * Delete find it, and how it was addressed there (`reply.remote_audience`: public, unlisted,
 * followers or direct).
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user').addColumn('actor_uri', 'text').execute();
  await db.schema.alterTable('user').addColumn('profile_url', 'text').execute();
  await db.schema.createIndex('user_actor_uri').unique().on('user').column('actor_uri').execute();
  await db.schema.alterTable('reply').addColumn('remote_uri', 'text').execute();
  await db.schema.alterTable('reply').addColumn('remote_audience', 'text').execute();
  await db.schema.createIndex('reply_remote_uri').unique().on('reply').column('remote_uri').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reply_remote_uri').execute();
  await db.schema.alterTable('reply').dropColumn('remote_audience').execute();
  await db.schema.alterTable('reply').dropColumn('remote_uri').execute();
  await db.schema.dropIndex('user_actor_uri').execute();
  await db.schema.alterTable('user').dropColumn('profile_url').execute();
  await db.schema.alterTable('user').dropColumn('actor_uri').execute();
}
