/**
 * Federation over ActivityPub (docs/federation.md): a group may be followed from elsewhere
 * (`reading_group.federated`), a layer may publish its public glosses (`layer.federation`), and
 * Fedify keeps its state in Daf's own database:
 * - `fed_kv`: Fedify's key-value store (cached remote documents and keys, activity idempotence),
 *   a JSON value per JSON-encoded key, with an optional expiry (milliseconds since the epoch).
 * - `fed_queue`: Fedify's message queue (deliveries to send, inbox activities to handle); a
 *   message is leased by a worker until `leased_until` and deleted only once handled.
 * - `fed_key`: each local actor's key pairs (JWK), generated once and kept.
 * - `fed_follower`: who follows a group from elsewhere, with the inboxes to deliver to.
 * - `fed_object`: what was published of each gloss and reply, so edits go out as Update,
 *   and hides, deletions and a layer closed to visitors as Delete.
 * - `fed_cursor`: how far the publisher has read the event log, and which process holds it.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reading_group').addColumn('federated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('layer').addColumn('federation', 'text', (c) => c.notNull().defaultTo('off')).execute();
  await db.schema
    .createTable('fed_kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('fed_kv_expires_at').on('fed_kv').column('expires_at').execute();
  await db.schema
    .createTable('fed_queue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('leased_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fed_queue_due').on('fed_queue').columns(['not_before', 'created_at']).execute();
  await db.schema
    .createTable('fed_key')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fed_key_pk', ['owner', 'algorithm'])
    .execute();
  await db.schema
    .createTable('fed_follower')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('reading_group.id').onDelete('cascade'))
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('inbox_uri', 'text', (c) => c.notNull())
    .addColumn('shared_inbox_uri', 'text')
    .addColumn('follow_uri', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fed_follower_pk', ['group_id', 'actor_uri'])
    .execute();
  await db.schema
    .createTable('fed_object')
    .addColumn('item_kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fed_object_pk', ['item_kind', 'item_id'])
    .execute();
  await db.schema
    .createTable('fed_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('holder', 'text')
    .addColumn('leased_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['fed_cursor', 'fed_object', 'fed_follower', 'fed_key', 'fed_queue', 'fed_kv']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('layer').dropColumn('federation').execute();
  await db.schema.alterTable('reading_group').dropColumn('federated').execute();
}
