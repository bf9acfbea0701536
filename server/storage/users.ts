/** SQL for people, their sessions and their API tokens. Returns rows; no rules here. */
import type { DB, TokenScope, UserRow } from './database.ts';

export async function insertUser(
  db: DB,
  row: { handle: string; display_name: string; password_hash: string; created_at: string },
): Promise<UserRow> {
  return db
    .insertInto('user')
    .values({ ...row, handle_key: row.handle.toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByHandle(db: DB, handle: string): Promise<UserRow | undefined> {
  return db.selectFrom('user').selectAll().where('handle_key', '=', handle.toLowerCase()).executeTakeFirst();
}

/** Replaces a user's password hash (a re-hash at a higher cost). */
export async function setPasswordHash(db: DB, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Sets a user's display name. */
export async function setDisplayName(db: DB, userId: number, displayName: string): Promise<void> {
  await db.updateTable('user').set({ display_name: displayName }).where('id', '=', userId).execute();
}

/** Changes columns of a user's row. */
export async function updateUser(db: DB, userId: number, changes: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await db.updateTable('user').set(changes).where('id', '=', userId).execute();
}

/** Ends a user's sessions, all of them or all but the one hashed `keep`; returns how many ended. */
export async function deleteSessionsOf(db: DB, userId: number, keep: string | null = null): Promise<number> {
  let query = db.deleteFrom('session').where('user_id', '=', userId);
  if (keep !== null) query = query.where('token_hash', '!=', keep);
  const [result] = await query.execute();
  return Number(result.numDeletedRows);
}

export async function findUserById(db: DB, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSession(db: DB, row: { user_id: number; token_hash: string; created_at: string; expires_at: string; user_agent: string | null }) {
  await db.insertInto('session').values({ ...row, last_seen_at: row.created_at }).execute();
}

/** A user's sessions that have not expired at `now`, newest first. */
export async function listSessions(db: DB, userId: number, now: string) {
  return db
    .selectFrom('session')
    .select(['id', 'token_hash', 'created_at', 'expires_at', 'user_agent', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .execute();
}

/** Ends one of a user's sessions by its id; false if there is no such session of theirs. */
export async function deleteSessionById(db: DB, userId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom('session').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records that a session was used, at most once per `since`. */
export async function touchSession(db: DB, tokenHash: string, now: string, since: string): Promise<void> {
  await db
    .updateTable('session')
    .set({ last_seen_at: now })
    .where('token_hash', '=', tokenHash)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', since)]))
    .execute();
}

/** The holder of a session that has not expired at `now`, with when the session was last used. */
export async function findUserBySession(db: DB, tokenHash: string, now: string): Promise<(UserRow & { last_used: string | null }) | undefined> {
  return db
    .selectFrom('session as s')
    .innerJoin('user as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select('s.last_seen_at as last_used')
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: DB, tokenHash: string): Promise<void> {
  await db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
}

export async function insertApiToken(
  db: DB,
  row: { user_id: number; name: string; token_hash: string; scope: TokenScope; created_at: string; expires_at: string | null },
) {
  return db.insertInto('api_token').values(row).returning(['id', 'name', 'scope', 'created_at', 'expires_at']).executeTakeFirstOrThrow();
}

/** The holder of a token that has not expired at `now`, with the token's id and scope, and when it was last used. */
export async function findUserByApiToken(
  db: DB,
  tokenHash: string,
  now: string,
): Promise<(UserRow & { token_id: number; token_scope: TokenScope; last_used: string | null }) | undefined> {
  return db
    .selectFrom('api_token as k')
    .innerJoin('user as u', 'u.id', 'k.user_id')
    .selectAll('u')
    .select(['k.id as token_id', 'k.scope as token_scope', 'k.last_used_at as last_used'])
    .where('k.token_hash', '=', tokenHash)
    .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', now)]))
    .executeTakeFirst();
}

export async function listApiTokens(db: DB, userId: number) {
  return db
    .selectFrom('api_token')
    .select(['id', 'name', 'scope', 'created_at', 'expires_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

export async function deleteApiToken(db: DB, userId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom('api_token').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every API token of a user. */
export async function deleteApiTokensOf(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('api_token').where('user_id', '=', userId).execute();
}

/** Records that a token was used, at most once per `since` (so a busy script does not write on every request). */
export async function touchApiToken(db: DB, tokenHash: string, now: string, since: string): Promise<void> {
  await db
    .updateTable('api_token')
    .set({ last_used_at: now })
    .where('token_hash', '=', tokenHash)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', since)]))
    .execute();
}

/** A person's e-mail columns: the address, when it was confirmed, and the pending link. */
export interface EmailState {
  email: string | null;
  email_verified_at: string | null;
  email_token_hash: string | null;
  email_token_expires_at: string | null;
}

/** A person's handle, name, e-mail state and digest choice. */
export async function findAccount(db: DB, userId: number) {
  return db.selectFrom('user').select(['handle', 'display_name', 'email', 'email_verified_at', 'digest']).where('id', '=', userId).executeTakeFirstOrThrow();
}

/** Sets a person's e-mail columns. */
export async function setEmailState(db: DB, userId: number, state: EmailState): Promise<void> {
  await db.updateTable('user').set(state).where('id', '=', userId).execute();
}

/** The person a pending confirmation link (by its hash) belongs to, if it has not expired at `now`. */
export async function findUserByEmailToken(db: DB, tokenHash: string, now: string) {
  return db
    .selectFrom('user')
    .select(['id', 'handle', 'email'])
    .where('email_token_hash', '=', tokenHash)
    .where('email_token_expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * The live accounts whose confirmed address is `email`, compared without regard to ASCII case
 * (`lower(email)`, the expression the index `user_email_key` is built on). More than one account
 * may have confirmed the same address.
 */
export async function findVerifiedUsersByEmail(db: DB, email: string) {
  return db
    .selectFrom('user')
    .select(['id', 'handle', 'display_name', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** Sets (or, with nulls, clears) a person's pending password-reset link: its hash and when it stops working. */
export async function setResetToken(db: DB, userId: number, tokenHash: string | null, expiresAt: string | null): Promise<void> {
  await db.updateTable('user').set({ reset_token_hash: tokenHash, reset_token_expires_at: expiresAt }).where('id', '=', userId).execute();
}

/** The live account a pending password-reset link (by its hash) belongs to, if it has not expired at `now`. */
export async function findUserByResetToken(db: DB, tokenHash: string, now: string) {
  return db
    .selectFrom('user')
    .select(['id', 'handle'])
    .where('reset_token_hash', '=', tokenHash)
    .where('reset_token_expires_at', '>', now)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Sets a new password hash and clears the reset link in one statement, only if the link (by its
 * hash) is still the account's and has not expired at `now`: false when another use of it got
 * there first, so a link works once even when two requests race.
 */
export async function consumeResetToken(db: DB, userId: number, tokenHash: string, now: string, passwordHash: string): Promise<boolean> {
  const result = await db
    .updateTable('user')
    .set({ password_hash: passwordHash, reset_token_hash: null, reset_token_expires_at: null })
    .where('id', '=', userId)
    .where('reset_token_hash', '=', tokenHash)
    .where('reset_token_expires_at', '>', now)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
