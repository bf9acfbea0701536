/**
 * The client's network address, for the log-in guard and the sign-up throttle. By default it
 * is the socket's peer. Behind a reverse proxy every request comes from the proxy, so with
 * `trustProxy` the address is the right-most entry of X-Forwarded-For: the one our proxy
 * appended, the first hop we did not run. Entries to its left were written by the client and
 * can say anything. Only turn it on when every request reaches Daf through that one proxy,
 * or a client talking to Daf directly could name any address it likes.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIP } from 'node:net';

/** The address of the client that sent `c`'s request; see the module's comment for `trustProxy`. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',');
    const last = hops[hops.length - 1].trim();
    if (isIP(last)) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests has no socket
  }
}
