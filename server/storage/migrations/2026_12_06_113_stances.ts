/**
 * Stances on a reading (docs/deliberation.md §2): a member who may reply may agree with a gloss,
 * disagree (with a reason), or abstain; one stance per person and gloss, taken back by deleting it.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gloss_stance')
    .addColumn('gloss_id', 'integer', (c) => c.notNull().references('gloss.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('stance', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gloss_stance_pk', ['gloss_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('gloss_stance').execute();
}
