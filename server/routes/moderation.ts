/** Moderation actions and flags on glosses and replies. */
import { Hono, type Context } from 'hono';
import { readJson } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import { optionalReasonShape, reasonShape } from '../services/groups.ts';
import * as moderation from '../services/moderation.ts';
import { idParam, jsonText, requireViewer } from './params.ts';

function actions(kind: 'gloss' | 'reply') {
  const act = (action: moderation.ModerationAction) => async (c: Context<AppEnv>) => {
    const viewer = requireViewer(c);
    const { reason } = action === 'hide' ? await readJson(c, reasonShape) : await readJson(c, optionalReasonShape);
    return jsonText(c, await moderation.moderatePost(c.var.ctx, viewer, kind, idParam(c, 'id'), action, reason));
  };
  return new Hono<AppEnv>()
    .post('/:id/approve', act('approve'))
    .post('/:id/hide', act('hide'))
    .post('/:id/restore', act('restore'))
    .post('/:id/flag', async (c) => {
      const viewer = requireViewer(c);
      const { reason } = await readJson(c, reasonShape);
      return c.json(await moderation.flagPost(c.var.ctx, viewer, kind, idParam(c, 'id'), reason), 201);
    });
}

export const moderationRoutes = new Hono<AppEnv>().route('/glosses', actions('gloss')).route('/replies', actions('reply'));
