/**
 * Accounts: sign-up, log-in with throttling, cookie sessions, and bearer tokens for scripts.
 * Secrets are 32 random bytes; only their SHA-256 is stored, so a copy of the database does
 * not let anyone in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { DB, TokenScope, UserRow } from '../storage/database.ts';
import * as users from '../storage/users.ts';
import { defaultPasswordCost, hashPassword, needsRehash, verifyPassword, type PasswordCost } from './passwords.ts';
import { membershipsOf } from '../storage/groups.ts';
import { isUniqueViolation } from '../storage/dialect.ts';
import type { MembershipInfo, Viewer } from './policy.ts';
import type { LoginGuard } from './login-guard.ts';

/** How long a session cookie lives. */
export const sessionDays = 30;

/**
 * Fixed hashes to verify against when the handle is unknown, one per cost, so that timing does
 * not tell an unknown handle from a wrong password.
 */
const decoyHashes = new Map<string, Promise<string>>();

function decoyHash(cost: PasswordCost): Promise<string> {
  const key = `${cost.N}$${cost.r}$${cost.p}`;
  let hash = decoyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), cost);
    decoyHashes.set(key, hash);
  }
  return hash;
}

/** SHA-256 of a secret, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * How a request proved who it is: a session cookie or a bearer token, by the SHA-256 of its
 * secret. A live event stream keeps it, to ask again, as it sends, whether it still holds.
 */
export interface Credential {
  kind: 'session' | 'token';
  hash: string;
}

/** The viewer form of a user row, with their group memberships; `token` when a bearer token was used. */
export async function toViewer(db: DB, user: UserRow, token?: { id: number; scope: TokenScope }): Promise<Viewer> {
  const rows = await membershipsOf(db, user.id);
  const memberships = new Map<number, MembershipInfo>(rows.map((m) => [m.group_id, { role: m.role, state: m.state }]));
  return { id: user.id, handle: user.handle, displayName: user.display_name, memberships, scope: token?.scope ?? 'full', tokenId: token?.id ?? null };
}

/** Creates an account, its password hashed at `cost`; 409 `handle_taken` if the handle exists in any case. */
export async function signup(
  db: DB,
  input: { handle: string; password: string; displayName?: string },
  cost: PasswordCost = defaultPasswordCost,
): Promise<Viewer> {
  if (await users.findUserByHandle(db, input.handle)) {
    throw new AppError('handle_taken', 409, `The handle "${input.handle}" is taken`);
  }
  const password_hash = await hashPassword(input.password, cost);
  try {
    const user = await users.insertUser(db, {
      handle: input.handle,
      display_name: input.displayName?.trim() || input.handle,
      password_hash,
      created_at: new Date().toISOString(),
    });
    return toViewer(db, user);
  } catch (e) {
    // Two sign-ups racing for one handle: the unique index decides.
    if (isUniqueViolation(e)) throw new AppError('handle_taken', 409, `The handle "${input.handle}" is taken`);
    throw e;
  }
}

/**
 * Checks a handle and password. Failures count against the handle from that address (see
 * LoginGuard): an address that keeps failing waits longer and longer, answered with 429 and
 * Retry-After whether or not the password is right, while a right password from an address
 * that has not failed for this handle always gets in. A password stored at a lower cost than
 * `cost` is re-hashed at `cost` once it has been checked.
 */
export async function login(
  db: DB,
  guard: LoginGuard,
  input: { handle: string; password: string; address: string },
  cost: PasswordCost = defaultPasswordCost,
): Promise<Viewer> {
  const wait = await guard.retryAfter(input.handle, input.address);
  if (wait > 0) {
    throw new AppError('too_many_attempts', 429, `Too many failed log-ins; try again in ${wait} s`, {
      'Retry-After': String(wait),
    });
  }
  const user = await users.findUserByHandle(db, input.handle);
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash(cost)));
  if (!user || !ok) {
    await guard.fail(input.handle, input.address);
    throw new AppError('bad_credentials', 401, 'Wrong handle or password');
  }
  await guard.succeed(input.handle, input.address);
  if (needsRehash(user.password_hash, cost)) await users.setPasswordHash(db, user.id, await hashPassword(input.password, cost));
  return toViewer(db, user);
}

