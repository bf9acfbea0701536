/**
 * Read-first layers (docs/deliberation.md §4): a layer may ask its members to write their own
 * reading before they see the others'. Until they have a gloss of their own in it, a member sees
 * there only their own glosses; moderators always see all.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').addColumn('read_first', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('layer').dropColumn('read_first').execute();
}
