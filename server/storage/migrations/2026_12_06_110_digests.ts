/**
 * E-mail digests (docs/notifications.md, "Digests"): each account chooses `digest` (`off`, the
 * default, `daily` or `weekly`), and `digest_checked_at` records when its digest was last looked
 * at, whether or not anything was new enough to mail. A digest's one-click unsubscribe links
 * (RFC 8058) are kept as SHA-256 hashes of their secrets, one row per mailed digest, going with
 * their account. Indexes find posts by when they were written (what is new) and by their author
 * (the texts a person wrote on, which they follow).
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('user')
    .addColumn('digest', 'text', (c) => c.notNull().defaultTo('off').check(sql`digest IN ('off', 'daily', 'weekly')`))
    .execute();
  await db.schema.alterTable('user').addColumn('digest_checked_at', 'text').execute();
  await db.schema
    .createTable('unsubscribe_link')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('unsubscribe_link_user').on('unsubscribe_link').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('gloss_created').on('gloss').column('created_at').execute();
  await db.schema.createIndex('reply_created').on('reply').column('created_at').execute();
  await db.schema.createIndex('gloss_author').on('gloss').columns(['author_id', 'text_id']).execute();
  await db.schema.createIndex('reply_author').on('reply').columns(['author_id', 'gloss_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reply_author').execute();
  await db.schema.dropIndex('gloss_author').execute();
  await db.schema.dropIndex('reply_created').execute();
  await db.schema.dropIndex('gloss_created').execute();
  await db.schema.dropTable('unsubscribe_link').execute();
  await db.schema.alterTable('user').dropColumn('digest_checked_at').execute();
  await db.schema.alterTable('user').dropColumn('digest').execute();
}
