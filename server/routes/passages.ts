/** A passage of a text with its layers and glosses: what the embed widget reads. */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/env.ts';
import { readPassage } from '../services/passages.ts';
import { layerList } from './params.ts';

export const passageRoutes = new Hono<AppEnv>().get('/:slug/passage', async (c) =>
  c.json(await readPassage(c.var.ctx, c.var.viewer, c.req.param('slug'), { ref: c.req.query('ref'), layers: layerList(c.req.query('layer')) })),
);
