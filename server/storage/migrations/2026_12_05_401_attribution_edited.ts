/**
 * Two facts a card shows (README, "The reader"): who wrote an imported gloss (`attribution`:
 * "Bartenura", not the account that imported it), and when a post was last changed by its author
 * (`edited_at`: `updated_at` also moves when a moderator approves or hides it). Posts stored
 * before this have no such record: they show as not edited.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gloss').addColumn('attribution', 'text').execute();
  await db.schema.alterTable('gloss').addColumn('edited_at', 'text').execute();
  await db.schema.alterTable('reply').addColumn('edited_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reply').dropColumn('edited_at').execute();
  await db.schema.alterTable('gloss').dropColumn('edited_at').execute();
  await db.schema.alterTable('gloss').dropColumn('attribution').execute();
}
