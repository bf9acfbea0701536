/**
 * Remembers what a post was before a moderator hid it, so that restoring a post hidden while it
 * waited for approval returns it to the queue instead of publishing it. Frozen: never import
 * the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['gloss', 'reply']) {
    await db.schema.alterTable(table).addColumn('hidden_from', 'text').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['gloss', 'reply']) {
    await db.schema.alterTable(table).dropColumn('hidden_from').execute();
  }
}
