/**
 * An optional e-mail address per account (README, "Accounts"): the address, when it was
 * confirmed (null until its owner follows the link mailed to it; no other mail goes to an
 * unconfirmed address), and the pending confirmation — the SHA-256 of the link's secret and when
 * it stops working.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user').addColumn('email', 'text').execute();
  await db.schema.alterTable('user').addColumn('email_verified_at', 'text').execute();
  await db.schema.alterTable('user').addColumn('email_token_hash', 'text').execute();
  await db.schema.alterTable('user').addColumn('email_token_expires_at', 'text').execute();
  await db.schema.createIndex('user_email_token').on('user').column('email_token_hash').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('user_email_token').execute();
  for (const column of ['email_token_expires_at', 'email_token_hash', 'email_verified_at', 'email']) {
    await db.schema.alterTable('user').dropColumn(column).execute();
  }
}
