/**
 * Storage quotas: each text version records the bytes it takes (document JSON, projection and
 * segment map in UTF-8), filled in here for the versions already stored, and the columns that
 * add an account's usage up are indexed (versions by writer, texts by owner).
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('text_version')
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE text_version SET bytes =
    length(CAST(doc AS BLOB)) + length(CAST(projection AS BLOB)) + length(CAST(segments AS BLOB))`.execute(db);
  await db.schema.createIndex('text_version_created_by').on('text_version').columns(['created_by', 'bytes']).execute();
  await db.schema.createIndex('text_owner').on('text').column('owner_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('text_owner').execute();
  await db.schema.dropIndex('text_version_created_by').execute();
  await db.schema.alterTable('text_version').dropColumn('bytes').execute();
}
