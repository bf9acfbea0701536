/**
 * Reading groups: groups with members and roles, invitations, group-owned texts and layers,
 * moderation (pending and hidden posts, flags, an audit log). Frozen: never import the app's
 * types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reading_group')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('join_policy', 'text', (c) => c.notNull())
    .addColumn('premoderation', 'integer', (c) => c.notNull())
    .addColumn('trust_after', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('membership')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('reading_group.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('approved_posts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('membership_user').on('membership').column('user_id').execute();

  await db.schema
    .createTable('invitation')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('reading_group.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('text').addColumn('group_id', 'integer', (c) => c.references('reading_group.id')).execute();
  await db.schema.alterTable('layer').addColumn('group_id', 'integer', (c) => c.references('reading_group.id')).execute();
  await db.schema.alterTable('layer').addColumn('reply_policy', 'text', (c) => c.notNull().defaultTo('signed_in')).execute();
  for (const table of ['gloss', 'reply']) {
    // Why a moderator hid the post (shown to its author), and the post whose hiding hid this one.
    await db.schema.alterTable(table).addColumn('moderation_note', 'text').execute();
    await db.schema.alterTable(table).addColumn('hidden_with', 'integer').execute();
  }

  await db.schema
    .createTable('flag')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.references('reading_group.id').onDelete('cascade'))
    .addColumn('flagger_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flag_item').on('flag').columns(['kind', 'item_id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('reading_group.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('kind', 'text')
    .addColumn('item_id', 'integer')
    .addColumn('subject_id', 'integer')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_group').on('audit_log').columns(['group_id', 'id']).execute();

  await db.schema.alterTable('event').addColumn('item_kind', 'text').execute();
  await db.schema.alterTable('event').addColumn('item_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('event').dropColumn('item_id').execute();
  await db.schema.alterTable('event').dropColumn('item_kind').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('flag').execute();
  for (const table of ['gloss', 'reply']) {
    await db.schema.alterTable(table).dropColumn('hidden_with').execute();
    await db.schema.alterTable(table).dropColumn('moderation_note').execute();
  }
  await db.schema.alterTable('layer').dropColumn('reply_policy').execute();
  await db.schema.alterTable('layer').dropColumn('group_id').execute();
  await db.schema.alterTable('text').dropColumn('group_id').execute();
  await db.schema.dropTable('invitation').execute();
  await db.schema.dropTable('membership').execute();
  await db.schema.dropTable('reading_group').execute();
}
