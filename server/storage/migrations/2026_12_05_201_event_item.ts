/**
 * Indexes the event log by the post an event is about, so that replaying the log can find each
 * post's newest event (and send its state as it is now) without reading a text's whole log.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('event_item').on('event').columns(['item_kind', 'item_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('event_item').execute();
}
