/**
 * The live stream of a text: Server-Sent Events for new and changed glosses, replies, layers
 * and versions, filtered per viewer. A client that reconnects with `Last-Event-ID` (or
 * `?since=`) gets what it missed first.
 *
 * A stream follows its reader's rights as they are now, not as they were when it opened: before
 * each look at the log it asks again who the credential stands for and in which groups, and ends
 * when the credential is gone (a log-out, a revoked or expired token) or the text is no longer
 * theirs to read. Every stream also ends after a lifetime, with a `reconnect` event; the browser's
 * EventSource comes back on its own and is judged like any new request.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../middleware/env.ts';
import { currentReader, lastEventId, visibleEventsAfter } from '../services/events.ts';
import { readableText } from '../services/texts.ts';

/** How often a stream looks at the log even without a wake-up (another process may write, a right may end). */
const pollMs = 2000;
/** How often a comment line keeps idle connections (and proxies) open. */
const heartbeatMs = 15_000;
/** How long a stream lives before it asks the client to reconnect. */
export const defaultStreamLifetimeMs = 10 * 60_000;
/** How soon the client should come back after a stream ends (the SSE `retry` field). */
const reconnectMs = 1000;

/** The events routes; `lifetimeMs` is how long one stream may stay open. */
export function eventRoutes(lifetimeMs = defaultStreamLifetimeMs) {
  return new Hono<AppEnv>().get('/:slug/events', async (c) => {
    const { db, bus } = c.var.ctx;
    const credential = c.var.credential;
    const opened = await readableText(db, c.var.viewer, c.req.param('slug'));
    const resumeFrom = c.req.header('last-event-id') ?? c.req.query('since');
    let cursor = resumeFrom !== undefined && /^[0-9]{1,15}$/.test(resumeFrom) ? Number(resumeFrom) : await lastEventId(db, opened.id);
    return streamSSE(c, async (stream) => {
      let wake: (() => void) | null = null;
      const unsubscribe = bus.subscribe(opened.id, () => wake?.());
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      const endsAt = Date.now() + lifetimeMs;
      const lifetime = setTimeout(() => wake?.(), lifetimeMs);
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ text: opened.slug, after: cursor }), id: String(cursor) });
      let lastWrite = Date.now();
      let reason: 'lifetime' | 'rights' = 'lifetime';
      while (!stream.aborted && !stream.closed && Date.now() < endsAt) {
        const reader = await currentReader(db, credential, opened.id);
        if (reader === null) {
          reason = 'rights';
          break;
        }
        const { events, lastId } = await visibleEventsAfter(db, reader.viewer, reader.text, cursor);
        for (const e of events) {
          await stream.writeSSE({ id: String(e.id), event: e.kind, data: e.payload });
          lastWrite = Date.now();
        }
        const advanced = lastId !== cursor;
        cursor = lastId;
        if (advanced) continue;
        if (Date.now() - lastWrite >= heartbeatMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      clearTimeout(lifetime);
      unsubscribe();
      if (!stream.aborted && !stream.closed) {
        await stream.writeSSE({ event: 'reconnect', data: JSON.stringify({ reason, after: cursor }), retry: reconnectMs });
      }
    });
  });
}
