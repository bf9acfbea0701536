/**
 * Read state (docs/notifications.md §5): when a person last read each text. A gloss or reply by
 * someone else, written after that moment (or, on a text never read, after the person's account
 * was made), is new to them.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('text_read')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('text_read_pk', ['user_id', 'text_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('text_read').execute();
}
