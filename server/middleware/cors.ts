/**
 * Cross-origin access for embeds and scripts on other sites. Any origin may read and write, but
 * never with cookies: responses say `Access-Control-Allow-Origin: *` and never
 * `Access-Control-Allow-Credentials`, so a browser shows another site only what a visitor may
 * see, or what the person whose bearer token it sends may see. A preflight may ask for the
 * `Authorization` and `Content-Type` headers. A bare OPTIONS request (no
 * `Access-Control-Request-Method`) is not a preflight and goes on to the routes, where the W3C
 * containers answer it and everything else says 404.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './env.ts';

/** How long a browser may keep a preflight's answer, in seconds. */
const preflightMaxAge = 600;

/** The CORS middleware for doors other sites may use. */
export function crossOrigin(): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Last-Event-ID'],
    exposeHeaders: ['Location', 'ETag', 'Retry-After'],
    maxAge: preflightMaxAge,
    credentials: false,
  });
  return async function crossOrigin(c, next) {
    if (c.req.method === 'OPTIONS' && !c.req.header('access-control-request-method')) return next();
    return handler(c, next);
  };
}
