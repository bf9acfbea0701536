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
 *
 * A group's moderators follow its moderation the same way (`GET /api/groups/:slug/events`): a
 * `changed` event whenever its queue or audit log may have moved, so an open group page stays
 * current; the stream ends when its reader is no longer a moderator there.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/env.ts';
import { currentReader, lastEventId, visibleEventsAfter } from '../services/events.ts';
import { followModeration } from '../services/moderation.ts';
import { readableText } from '../services/texts.ts';
import { defaultStreamTiming, liveStream, type StreamTiming } from './live-stream.ts';
import { requireViewer } from './params.ts';

/** The events routes; `timing`: how long one stream may stay open, how often it polls. */
export function eventRoutes(timing: StreamTiming = defaultStreamTiming) {
  return new Hono<AppEnv>().get('/:slug/events', async (c) => {
    const { db, bus } = c.var.ctx;
    const credential = c.var.credential;
    const opened = await readableText(db, c.var.viewer, c.req.param('slug'));
    const resumeFrom = c.req.header('last-event-id') ?? c.req.query('since');
    let cursor = resumeFrom !== undefined && /^[0-9]{1,15}$/.test(resumeFrom) ? Number(resumeFrom) : await lastEventId(db, opened.id);
    return liveStream(c, {
      ...timing,
      ready: { event: 'ready', data: JSON.stringify({ text: opened.slug, after: cursor }), id: String(cursor) },
      subscribe: (wake) => bus.subscribe(opened.id, wake),
      look: async () => {
        const reader = await currentReader(db, credential, opened.id);
        if (reader === null) return 'gone';
        const { events, lastId } = await visibleEventsAfter(db, reader.viewer, reader.text, cursor);
        const advanced = lastId !== cursor;
        cursor = lastId;
        return { events: events.map((e) => ({ id: String(e.id), event: e.kind, data: e.payload })), advanced };
      },
      farewell: (reason) => JSON.stringify({ reason, after: cursor }),
    });
  });
}

/**
 * The live moderation of a group, for its moderators: a `changed` event whenever its queue or
 * audit log may have changed (a post held, a flag, an action by another moderator), so that an
 * open group page reads them again. The event carries no post: what a moderator reads still
 * comes from the queue and the log, each judged as it is read.
 */
export function groupEventRoutes(timing: StreamTiming = defaultStreamTiming) {
  return new Hono<AppEnv>().get('/:slug/events', async (c) => {
    const { bus } = c.var.ctx;
    const credential = c.var.credential;
    const followed = await followModeration(c.var.ctx, requireViewer(c), c.req.param('slug'));
    let stamp = await followed.stamp();
    return liveStream(c, {
      ...timing,
      ready: { event: 'ready', data: JSON.stringify({ group: followed.group.slug }) },
      subscribe: (wake) => {
        const ends = followed.textIds.map((id) => bus.subscribe(id, wake));
        return () => ends.forEach((end) => end());
      },
      look: async () => {
        if (!(await followed.stillModerates(credential))) return 'gone';
        const now = await followed.stamp();
        if (now === stamp) return { events: [], advanced: false };
        stamp = now;
        return { events: [{ event: 'changed', data: JSON.stringify({ group: followed.group.slug }) }], advanced: false };
      },
      farewell: (reason) => JSON.stringify({ reason }),
    });
  });
}
