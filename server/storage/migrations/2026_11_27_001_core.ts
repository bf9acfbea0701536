/**
 * The core tables: people, texts and their versions, layers, glosses with their anchors,
 * replies, and the event log. Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('handle_key', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('session')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('text')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('license', 'text')
    .addColumn('attribution', 'text')
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('text_version')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('projection', 'text', (c) => c.notNull())
    .addColumn('segments', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('text_version_number', ['text_id', 'number'])
    .execute();

  await db.schema
    .createTable('layer')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('write_policy', 'text', (c) => c.notNull())
    .addColumn('license', 'text')
    .addColumn('attribution', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('layer_text_slug', ['text_id', 'slug'])
    .execute();

  await db.schema
    .createTable('gloss')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('layer_id', 'integer', (c) => c.notNull().references('layer.id').onDelete('cascade'))
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('target_gloss_id', 'integer', (c) => c.references('gloss.id'))
    .addColumn('target_version', 'integer', (c) => c.notNull())
    .addColumn('selectors', 'text', (c) => c.notNull())
    .addColumn('body_doc', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_revision', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('motivation', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gloss_text').on('gloss').columns(['text_id', 'id']).execute();
  await db.schema.createIndex('gloss_layer').on('gloss').columns(['layer_id', 'id']).execute();
  await db.schema.createIndex('gloss_target_gloss').on('gloss').column('target_gloss_id').execute();

  await db.schema
    .createTable('anchor')
    .addColumn('gloss_id', 'integer', (c) => c.notNull().references('gloss.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('start', 'integer')
    .addColumn('end', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('exact', 'text')
    .addPrimaryKeyConstraint('anchor_pk', ['gloss_id', 'version'])
    .execute();

  await db.schema
    .createTable('reply')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('gloss_id', 'integer', (c) => c.notNull().references('gloss.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('reply.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('user.id'))
    .addColumn('body_doc', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reply_gloss').on('reply').columns(['gloss_id', 'id']).execute();

  await db.schema
    .createTable('event')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('text_id', 'integer', (c) => c.notNull().references('text.id').onDelete('cascade'))
    .addColumn('layer_ids', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_text').on('event').columns(['text_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['event', 'reply', 'anchor', 'gloss', 'layer', 'text_version', 'text', 'api_token', 'session', 'user']) {
    await db.schema.dropTable(table).execute();
  }
}
