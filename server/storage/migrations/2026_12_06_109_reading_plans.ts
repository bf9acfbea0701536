/**
 * Reading plans: one a group, naming the text it reads and the schedule as the group's
 * moderators set it (JSON: dated passages, or a pace). The passages are expanded from it when
 * the plan is read, over the text's current segments. A plan goes with its group or its text.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reading_plan')
    .addColumn('group_id', 'integer', (c) => c.primaryKey().references('reading_group.id').onDelete('cascade'))
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('set_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reading_plan_text').on('reading_plan').column('text_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reading_plan').execute();
}
