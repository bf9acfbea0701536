/**
 * Rate limits counted in the database, so that every process behind one address shares them
 * (docs/postgres.md §7): `limit_hit` holds one row per allowed event of a sliding window (a
 * sign-up, a write, a reset request), `login_failure` the failed log-ins of a handle, and of a
 * handle from an address, with the moment of the last. The first migration written for both
 * dialects: Kysely's schema builder, portable types.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('limit_hit')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('limit_hit_key_at').on('limit_hit').columns(['key', 'at']).execute();
  await db.schema.createIndex('limit_hit_at').on('limit_hit').column('at').execute();
  await db.schema
    .createTable('login_failure')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('last', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failure_last').on('login_failure').column('last').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failure').execute();
  await db.schema.dropTable('limit_hit').execute();
}
