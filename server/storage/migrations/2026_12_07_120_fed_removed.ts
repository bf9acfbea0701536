/**
 * Posts from elsewhere deleted here (docs/federation.md §6 and §7): a reply from Mastodon in a
 * thread here, a gloss or reply of a followed group's mirror. Once its row is gone, nothing here
 * would tell its Note delivered again (a retry after Fedify's idempotence window, a relay, the
 * outbox read when a group follows again) from a new one; this remembers, per layer, each Note
 * deleted from it, and what comes in checks it.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('fed_removed')
    .addColumn('layer_id', 'integer', (c) => c.notNull().references('layer.id').onDelete('cascade'))
    .addColumn('remote_uri', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fed_removed_pk', ['layer_id', 'remote_uri'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fed_removed').execute();
}
