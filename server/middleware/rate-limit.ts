/**
 * Limits how fast one person may write: every unsafe API request by a signed-in person counts,
 * and past the limit the answer is 429 with Retry-After, before any work is done.
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 429 `rate_limited` once the viewer has written too often in the window. */
export function limitWrites(): MiddlewareHandler<AppEnv> {
  return async function limitWrites(c, next) {
    const viewer = c.var.viewer;
    if (viewer && !safeMethods.has(c.req.method)) {
      const wait = await c.var.ctx.writeThrottle.take(`w:${viewer.id}`);
      if (wait > 0) {
        throw new AppError('rate_limited', 429, `You are writing too fast; try again in ${wait} s`, { 'Retry-After': String(wait) });
      }
    }
    await next();
  };
}
