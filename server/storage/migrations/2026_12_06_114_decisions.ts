/**
 * Decisions (docs/deliberation.md §3): a moderator of a layer's group (or a personal layer's
 * owner) records what was decided about a gloss — a statement, the reading adopted, when to look
 * again — and the dissent as it stood then (every disagreeing stance with its reason, copied, so
 * later changes of mind do not rewrite it). A later decision supersedes an earlier one; all are kept.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('decision')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('gloss_id', 'integer', (c) => c.notNull().references('gloss.id').onDelete('cascade'))
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('adopted_kind', 'text')
    .addColumn('adopted_id', 'integer')
    .addColumn('decided_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('review_on', 'text')
    .addColumn('dissent', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decision_gloss').on('decision').columns(['gloss_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('decision').execute();
}
