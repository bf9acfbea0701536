/**
 * Personal invitations and the notification that carries one (docs/notifications.md §1,
 * `invited`): an invitation may name the one person who may use it (`invitee_id`), and a
 * notification may be about an invitation rather than a post — so its text and gloss become
 * optional, and it gains the invitation and the link (`/invite/TOKEN`) its recipient follows.
 * SQLite cannot drop a NOT NULL, so the notification table is built anew and its rows copied.
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitation').addColumn('invitee_id', 'integer', (c) => c.references('user.id').onDelete('cascade')).execute();
  await db.schema
    .createTable('notification_v2')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('user.id').onDelete('cascade'))
    .addColumn('text_id', 'integer', (c) => c.references('text.id').onDelete('cascade'))
    .addColumn('gloss_id', 'integer', (c) => c.references('gloss.id').onDelete('cascade'))
    .addColumn('reply_id', 'integer', (c) => c.references('reply.id').onDelete('cascade'))
    .addColumn('invitation_id', 'integer', (c) => c.references('invitation.id').onDelete('cascade'))
    .addColumn('link', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await sql`INSERT INTO notification_v2 (id, recipient_id, kind, actor_id, text_id, gloss_id, reply_id, created_at, read_at)
    SELECT id, recipient_id, kind, actor_id, text_id, gloss_id, reply_id, created_at, read_at FROM notification`.execute(db);
  await db.schema.dropTable('notification').execute();
  await db.schema.alterTable('notification_v2').renameTo('notification').execute();
  await db.schema.createIndex('notification_recipient').on('notification').columns(['recipient_id', 'id']).execute();
  await db.schema.createIndex('notification_gloss').on('notification').column('gloss_id').execute();
  await db.schema.createIndex('notification_reply').on('notification').column('reply_id').execute();
  await db.schema.createIndex('notification_invitation').on('notification').column('invitation_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('notification').where('kind', '=', 'invited').execute();
  await db.schema.dropIndex('notification_invitation').execute();
  await db.schema.alterTable('notification').dropColumn('link').execute();
  await db.schema.alterTable('notification').dropColumn('invitation_id').execute();
  await db.schema.alterTable('invitation').dropColumn('invitee_id').execute();
}
