/** Single glosses and the replies in their threads. */
import { Hono } from 'hono';
import { createReplyShape, decisionShape, stanceShape, updateGlossShape, updateReplyShape } from '../../schema/api.ts';
import { readJson } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import * as glossService from '../services/glosses.ts';
import * as replyService from '../services/replies.ts';
import { idParam, jsonText, requireViewer } from './params.ts';

export const glossRoutes = new Hono<AppEnv>()
  .get('/glosses/:id', async (c) => jsonText(c, await glossService.getGlossJson(c.var.ctx, c.var.viewer, idParam(c, 'id'))))
  .patch('/glosses/:id', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, updateGlossShape);
    return jsonText(c, await glossService.updateGloss(c.var.ctx, viewer, idParam(c, 'id'), input));
  })
  .delete('/glosses/:id', async (c) => {
    const viewer = requireViewer(c);
    return c.json(await glossService.deleteGloss(c.var.ctx, viewer, idParam(c, 'id')));
  })
  .put('/glosses/:id/stance', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, stanceShape);
    return jsonText(c, await glossService.setStance(c.var.ctx, viewer, idParam(c, 'id'), input));
  })
  .delete('/glosses/:id/stance', async (c) => jsonText(c, await glossService.setStance(c.var.ctx, requireViewer(c), idParam(c, 'id'), null)))
  .get('/glosses/:id/decisions', async (c) => jsonText(c, await glossService.decisionHistory(c.var.ctx, c.var.viewer, idParam(c, 'id'))))
  .post('/glosses/:id/decision', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, decisionShape);
    return jsonText(c, await glossService.decide(c.var.ctx, viewer, idParam(c, 'id'), input), 201);
  })
  .post('/glosses/:id/replies', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, createReplyShape);
    return jsonText(c, await replyService.createReply(c.var.ctx, viewer, idParam(c, 'id'), input), 201);
  })
  .patch('/replies/:id', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, updateReplyShape);
    return jsonText(c, await replyService.updateReply(c.var.ctx, viewer, idParam(c, 'id'), input));
  })
  .delete('/replies/:id', async (c) => {
    const viewer = requireViewer(c);
    return c.json(await replyService.deleteReply(c.var.ctx, viewer, idParam(c, 'id')));
  })
  .post('/replies/:id/accept', async (c) => jsonText(c, await replyService.acceptAnswer(c.var.ctx, requireViewer(c), idParam(c, 'id'))));