/** Changes the person's display name; returns them as they now are. */
export async function updateProfile(db: DB, viewer: Viewer, input: { displayName: string }) {
  await users.setDisplayName(db, viewer.id, input.displayName);
  return { handle: viewer.handle, name: input.displayName };
}

/**
 * Changes a password, given the current one. A wrong current password counts against the
 * handle from that address as a failed log-in does (so it cannot be guessed here instead), and
 * answers 403 `wrong_password`. Every other session of the person ends (`keepSession`, the hash
 * of the one asking, stays): whoever knew the old password is signed out. Tokens stay; the account
 * page lists them to revoke.
 */
export async function changePassword(
  db: DB,
  guard: LoginGuard,
  viewer: Viewer,
  input: { current: string; password: string; address: string; keepSession: string | null },
  cost: PasswordCost = defaultPasswordCost,
): Promise<{ endedSessions: number }> {
  await checkPassword(db, guard, viewer, input.current, input.address);
  await users.setPasswordHash(db, viewer.id, await hashPassword(input.password, cost));
  return { endedSessions: await users.deleteSessionsOf(db, viewer.id, input.keepSession) };
}

/** 429 while the address waits for this handle; 403 `wrong_password` (counted as a failure) unless `password` is the person's. */
export async function checkPassword(db: DB, guard: LoginGuard, viewer: Viewer, password: string, address: string): Promise<void> {
  const wait = await guard.retryAfter(viewer.handle, address);
  if (wait > 0) {
    throw new AppError('too_many_attempts', 429, `Too many wrong passwords; try again in ${wait} s`, { 'Retry-After': String(wait) });
  }
  const user = (await users.findUserById(db, viewer.id))!;
  if (!(await verifyPassword(password, user.password_hash))) {
    await guard.fail(viewer.handle, address);
    throw new AppError('wrong_password', 403, 'Your current password is not right');
  }
  await guard.succeed(viewer.handle, address);
}

/** Ends every session of the person, the one asking included ("sign out everywhere"). */
export async function endAllSessions(db: DB, viewer: Viewer): Promise<{ endedSessions: number }> {
  return { endedSessions: await users.deleteSessionsOf(db, viewer.id) };
}

/** Starts a session and returns its secret for the cookie; `userAgent` names the browser on the account page. */
export async function createSession(db: DB, userId: number, userAgent: string | null = null): Promise<string> {
  const secret = newSecret('');
  const now = new Date();
  const expires = new Date(now.getTime() + sessionDays * 86_400_000);
  await users.insertSession(db, {
    user_id: userId,
    token_hash: hashSecret(secret),
    created_at: now.toISOString(),
    expires_at: expires.toISOString(),
    user_agent: userAgent ? userAgent.slice(0, 300) : null,
  });
  return secret;
}

/**
 * The person's live sessions, newest first: when each began and was last used, the browser that
 * began it (its User-Agent, as it said), and which one is asking (`current`, by `currentHash`, the
 * hash of the asking cookie's secret). No secret or hash leaves.
 */
export async function listSessions(db: DB, viewer: Viewer, currentHash: string | null) {
  const rows = await users.listSessions(db, viewer.id, new Date().toISOString());
  return rows.map((r) => ({
    id: r.id,
    created: r.created_at,
    lastSeen: r.last_seen_at,
    expires: r.expires_at,
    userAgent: r.user_agent,
    current: r.token_hash === currentHash,
  }));
}

/** Ends one of the person's sessions (another browser, or this one); 404 if it is not theirs. */
export async function endSessionById(db: DB, viewer: Viewer, id: number): Promise<void> {
  if (!(await users.deleteSessionById(db, viewer.id, id))) throw new AppError('not_found', 404, 'Session not found');
}

/** Ends a session (no error if it is unknown). */
export async function endSession(db: DB, secret: string): Promise<void> {
  await users.deleteSession(db, hashSecret(secret));
}

/** The credential of a session cookie's secret. */
export function sessionCredential(secret: string): Credential {
  return { kind: 'session', hash: hashSecret(secret) };
}

/** The credential of a bearer token's secret. */
export function tokenCredential(secret: string): Credential {
  return { kind: 'token', hash: hashSecret(secret) };
}

