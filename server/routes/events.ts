/**
 * The live stream of a text: Server-Sent Events for new and changed glosses, replies, layers
 * and versions, filtered per viewer. A client that reconnects with `Last-Event-ID` (or
 * `?since=`) gets what it missed first.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../middleware/env.ts';
import { lastEventId, visibleEventsAfter } from '../services/events.ts';
import { readableText } from '../services/texts.ts';

/** How often a stream looks at the log even without a wake-up (another process may write). */
const pollMs = 2000;
/** How often a comment line keeps idle connections (and proxies) open. */
const heartbeatMs = 15_000;

export const eventRoutes = new Hono<AppEnv>().get('/:slug/events', async (c) => {
  const { db, bus } = c.var.ctx;
  const viewer = c.var.viewer;
  const text = await readableText(db, viewer, c.req.param('slug'));
  const resumeFrom = c.req.header('last-event-id') ?? c.req.query('since');
  let cursor = resumeFrom !== undefined && /^[0-9]{1,15}$/.test(resumeFrom) ? Number(resumeFrom) : await lastEventId(db, text.id);
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | null = null;
    const unsubscribe = bus.subscribe(text.id, () => wake?.());
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    await stream.writeSSE({ event: 'ready', data: JSON.stringify({ text: text.slug, after: cursor }), id: String(cursor) });
    let lastWrite = Date.now();
    while (!stream.aborted && !stream.closed) {
      const { events, lastId } = await visibleEventsAfter(db, viewer, text, cursor);
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
    unsubscribe();
  });
});
