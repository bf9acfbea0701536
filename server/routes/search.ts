/** Full-text search over what the viewer may read. */
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../middleware/env.ts';
import * as searchService from '../services/search.ts';
import { paging } from './params.ts';

export const searchRoutes = new Hono<AppEnv>().get('/search', async (c) => {
  const q = c.req.query('q') ?? '';
  if (q.length > 500) throw new AppError('invalid_request', 400, 'A query has at most 500 characters');
  const results = await searchService.search(c.var.ctx, c.var.viewer, { q, text: c.req.query('text'), ...paging(c) });
  return c.json({ results });
});
