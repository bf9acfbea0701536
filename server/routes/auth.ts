/** Accounts: sign-up, log-in, log-out, password reset, who am I, sessions and bearer tokens, export and deletion. */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  changePasswordShape,
  deleteAccountShape,
  loginShape,
  resetPasswordShape,
  resetRequestShape,
  signupShape,
  tokenShape,
  updateMeShape,
  verifyEmailShape,
} from '../../schema/api.ts';
import { annoMediaType, DafUrls } from '../../schema/w3c.ts';
import { deleteAccount } from '../services/account-deletion.ts';
import { exportAccount } from '../services/account-export.ts';
import { meJson, setEmail, verifyEmail } from '../services/email-address.ts';
import { requestPasswordReset, resetPassword } from '../services/password-reset.ts';
import { checkDigestChoice, setDigest } from '../services/digests.ts';
import { readJson } from '../middleware/body.ts';
import { sessionCookie } from '../middleware/auth.ts';
import type { AppEnv } from '../middleware/env.ts';
import * as auth from '../services/auth.ts';
import { AppError } from '../errors.ts';
import { idParam, requireViewer } from './params.ts';
import type { Context } from 'hono';

function startSession(c: Context<AppEnv>, secret: string) {
  setCookie(c, sessionCookie, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.baseUrl.startsWith('https:'),
    path: '/',
    maxAge: auth.sessionDays * 86_400,
  });
}

export const authRoutes = new Hono<AppEnv>()
  .post('/auth/signup', async (c) => {
    const input = await readJson(c, signupShape);
    const wait = await c.var.ctx.signupThrottle.take(`a:${c.var.clientAddress}`);
    if (wait > 0) {
      throw new AppError('rate_limited', 429, `Too many sign-ups from this address; try again in ${wait} s`, { 'Retry-After': String(wait) });
    }
    const viewer = await auth.signup(c.var.ctx.db, input, c.var.ctx.passwordCost);
    startSession(c, await auth.createSession(c.var.ctx.db, viewer.id, c.req.header('user-agent') ?? null));
    return c.json({ handle: viewer.handle, name: viewer.displayName }, 201);
  })
  .post('/auth/login', async (c) => {
    const input = await readJson(c, loginShape);
    const viewer = await auth.login(c.var.ctx.db, c.var.ctx.loginGuard, { ...input, address: c.var.clientAddress }, c.var.ctx.passwordCost);
    startSession(c, await auth.createSession(c.var.ctx.db, viewer.id, c.req.header('user-agent') ?? null));
    return c.json({ handle: viewer.handle, name: viewer.displayName });
  })
  .post('/auth/logout', async (c) => {
    const secret = getCookie(c, sessionCookie);
    if (secret) await auth.endSession(c.var.ctx.db, secret);
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.body(null, 204);
  })
  .get('/session', (c) => {
    const viewer = c.var.viewer;
    return c.json({ me: viewer ? { handle: viewer.handle, name: viewer.displayName } : null });
  })
  .get('/me', async (c) => c.json(await meJson(c.var.ctx, requireViewer(c))))
  .patch('/me', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, updateMeShape);
    // A digest that cannot be had (no mail, no confirmed address) is refused before anything changes.
    if (input.digest !== undefined) await checkDigestChoice(c.var.ctx, viewer, input.digest, input.email);
    // The address next: its mail may fail (503), and then nothing is changed.
    if (input.email !== undefined) await setEmail(c.var.ctx, viewer, input.email, c.var.baseUrl);
    if (input.digest !== undefined) await setDigest(c.var.ctx, viewer, input.digest);
    if (input.displayName !== undefined) await auth.updateProfile(c.var.ctx.db, viewer, { displayName: input.displayName });
    return c.json(await meJson(c.var.ctx, viewer));
  })
  .post('/auth/verify-email', async (c) => {
    const { token } = await readJson(c, verifyEmailShape);
    return c.json(await verifyEmail(c.var.ctx, token));
  })
  // The same 202 for any address (services/password-reset.ts): the mail, if any, goes after it.
  .post('/auth/reset-request', async (c) => {
    const { email } = await readJson(c, resetRequestShape);
    return c.json(await requestPasswordReset(c.var.ctx, email, c.var.clientAddress, c.var.baseUrl), 202);
  })
  .post('/auth/reset', async (c) => {
    const { token, password } = await readJson(c, resetPasswordShape);
    return c.json(await resetPassword(c.var.ctx, token, password));
  })
  .delete('/me', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, deleteAccountShape);
    const { ctx } = c.var;
    const summary = await deleteAccount(ctx, viewer, { ...input, address: c.var.clientAddress });
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.json(summary);
  })
  .get('/me/export', async (c) => {
    const { fileName, document } = await exportAccount(c.var.ctx.db, requireViewer(c), new DafUrls(c.var.baseUrl));
    return c.body(JSON.stringify(document, null, 2), 200, {
      'content-type': annoMediaType,
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'no-store',
    });
  })
  .post('/me/password', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, changePasswordShape);
    const secret = getCookie(c, sessionCookie);
    const keepSession = viewer.tokenId === null && secret ? auth.hashSecret(secret) : null;
    const { ctx } = c.var;
    return c.json(await auth.changePassword(ctx.db, ctx.loginGuard, viewer, { ...input, address: c.var.clientAddress, keepSession }, ctx.passwordCost));
  })
  .post('/auth/logout-everywhere', async (c) => {
    const ended = await auth.endAllSessions(c.var.ctx.db, requireViewer(c));
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.json(ended);
  })
  .get('/sessions', async (c) => {
    const viewer = requireViewer(c);
    const current = c.var.credential?.kind === 'session' ? c.var.credential.hash : null;
    return c.json({ sessions: await auth.listSessions(c.var.ctx.db, viewer, current) });
  })
  .delete('/sessions/:id', async (c) => {
    await auth.endSessionById(c.var.ctx.db, requireViewer(c), idParam(c, 'id'));
    return c.body(null, 204);
  })
  .get('/tokens', async (c) => c.json({ tokens: await auth.listTokens(c.var.ctx.db, requireViewer(c)) }))
  .post('/tokens', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, tokenShape);
    return c.json(await auth.createToken(c.var.ctx.db, viewer, input), 201);
  })
  .delete('/tokens/:id', async (c) => {
    await auth.revokeToken(c.var.ctx.db, requireViewer(c), idParam(c, 'id'));
    return c.body(null, 204);
  });
