/**
 * Refuses requests addressed to another host than the configured base URL. Once an operator
 * has named the public URL, a request with another Host header is a misdirected one (or a DNS
 * rebinding page): it gets 421 in the JSON error shape before any route runs.
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/** 421 `wrong_host` for any request whose host is not `baseUrl`'s (compared as URLs do: case-free, default port dropped). */
export function onlyHost(baseUrl: string): MiddlewareHandler<AppEnv> {
  const expected = new URL(baseUrl).host;
  return async function onlyHost(c, next) {
    const host = new URL(c.req.url).host;
    if (host !== expected) {
      throw new AppError('wrong_host', 421, `This server answers for ${expected}, not for ${host}`);
    }
    await next();
  };
}
