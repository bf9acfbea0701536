/**
 * A person's e-mail address (README, "Accounts"). A new address gets one mail, a link
 * `BASE/verify-email/SECRET` that works for 48 hours; following it (the page calls `POST
 * /api/auth/verify-email`) confirms the address. Until then no other mail goes to it. Only the
 * SHA-256 of the secret is stored. The mail is sent before anything is saved, so an address whose
 * mail could not be sent is not half-set: the person is told (503) and can try again.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import * as users from '../storage/users.ts';
import { deleteUnsubscribeLinksOf, setDigest } from '../storage/digests.ts';
import { escapeHtml } from '../escape-html.ts';
import { hashSecret } from './auth.ts';
import type { AppContext } from './context.ts';
import type { Viewer } from './policy.ts';

/** How long a confirmation link works. */
export const emailLinkHours = 48;

/** The account as its owner sees it (`GET /api/me`), with whether this Daf sends mail at all (`mail`). */
export async function meJson(ctx: AppContext, viewer: Viewer) {
  const user = await users.findAccount(ctx.db, viewer.id);
  return {
    handle: user.handle,
    name: user.display_name,
    email: user.email,
    emailVerified: user.email !== null && user.email_verified_at !== null,
    digest: user.digest,
    mail: ctx.mailOn,
  };
}

/**
 * Sets (or, with null or "", removes) the person's address. The same address, already confirmed,
 * changes nothing; the same address not yet confirmed gets a new link (the old one stops working).
 * Any other change also ends a pending password-reset link (services/password-reset.ts) and the
 * unsubscribe links of digests mailed to the old address (services/digests.ts); removing the
 * address turns digests off, while a new one keeps the choice, for when it is confirmed.
 */
export async function setEmail(ctx: AppContext, viewer: Viewer, email: string | null, baseUrl: string): Promise<void> {
  const address = email ? email.trim() : null;
  if (address === null) {
    await users.setEmailState(ctx.db, viewer.id, { email: null, email_verified_at: null, email_token_hash: null, email_token_expires_at: null });
    await users.setResetToken(ctx.db, viewer.id, null, null);
    await setDigest(ctx.db, viewer.id, 'off');
    await deleteUnsubscribeLinksOf(ctx.db, viewer.id);
    return;
  }
  const current = await users.findAccount(ctx.db, viewer.id);
  if (current.email?.toLowerCase() === address.toLowerCase() && current.email_verified_at !== null) return;
  const secret = randomBytes(32).toString('base64url');
  const link = `${baseUrl}/verify-email/${secret}`;
  await ctx.mailer.send({
    to: address,
    subject: 'Confirm your e-mail address for Daf',
    text: `Hello ${viewer.displayName},\n\nTo confirm that ${address} is yours on Daf (@${viewer.handle}), open this link within ${emailLinkHours} hours:\n\n${link}\n\nIf you did not ask for this, ignore this mail: nothing more will be sent to this address.\n`,
    html: `<p>Hello ${escapeHtml(viewer.displayName)},</p><p>To confirm that ${escapeHtml(address)} is yours on Daf (@${escapeHtml(viewer.handle)}), open this link within ${emailLinkHours} hours:</p><p><a href="${escapeHtml(link)}">Confirm my address</a></p><p>If you did not ask for this, ignore this mail: nothing more will be sent to this address.</p>`,
  });
  await users.setEmailState(ctx.db, viewer.id, {
    email: address,
    email_verified_at: null,
    email_token_hash: hashSecret(secret),
    email_token_expires_at: new Date(ctx.clock().getTime() + emailLinkHours * 3_600_000).toISOString(),
  });
  // A password-reset link and digests' unsubscribe links mailed to the old address stop working with it.
  await users.setResetToken(ctx.db, viewer.id, null, null);
  await deleteUnsubscribeLinksOf(ctx.db, viewer.id);
}

/** Confirms the address a link was mailed to; 422 `invalid_link` for an unknown, used or expired one. */
export async function verifyEmail(ctx: AppContext, secret: string): Promise<{ handle: string; email: string }> {
  const now = ctx.clock().toISOString();
  const user = await users.findUserByEmailToken(ctx.db, hashSecret(secret), now);
  if (!user || user.email === null) throw new AppError('invalid_link', 422, 'This link is not valid, was used already or has expired: ask for a new one on your account page');
  await users.setEmailState(ctx.db, user.id, { email: user.email, email_verified_at: now, email_token_hash: null, email_token_expires_at: null });
  return { handle: user.handle, email: user.email };
}
