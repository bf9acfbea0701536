/**
 * Holds a bearer token to its scope. A `full` token (or a session) passes; an `embed` token —
 * the one the embed widget's sign-in popup hands to another site — may read what its holder
 * may read, except the doors about the account itself (tokens, `/api/me`), groups and their
 * moderation; and may write only its holder's own glosses and replies through the REST doors
 * below, or revoke itself (the widget's "Sign out"). Anything else is 403 `insufficient_scope`.
 *
 * The doors are named here, by method and path, so the whole of what such a token may do can be
 * read in one place; that an embed token touches only its holder's own posts (not those a
 * moderator could) is decided in services/policy.ts (`canDeletePost`).
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { isOneClickUnsubscribe } from './auth.ts';
import type { AppEnv } from './env.ts';

/** Reads an embed token may not make: the account, its sessions and tokens, groups (and their moderation), invitations. */
const closedToEmbedReads = /^\/api\/(tokens|sessions|me|groups|invitations)(\/|$)/;

/** Writes an embed token may make: its holder's glosses and replies. */
const embedWrites: readonly { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/texts\/[^/]+\/layers\/[^/]+\/glosses$/ },
  { method: 'PATCH', path: /^\/api\/glosses\/[0-9]+$/ },
  { method: 'DELETE', path: /^\/api\/glosses\/[0-9]+$/ },
  { method: 'POST', path: /^\/api\/glosses\/[0-9]+\/replies$/ },
  { method: 'PATCH', path: /^\/api\/replies\/[0-9]+$/ },
  { method: 'DELETE', path: /^\/api\/replies\/[0-9]+$/ },
];

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** May a request with an embed token (whose id is `tokenId`) go through this door? */
export function embedMayUse(method: string, path: string, tokenId: number | null): boolean {
  // A door that reads no credential at all (a digest's one-click unsubscribe) acts as for anyone.
  if (isOneClickUnsubscribe(method, path)) return true;
  if (safeMethods.has(method)) return !closedToEmbedReads.test(path);
  if (method === 'DELETE' && tokenId !== null && path === `/api/tokens/${tokenId}`) return true;
  return embedWrites.some((door) => door.method === method && door.path.test(path));
}

/** Refuses what the viewer's token scope does not allow (after `authenticate`). */
export function limitScope(): MiddlewareHandler<AppEnv> {
  return async function limitScope(c, next) {
    const viewer = c.var.viewer;
    if (viewer?.scope === 'embed' && !embedMayUse(c.req.method, c.req.path, viewer.tokenId)) {
      throw new AppError(
        'insufficient_scope',
        403,
        "This token was made for an embedded passage: it may read, and write its holder's own glosses and replies, nothing else",
      );
    }
    await next();
  };
}
