/**
 * Recognises the viewer (bearer token or session cookie) and guards cookie sessions against
 * cross-site requests: every unsafe request that relies on the cookie must come from our own
 * origin (`Origin`, or `Sec-Fetch-Site: same-origin`), or it is a 403 in the JSON error shape.
 * Bearer tokens are not sent by browsers on their own, so they need no origin check.
 *
 * One door is exempt: a digest's one-click unsubscribe, `POST /api/unsubscribe/:token`, which
 * mail programs post from anywhere (RFC 8058). It is not exempted by skipping the check but by
 * reading no credential at all there: the request counts as a visitor's whatever cookie or token
 * it carries, so the door can act only through the secret in its path, and a forged request
 * could do nothing its sender could not do by posting the link themselves.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../errors.ts';
import { sessionCredential, tokenCredential, viewerForSession, viewerForToken } from '../services/auth.ts';
import type { AppEnv } from './env.ts';

/** The session cookie's name. */
export const sessionCookie = 'daf_session';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The one-click unsubscribe door (routes/unsubscribe.ts): a POST here is read as a visitor's. */
const oneClickUnsubscribe = /^\/api\/unsubscribe\/[^/]+$/;

/** Is this the one-click unsubscribe, which uses no credential and so needs no origin? */
export function isOneClickUnsubscribe(method: string, path: string): boolean {
  return method === 'POST' && oneClickUnsubscribe.test(path);
}

/** Sets `viewer` and `authMethod`; a bad bearer token is a 401, a stale cookie is ignored. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const { db } = c.var.ctx;
    if (isOneClickUnsubscribe(c.req.method, c.req.path)) {
      c.set('viewer', null);
      c.set('authMethod', null);
      c.set('credential', null);
      return next();
    }
    const header = c.req.header('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const viewer = m ? await viewerForToken(db, m[1]) : null;
      if (!viewer) throw new AppError('bad_token', 401, 'The bearer token is not valid');
      c.set('viewer', viewer);
      c.set('authMethod', 'bearer');
      c.set('credential', tokenCredential(m![1]));
    } else {
      const secret = getCookie(c, sessionCookie);
      const viewer = secret ? await viewerForSession(db, secret) : null;
      c.set('viewer', viewer);
      c.set('authMethod', viewer ? 'cookie' : null);
      c.set('credential', viewer ? sessionCredential(secret!) : null);
      if (secret && !safeMethods.has(c.req.method)) checkOrigin(c.req.header('origin'), c.req.header('sec-fetch-site'), c.var.baseUrl);
    }
    await next();
  };
}

/** Throws 403 `cross_site` unless the request shows our own origin. */
function checkOrigin(origin: string | undefined, fetchSite: string | undefined, baseUrl: string): void {
  if (origin !== undefined && origin !== 'null') {
    if (origin === new URL(baseUrl).origin) return;
  } else if (fetchSite === 'same-origin') {
    return;
  }
  throw new AppError('cross_site', 403, 'This request must come from a Daf page (Origin check failed)');
}
