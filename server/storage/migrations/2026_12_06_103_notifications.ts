/**
 * Notifications (docs/notifications.md): what a person is told of — a reply to them, a comment on
 * their gloss, a mention, a post waiting for them as a moderator, their post approved or hidden.
 * Each row names the post it is about; whether the recipient may still read that post is decided
 * when the row is read, never stored. Rows go with their recipient, their actor, their post or
 * their group.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notification')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('user.id').onDelete('cascade'))
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('gloss_id', 'integer', (c) => c.notNull().references('gloss.id').onDelete('cascade'))
    .addColumn('reply_id', 'integer', (c) => c.references('reply.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notification_recipient').on('notification').columns(['recipient_id', 'id']).execute();
  await db.schema.createIndex('notification_gloss').on('notification').column('gloss_id').execute();
  await db.schema.createIndex('notification_reply').on('notification').column('reply_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification').execute();
}
