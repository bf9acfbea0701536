/**
 * Keeps answers that depend on who asks out of shared caches. Every API and W3C answer varies
 * with the credentials (`Vary: Cookie, Authorization`), so a cache never hands one person's
 * answer to another; and any answer to a request that came with credentials — `/api/me`, a new
 * token's secret, a listing with private content — is `Cache-Control: private, no-store`, so
 * neither a proxy nor the browser's disk keeps it. Visitors' answers keep whatever their route
 * says (an ETag, `no-cache` on a stream).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

/** Marks private answers as such (after `authenticate`, so it knows whether credentials came). */
export function privateAnswers(): MiddlewareHandler<AppEnv> {
  return async function privateAnswers(c, next) {
    await next();
    c.header('Vary', 'Cookie, Authorization', { append: true });
    const credentialed = c.var.viewer != null || c.req.header('authorization') !== undefined || c.req.header('cookie')?.includes('daf_session=');
    if (credentialed) c.header('Cache-Control', 'private, no-store');
  };
}
