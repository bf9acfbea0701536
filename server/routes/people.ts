/** People's pages: `GET /api/users/:handle`, what a person wrote and where, as the viewer may see it. */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/env.ts';
import { profile } from '../services/profiles.ts';
import { intQuery } from './params.ts';

export const peopleRoutes = new Hono<AppEnv>().get('/users/:handle', async (c) => {
  const before = intQuery(c, 'before', 0, 1, 999_999_999);
  return c.json(await profile(c.var.ctx.db, c.var.viewer, c.req.param('handle'), before ? { before } : {}));
});
