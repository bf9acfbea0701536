/**
 * Parallel texts (README, "The API"): a text paired with its translation, whose segments are
 * matched by ref, so the page can show the translation beside it.
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('text_parallel')
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('parallel_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('text_parallel_pk', ['text_id', 'parallel_id'])
    .addCheckConstraint('text_parallel_not_itself', sql`text_id <> parallel_id`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('text_parallel').execute();
}
