/**
 * Password reset (README, "Accounts"): a person who forgot their password asks for a link by
 * their confirmed e-mail address. The pending link is kept on the account as the SHA-256 of its
 * secret and when it stops working (an hour after it was asked for); a new request replaces it,
 * and using it clears it. An index on the lower-cased address finds the accounts an address
 * belongs to: the same expression, `lower(email)`, is what `storage/users.ts`
 * `findVerifiedUsersByEmail` compares, so the index serves it.
 * SQLite-only DDL: an index on an expression.
 * Frozen: never import the app's types here.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user').addColumn('reset_token_hash', 'text').execute();
  await db.schema.alterTable('user').addColumn('reset_token_expires_at', 'text').execute();
  await db.schema.createIndex('user_reset_token').on('user').column('reset_token_hash').execute();
  await db.schema.createIndex('user_email_key').on('user').expression(sql`lower(email)`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('user_email_key').execute();
  await db.schema.dropIndex('user_reset_token').execute();
  await db.schema.alterTable('user').dropColumn('reset_token_expires_at').execute();
  await db.schema.alterTable('user').dropColumn('reset_token_hash').execute();
}
