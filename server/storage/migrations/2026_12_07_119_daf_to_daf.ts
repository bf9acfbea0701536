/**
 * Daf to Daf (docs/federation.md §7): a group here follows a group on another Daf, and the
 * glosses it publishes on a text both servers hold show here as a read-only layer.
 * - `text.sefaria_ref`: the Sefaria ref a text was imported from (null otherwise), and
 *   `text_version.sha256`: the SHA-256 of a version's plain-text projection (UTF-8, hex). Two
 *   servers match a text by either; existing versions get theirs here.
 * - `layer.remote_uri`: for a layer that mirrors a layer elsewhere, that layer's W3C container;
 *   `gloss.remote_uri`: for a gloss of such a layer, the id of its Note there (once a layer).
 * - `reply.remote_uri` is unique per thread instead of overall: a followed group's reply shows in
 *   the mirror of its gloss in each group here that follows it.
 * - `fed_following`: the groups elsewhere a group here follows, and whether they accepted.
 * - `fed_object.sent_to`, `sent_inbox`: for a reply written here in the thread of a followed
 *   group's gloss, the group there it was sent to, and its inbox (null: the group's followers);
 *   `fed_object.sent_by`: the local actor that sent its Create, who sends its Delete when the
 *   row is gone (servers take a Delete only from the author).
 * Frozen: never import the app's types here.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('text').addColumn('sefaria_ref', 'text').execute();
  await db.schema.alterTable('text_version').addColumn('sha256', 'text').execute();
  await db.schema.createIndex('text_version_sha256').on('text_version').column('sha256').execute();
  // A version at a time: a server with long texts need not hold them all at once.
  let after = 0;
  for (;;) {
    const row = await db.selectFrom('text_version').select(['id', 'projection']).where('id', '>', after).orderBy('id').limit(1).executeTakeFirst();
    if (!row) break;
    const sha256 = createHash('sha256').update(String(row.projection), 'utf8').digest('hex');
    await db.updateTable('text_version').set({ sha256 }).where('id', '=', row.id).execute();
    after = Number(row.id);
  }
  await db.schema.alterTable('layer').addColumn('remote_uri', 'text').execute();
  await db.schema.createIndex('layer_remote_uri').unique().on('layer').columns(['remote_uri', 'group_id']).execute();
  await db.schema.alterTable('gloss').addColumn('remote_uri', 'text').execute();
  await db.schema.createIndex('gloss_remote_uri').unique().on('gloss').columns(['remote_uri', 'layer_id']).execute();
  await db.schema.dropIndex('reply_remote_uri').execute();
  await db.schema.createIndex('reply_remote_uri').unique().on('reply').columns(['remote_uri', 'gloss_id']).execute();
  await db.schema
    .createTable('fed_following')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('reading_group.id').onDelete('cascade'))
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('inbox_uri', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('follow_uri', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fed_following_pk', ['group_id', 'actor_uri'])
    .execute();
  await db.schema.createIndex('fed_following_actor').on('fed_following').column('actor_uri').execute();
  await db.schema.alterTable('fed_object').addColumn('sent_to', 'text').execute();
  await db.schema.alterTable('fed_object').addColumn('sent_inbox', 'text').execute();
  await db.schema.alterTable('fed_object').addColumn('sent_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('fed_object').dropColumn('sent_by').execute();
  await db.schema.alterTable('fed_object').dropColumn('sent_inbox').execute();
  await db.schema.alterTable('fed_object').dropColumn('sent_to').execute();
  await db.schema.dropTable('fed_following').execute();
  await db.schema.dropIndex('reply_remote_uri').execute();
  await db.schema.createIndex('reply_remote_uri').unique().on('reply').column('remote_uri').execute();
  await db.schema.dropIndex('gloss_remote_uri').execute();
  await db.schema.alterTable('gloss').dropColumn('remote_uri').execute();
  await db.schema.dropIndex('layer_remote_uri').execute();
  await db.schema.alterTable('layer').dropColumn('remote_uri').execute();
  await db.schema.dropIndex('text_version_sha256').execute();
  await db.schema.alterTable('text_version').dropColumn('sha256').execute();
  await db.schema.alterTable('text').dropColumn('sefaria_ref').execute();
}