/**
 * The viewer a credential stands for now, with their memberships as they are now; null when the
 * session ended or expired, or the token was revoked or expired.
 */
export async function viewerForCredential(db: DB, credential: Credential): Promise<Viewer | null> {
  return (await credentialHolder(db, credential))?.viewer ?? null;
}

/** The viewer of a credential and when the credential was last used, or null. */
async function credentialHolder(db: DB, credential: Credential): Promise<{ viewer: Viewer; lastUsed: string | null } | null> {
  const now = new Date().toISOString();
  if (credential.kind === 'session') {
    const user = await users.findUserBySession(db, credential.hash, now);
    return user ? { viewer: await toViewer(db, user), lastUsed: user.last_used } : null;
  }
  const user = await users.findUserByApiToken(db, credential.hash, now);
  return user ? { viewer: await toViewer(db, user, { id: user.token_id, scope: user.token_scope }), lastUsed: user.last_used } : null;
}

/** The viewer of a session cookie, or null; records that the session was used. */
export function viewerForSession(db: DB, secret: string): Promise<Viewer | null> {
  return viewerRecordingUse(db, sessionCredential(secret), users.touchSession);
}

/** The viewer of a bearer token, or null; records that the token was used. */
export function viewerForToken(db: DB, secret: string): Promise<Viewer | null> {
  return viewerRecordingUse(db, tokenCredential(secret), users.touchApiToken);
}

/**
 * The viewer of a credential, its "last used" refreshed through `touch` when it is stale: only
 * then, so a request that reads does not write on every call.
 */
async function viewerRecordingUse(db: DB, credential: Credential, touch: (db: DB, hash: string, now: string, since: string) => Promise<void>) {
  const holder = await credentialHolder(db, credential);
  if (!holder) return null;
  const now = Date.now();
  const since = new Date(now - tokenTouchMs).toISOString();
  if (holder.lastUsed === null || holder.lastUsed < since) await touch(db, credential.hash, new Date(now).toISOString(), since);
  return holder.viewer;
}

/** How stale a token's or session's "last used" may get before a request refreshes it. */
const tokenTouchMs = 60_000;

/**
 * How long an `embed` token lives. It sits in another site's storage, so it runs out even if the
 * reader never signs out there; they connect again from the widget.
 */
export const embedTokenDays = 30;

/**
 * Creates a named bearer token; the secret is shown once, here. Only a full credential may make
 * one (an embed token is refused before it gets here), so a token can never mint a wider one.
 */
export async function createToken(db: DB, viewer: Viewer, input: { name: string; scope?: TokenScope }) {
  const secret = newSecret('daf_');
  const scope = input.scope ?? 'full';
  const now = new Date();
  const row = await users.insertApiToken(db, {
    user_id: viewer.id,
    name: input.name,
    token_hash: hashSecret(secret),
    scope,
    created_at: now.toISOString(),
    expires_at: scope === 'embed' ? new Date(now.getTime() + embedTokenDays * 86_400_000).toISOString() : null,
  });
  return { id: row.id, name: row.name, scope: row.scope, created: row.created_at, expires: row.expires_at, token: secret };
}

/** The viewer's tokens, without secrets. */
export async function listTokens(db: DB, viewer: Viewer) {
  const rows = await users.listApiTokens(db, viewer.id);
  return rows.map((r) => ({ id: r.id, name: r.name, scope: r.scope, created: r.created_at, expires: r.expires_at, lastUsed: r.last_used_at }));
}

/** Revokes one of the viewer's tokens; 404 if it is not theirs. */
export async function revokeToken(db: DB, viewer: Viewer, id: number): Promise<void> {
  if (!(await users.deleteApiToken(db, viewer.id, id))) throw new AppError('not_found', 404, 'Token not found');
}

/**
 * The account that owns what the command line creates (imports, the demo). Created on first
 * use with a locked password: nobody can log in as it until an operator sets one.
 */
export async function ensureLocalUser(db: DB, handle: string, displayName = handle): Promise<Viewer> {
  const existing = await users.findUserByHandle(db, handle);
  if (existing) return toViewer(db, existing);
  const user = await users.insertUser(db, {
    handle,
    display_name: displayName,
    password_hash: '!locked',
    created_at: new Date().toISOString(),
  });
  return toViewer(db, user);
}
