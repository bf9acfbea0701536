/**
 * What the account page shows and does (README, "Accounts"): each session remembers the browser
 * that started it (`user_agent`, as it said) and when it was last used (`last_seen_at`, refreshed
 * at most once a minute), so a person can tell their sessions apart and end one; and an account
 * can be deleted (`deleted_at`): the row stays, emptied, because what others wrote in reply to
 * the person's posts still hangs from it. Sessions started before this show as an unknown browser.
 * Frozen: never import the app's types here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('session').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('session').addColumn('last_seen_at', 'text').execute();
  await db.schema.alterTable('user').addColumn('deleted_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user').dropColumn('deleted_at').execute();
  await db.schema.alterTable('session').dropColumn('last_seen_at').execute();
  await db.schema.alterTable('session').dropColumn('user_agent').execute();
}
