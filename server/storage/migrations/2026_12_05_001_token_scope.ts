/**
 * Gives bearer tokens a scope and an expiry: a `full` token acts as its holder in everything
 * (scripts), an `embed` token only reads and writes its holder's own glosses and replies, and
 * runs out. Tokens made before this had no scope: they stay `full`, without an expiry.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_token').addColumn('scope', 'text', (c) => c.notNull().defaultTo('full')).execute();
  await db.schema.alterTable('api_token').addColumn('expires_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_token').dropColumn('expires_at').execute();
  await db.schema.alterTable('api_token').dropColumn('scope').execute();
}
