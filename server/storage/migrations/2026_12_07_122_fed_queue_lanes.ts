/**
 * Fedify's queue hands out several messages at once (docs/federation.md §3), but never two of one
 * lane: each message names its lane when it is queued (a delivery, the inbox it goes to; an
 * activity received, its sender's server), so one server's deliveries still arrive in the
 * order they were made, a Delete after its Create. Messages queued before this have the lane ''.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('fed_queue').addColumn('lane', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('fed_queue_lane').on('fed_queue').columns(['lane', 'leased_until']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('fed_queue_lane').execute();
  await db.schema.alterTable('fed_queue').dropColumn('lane').execute();
}
