/**
 * A person's notifications (docs/notifications.md): the list, marking read, and the live stream
 * of their own (`GET /api/me/events`), which carries each new notification and the unread count.
 * Like every stream, it asks at each look who its credential stands for now, and ends when the
 * credential is gone; each notification is judged as it is read, so one about a post the person
 * may no longer read is never sent.
 */
import { Hono } from 'hono';
import { markNotificationsReadShape } from '../../schema/api.ts';
import { readJson } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import { viewerForCredential } from '../services/auth.ts';
import * as notifications from '../services/notifications.ts';
import { AppError } from '../errors.ts';
import { defaultStreamTiming, liveStream, type StreamTiming } from './live-stream.ts';
import { intQuery, requireViewer } from './params.ts';

/** The notification routes; `timing`: how long one stream of them may stay open, how often it polls. */
export function notificationRoutes(timing: StreamTiming = defaultStreamTiming) {
  return new Hono<AppEnv>()
    .get('/notifications', async (c) => {
      const viewer = requireViewer(c);
      const unread = c.req.query('unread');
      if (unread !== undefined && unread !== '0' && unread !== '1') throw new AppError('invalid_request', 400, 'unread is 1 or 0');
      const before = c.req.query('before') === undefined ? undefined : intQuery(c, 'before', 0, 1, 999_999_999);
      const list = await notifications.listNotifications(c.var.ctx, viewer, { limit: intQuery(c, 'limit', 20, 1, 100), before, unread: unread === '1' }, c.var.baseUrl);
      c.header('cache-control', 'no-store');
      return c.json(list);
    })
    .post('/notifications/read', async (c) => {
      const viewer = requireViewer(c);
      const which = await readJson(c, markNotificationsReadShape);
      return c.json(await notifications.markRead(c.var.ctx, viewer, which));
    })
    .get('/me/events', async (c) => {
      const { ctx } = c.var;
      const first = requireViewer(c);
      const credential = c.var.credential;
      let cursor = await notifications.newestNotificationId(ctx, first);
      let unread = await notifications.unreadCount(ctx, first);
      return liveStream(c, {
        ...timing,
        ready: { event: 'ready', data: JSON.stringify({ unread }) },
        subscribe: (wake) => ctx.bus.subscribePerson(first.id, wake),
        look: async () => {
          const viewer = credential === null ? null : await viewerForCredential(ctx.db, credential);
          if (viewer === null || viewer.id !== first.id) return 'gone';
          const fresh = await notifications.notificationsAfter(ctx, viewer, cursor, c.var.baseUrl);
          const count = await notifications.unreadCount(ctx, viewer);
          const events = fresh.map((n) => ({ event: 'notification', data: JSON.stringify({ notification: n, unread: count }) }));
          // Marked read elsewhere, or a post hidden: the count alone changed.
          if (!events.length && count !== unread) events.push({ event: 'unread', data: JSON.stringify({ unread: count }) });
          if (fresh.length) cursor = fresh[fresh.length - 1]!.id;
          unread = count;
          return { events, advanced: fresh.length === notifications.streamBatch };
        },
        farewell: (reason) => JSON.stringify({ reason }),
      });
    });
}
