/**
 * Password reset (README, "Accounts"). A person who forgot their password gives their e-mail
 * address; if an account has confirmed it, that account is mailed a link
 * `BASE/reset-password/SECRET` that works once, for an hour. Following it (the page calls `POST
 * /api/auth/reset`) sets a new password and signs the account out everywhere.
 *
 * The request says nothing about the address. Its answer is the same (202 `{accepted: true}`)
 * for an address no account has, one an account gave but never confirmed (no mail goes to an
 * unconfirmed address), and a confirmed one; and it leaves before any of that is looked at: the
 * look-up, the new link and the mail are `ctx.background` work, so neither the answer's timing
 * nor a mail that fails (logged, never answered) tells one case from another. Only the rate
 * limits answer differently (429), and they count every address alike.
 *
 * Only the SHA-256 of the secret is stored; a new request replaces the pending link.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { escapeHtml } from '../escape-html.ts';
import * as users from '../storage/users.ts';
import { hashSecret } from './auth.ts';
import type { AppContext } from './context.ts';
import { hashPassword } from './passwords.ts';

/** How long a reset link works. */
export const resetLinkHours = 1;

/**
 * Asks for reset links for the accounts that confirmed `email`, from `clientAddress`; 429
 * `rate_limited` when that client or that address has asked too often in the hour. Returns at
 * once: the mail is sent after the answer (see the module's comment).
 */
export async function requestPasswordReset(ctx: AppContext, email: string, clientAddress: string, baseUrl: string): Promise<{ accepted: true }> {
  // The client's count first: a client past its limit asks nothing of the mailbox's. A request
  // refused for the mailbox still counts for the client that made it.
  const wait = (await ctx.resetThrottle.take(`a:${clientAddress}`)) || (await ctx.resetEmailThrottle.take(`e:${email.toLowerCase()}`));
  if (wait > 0) {
    throw new AppError('rate_limited', 429, `Too many requests for a password reset; try again in ${wait} s`, { 'Retry-After': String(wait) });
  }
  ctx.background.run(`The password-reset mail for ${email}`, () => mailResetLinks(ctx, email, baseUrl));
  return { accepted: true };
}

/** Gives each live account that confirmed `email` a new reset link, and mails it. */
async function mailResetLinks(ctx: AppContext, email: string, baseUrl: string): Promise<void> {
  for (const user of await users.findVerifiedUsersByEmail(ctx.db, email)) {
    const secret = randomBytes(32).toString('base64url');
    const expires = new Date(ctx.clock().getTime() + resetLinkHours * 3_600_000).toISOString();
    // Stored before it is sent: the link works as soon as the mail can arrive. If the mail then
    // fails, the person's earlier link is gone too, and they ask again.
    await users.setResetToken(ctx.db, user.id, hashSecret(secret), expires);
    const link = `${baseUrl}/reset-password/${secret}`;
    const to = user.email!;
    await ctx.mailer.send({
      to,
      subject: 'Reset your password on Daf',
      text: `Hello ${user.display_name},\n\nSomeone, probably you, asked to reset the password of @${user.handle} on Daf. To choose a new one, open this link within an hour:\n\n${link}\n\nIt works once. If you did not ask, ignore this mail: your password stays as it is.\n`,
      html: `<p>Hello ${escapeHtml(user.display_name)},</p><p>Someone, probably you, asked to reset the password of @${escapeHtml(user.handle)} on Daf. To choose a new one, open this link within an hour:</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>It works once. If you did not ask, ignore this mail: your password stays as it is.</p>`,
    });
  }
}

/**
 * Sets a new password with the secret of a reset link; 422 `invalid_link` for an unknown, used
 * or expired one. The link is used up, every session of the account ends (whoever knew the old
 * password is signed out, this browser too: the person logs in with the new one), and the
 * log-in guard forgets the handle's failures. Bearer tokens stay, as they do when a password is
 * changed: the account page lists them to revoke.
 */
export async function resetPassword(ctx: AppContext, secret: string, password: string): Promise<{ handle: string; endedSessions: number }> {
  const hash = hashSecret(secret);
  const user = await users.findUserByResetToken(ctx.db, hash, ctx.clock().toISOString());
  if (!user) throw invalidLink();
  const passwordHash = await hashPassword(password, ctx.passwordCost);
  const endedSessions = await ctx.db.transaction().execute(async (trx) => {
    // Checked again as it is used: of two uses racing, one wins.
    if (!(await users.consumeResetToken(trx, user.id, hash, ctx.clock().toISOString(), passwordHash))) throw invalidLink();
    return users.deleteSessionsOf(trx, user.id);
  });
  await ctx.loginGuard.forget(user.handle);
  return { handle: user.handle, endedSessions };
}

function invalidLink(): AppError {
  return new AppError('invalid_link', 422, 'This link is not valid, was used already or has expired: ask for a new one from the log-in form');
}
