/** Reading groups: the groups themselves, members and roles, invitations, moderation, the reading plan. */
import { Hono } from 'hono';
import { anyHandleShape, handleShape, setReadingPlanShape } from '../../schema/api.ts';
import { parseWith, readJson } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import * as groups from '../services/groups.ts';
import * as moderation from '../services/moderation.ts';
import * as plans from '../services/reading-plans.ts';
import { idParam, paging, requireViewer } from './params.ts';
import type { Context } from 'hono';

function handleParam(c: Context<AppEnv>): string {
  return parseWith(handleShape, c.req.param('handle'));
}

export const groupRoutes = new Hono<AppEnv>()
  .get('/groups', async (c) => c.json({ groups: await groups.listGroups(c.var.ctx, c.var.viewer, paging(c)) }))
  .post('/groups', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, groups.createGroupShape);
    return c.json(await groups.createGroup(c.var.ctx, viewer, input), 201, { Location: `/api/groups/${input.slug}` });
  })
  .get('/groups/:slug', async (c) => c.json(await groups.getGroup(c.var.ctx, c.var.viewer, c.req.param('slug'))))
  .patch('/groups/:slug', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, groups.updateGroupShape);
    return c.json(await groups.updateGroup(c.var.ctx, viewer, c.req.param('slug'), input));
  })
  .post('/groups/:slug/join', async (c) => c.json(await groups.joinGroup(c.var.ctx, requireViewer(c), c.req.param('slug'))))
  .post('/groups/:slug/leave', async (c) => {
    await groups.leaveGroup(c.var.ctx, requireViewer(c), c.req.param('slug'));
    return c.body(null, 204);
  })
  .get('/groups/:slug/members', async (c) => c.json({ members: await groups.listMembers(c.var.ctx, c.var.viewer, c.req.param('slug')) }))
  .patch('/groups/:slug/members/:handle', async (c) => {
    const viewer = requireViewer(c);
    const { role } = await readJson(c, groups.roleShape);
    return c.json(await groups.setRole(c.var.ctx, viewer, c.req.param('slug'), handleParam(c), role));
  })
  .post('/groups/:slug/members/:handle/approve', async (c) =>
    c.json(await groups.approveMember(c.var.ctx, requireViewer(c), c.req.param('slug'), handleParam(c))),
  )
  .delete('/groups/:slug/members/:handle', async (c) => {
    await groups.removeMember(c.var.ctx, requireViewer(c), c.req.param('slug'), handleParam(c));
    return c.body(null, 204);
  })
  .post('/groups/:slug/members/:handle/ban', async (c) => {
    const viewer = requireViewer(c);
    const { reason } = await readJson(c, groups.optionalReasonShape);
    await groups.banMember(c.var.ctx, viewer, c.req.param('slug'), parseWith(anyHandleShape, c.req.param('handle')), reason);
    return c.body(null, 204);
  })
  .delete('/groups/:slug/members/:handle/ban', async (c) => {
    await groups.unbanMember(c.var.ctx, requireViewer(c), c.req.param('slug'), parseWith(anyHandleShape, c.req.param('handle')));
    return c.body(null, 204);
  })
  .get('/groups/:slug/invitations', async (c) =>
    c.json({ invitations: await groups.listInvitations(c.var.ctx, requireViewer(c), c.req.param('slug')) }),
  )
  .post('/groups/:slug/invitations', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, groups.invitationShape);
    return c.json(await groups.createInvitation(c.var.ctx, viewer, c.req.param('slug'), input, c.var.baseUrl), 201);
  })
  .delete('/groups/:slug/invitations/:id', async (c) => {
    await groups.revokeInvitation(c.var.ctx, requireViewer(c), c.req.param('slug'), idParam(c, 'id'));
    return c.body(null, 204);
  })
  .get('/invitations/:token', async (c) => c.json(await groups.readInvitation(c.var.ctx, c.var.viewer, c.req.param('token').slice(0, 200))))
  .post('/invitations/:token/accept', async (c) => {
    const token = c.req.param('token');
    const viewer = requireViewer(c);
    return c.json(await groups.acceptInvitation(c.var.ctx, viewer, token.slice(0, 200)));
  })
  .get('/groups/:slug/moderation', async (c) => c.json(await moderation.moderationQueue(c.var.ctx, requireViewer(c), c.req.param('slug'))))
  .get('/groups/:slug/audit', async (c) =>
    c.json({ entries: await moderation.auditLog(c.var.ctx, requireViewer(c), c.req.param('slug'), paging(c)) }),
  )
  .get('/groups/:slug/plan', async (c) => c.json(await plans.readPlan(c.var.ctx, c.var.viewer, c.req.param('slug'))))
  .put('/groups/:slug/plan', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, setReadingPlanShape);
    return c.json(await plans.setPlan(c.var.ctx, viewer, c.req.param('slug'), input));
  })
  .delete('/groups/:slug/plan', async (c) => {
    await plans.deletePlan(c.var.ctx, requireViewer(c), c.req.param('slug'));
    return c.body(null, 204);
  });
