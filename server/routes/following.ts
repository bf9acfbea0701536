/**
 * Daf to Daf (docs/federation.md §7): the groups elsewhere a group here follows. Always routed;
 * with federation off, following answers 409 `federation_off`, and the list is empty.
 */
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import { readJson } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import type { DafFederation } from '../services/federation/federation.ts';
import { followGroup, followShape, listFollowing, unfollowGroup } from '../services/federation/following.ts';
import { requireViewer } from './params.ts';

function federationOn(fed: DafFederation | undefined): DafFederation {
  if (!fed) throw new AppError('federation_off', 409, 'Federation is off on this server (daf serve --federation)');
  return fed;
}

export function followingRoutes(fed: DafFederation | undefined) {
  return new Hono<AppEnv>()
    .get('/groups/:slug/following', async (c) => c.json({ following: await listFollowing(c.var.ctx, c.var.viewer, c.req.param('slug')) }))
    .post('/groups/:slug/following', async (c) => {
      const viewer = requireViewer(c);
      const input = await readJson(c, followShape);
      return c.json({ following: await followGroup(c.var.ctx, federationOn(fed), viewer, c.req.param('slug'), input) }, 202);
    })
    .delete('/groups/:slug/following', async (c) => {
      const viewer = requireViewer(c);
      const actor = c.req.query('actor');
      if (!actor) throw new AppError('invalid_request', 400, 'Name the group to stop following: ?actor=URL');
      await unfollowGroup(c.var.ctx, federationOn(fed), viewer, c.req.param('slug'), actor);
      return c.body(null, 204);
    });
}
