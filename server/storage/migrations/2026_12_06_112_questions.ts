/**
 * Questions that get answered (docs/deliberation.md): a reply may say how it stands to what it
 * answers (`stance`: answers, supports, objects), and a question (a gloss whose motivation is
 * `questioning`) may have one accepted answer. An accepted reply deleted outright leaves the
 * question open again.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reply').addColumn('stance', 'text').execute();
  await db.schema.alterTable('gloss').addColumn('accepted_reply_id', 'integer', (c) => c.references('reply.id').onDelete('set null')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gloss').dropColumn('accepted_reply_id').execute();
  await db.schema.alterTable('reply').dropColumn('stance').execute();
}
