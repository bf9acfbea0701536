/**
 * E-mail digests (docs/notifications.md, "Digests"; README, "Accounts"). A person who chose
 * `daily` or `weekly` and confirmed their address is mailed, once a day or once a week, what is
 * new in what they follow — the texts and layers of the groups they are an active member of, and
 * the texts they wrote a gloss or a reply on: the glosses and replies others published since
 * their last digest (or, for the first, in the last day or week), grouped by text, with counts,
 * excerpts and links, and how many of their notifications are unread. Nothing new, no mail; the
 * look is recorded all the same.
 *
 * Whether the person may read each post is decided when the digest is made, with their
 * memberships as they are then (storage/digests.ts reads through the visibility twins), never
 * when the post was written: a post hidden, a layer made private or a membership ended before
 * the mail leaves is not in it.
 *
 * Each digest carries a one-click unsubscribe link (RFC 8058: `List-Unsubscribe` and
 * `List-Unsubscribe-Post`). Its secret is mailed and only its SHA-256 stored, so each digest gets
 * a link of its own; every link of a person's works until one of them is used (digests off), the
 * person turns digests off or changes their address, or it is `unsubscribeLinkDays` old.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { escapeHtml } from '../escape-html.ts';
import type { DigestFrequency } from '../storage/database.ts';
import * as store from '../storage/digests.ts';
import * as users from '../storage/users.ts';
import { findGroupById } from '../storage/groups.ts';
import { passageRange } from '../../schema/reading-plan.ts';
import { hashSecret, toViewer } from './auth.ts';
import type { AppContext } from './context.ts';
import type { Mail } from './mail.ts';
import { excerpt, unreadCount } from './notifications.ts';
import type { Viewer } from './policy.ts';
import { readPlan } from './reading-plans.ts';

/** How long between two digests of each frequency. */
export const digestPeriodMs: Record<Exclude<DigestFrequency, 'off'>, number> = {
  daily: 24 * 3_600_000,
  weekly: 7 * 24 * 3_600_000,
};

/** How often `daf serve` looks for digests that are due. */
export const digestCheckMs = 5 * 60_000;

/** How many posts of each text a digest quotes (the rest it counts). */
export const postsPerText = 5;

/** How long a digest's unsubscribe link works, at most. */
export const unsubscribeLinkDays = 90;

/**
 * May the person turn digests on (`daily`, `weekly`)? 409 `mail_off` when this Daf mails no one
 * (no `DAF_SMTP_URL`), 409 `email_unconfirmed` unless their address — `email` when the same
 * request changes it — is one they confirmed. Turning them off is always allowed.
 */
export async function checkDigestChoice(ctx: AppContext, viewer: Viewer, digest: DigestFrequency, email: string | null | undefined): Promise<void> {
  if (digest === 'off') return;
  if (!ctx.mailOn) throw new AppError('mail_off', 409, 'This Daf sends no mail (it has no SMTP server), so it cannot send digests');
  const account = await users.findAccount(ctx.db, viewer.id);
  const confirmed = account.email !== null && account.email_verified_at !== null;
  const same = email === undefined || (email !== null && email.trim().toLowerCase() === account.email?.toLowerCase());
  if (!confirmed || !same) throw new AppError('email_unconfirmed', 409, 'Digests go only to a confirmed address: give one, and open the link mailed to it');
}

/** Sets how often the person is mailed a digest; turning them off ends every unsubscribe link they were mailed. */
export async function setDigest(ctx: AppContext, viewer: Viewer, digest: DigestFrequency): Promise<void> {
  await store.setDigest(ctx.db, viewer.id, digest);
  if (digest === 'off') await store.deleteUnsubscribeLinksOf(ctx.db, viewer.id);
}

/** What one look for digests did: how many people were due, mailed, and could not be mailed. */
export interface DigestRun {
  checked: number;
  sent: number;
  failed: number;
}

/**
 * Mails the digests that are due (with `all`, every digest that is on, whatever its schedule),
 * one person at a time: one address that fails is logged and does not stop the others, and its
 * digest stays due, to be tried at the next look.
 */
export async function sendDigests(ctx: AppContext, baseUrl: string, options: { all?: boolean } = {}): Promise<DigestRun> {
  if (!ctx.mailOn) throw new AppError('mail_off', 409, 'Mail is off (no DAF_SMTP_URL): no digest can be sent');
  const now = ctx.clock();
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const accounts = await store.digestAccounts(ctx.db, { all: options.all === true, dueBefore: { daily: before(digestPeriodMs.daily), weekly: before(digestPeriodMs.weekly) } });
  const run: DigestRun = { checked: accounts.length, sent: 0, failed: 0 };
  for (const account of accounts) {
    try {
      if (await sendDigest(ctx, account, now, baseUrl)) run.sent++;
    } catch (e) {
      run.failed++;
      ctx.log(`The digest for @${account.handle} (${account.email}) could not be sent: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return run;
}

/** Mails one person their digest for `now`, if anything is new; true when a mail went. */
async function sendDigest(ctx: AppContext, account: store.DigestAccount, now: Date, baseUrl: string): Promise<boolean> {
  const at = now.toISOString();
  // Taken first, so two senders never mail the same digest twice.
  if (!(await store.claimDigest(ctx.db, account.id, account.digest_checked_at, at))) return false;
  try {
    const user = await users.findUserById(ctx.db, account.id);
    if (!user) return false;
    // The person's rights as they are now, not when the posts were written.
    const viewer = await toViewer(ctx.db, user);
    const since = account.digest_checked_at ?? new Date(now.getTime() - digestPeriodMs[account.digest]).toISOString();
    const found = await store.newForDigest(ctx.db, viewer, since, at, postsPerText);
    if (found.texts.length === 0) return false;
    const secret = randomBytes(32).toString('base64url');
    const forgetBefore = new Date(now.getTime() - unsubscribeLinkDays * 86_400_000).toISOString();
    const linkId = await store.insertUnsubscribeLink(ctx.db, account.id, hashSecret(secret), at, forgetBefore);
    try {
      await ctx.mailer.send(digestMail(account, found, await unreadCount(ctx, viewer), since, baseUrl, secret, await plansNow(ctx, viewer)));
    } catch (e) {
      await store.deleteUnsubscribeLink(ctx.db, linkId);
      throw e;
    }
    return true;
  } catch (e) {
    // Due again from where it was: the next look tries again.
    await store.releaseDigest(ctx.db, account.id, at, account.digest_checked_at);
    throw e;
  }
}

/** This period's passage of a reading plan, as a digest names it. */
export interface DigestPlan {
  group: string;
  title: string;
  slug: string;
  /** The passage's first ref, where the link opens the text. */
  from: string;
  range: string;
  start: string;
  end: string;
}

/** The passage each group the person is an active member of reads now, where it has a plan they may read. */
async function plansNow(ctx: AppContext, viewer: Viewer): Promise<DigestPlan[]> {
  const out: DigestPlan[] = [];
  for (const [groupId, m] of viewer.memberships) {
    if (m.state !== 'active') continue;
    const group = await findGroupById(ctx.db, groupId);
    if (!group) continue;
    const plan = await readPlan(ctx, viewer, group.slug).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) return null;
      throw e;
    });
    if (plan?.now) out.push({ group: group.name, title: plan.text.title, slug: plan.text.slug, from: plan.now.from, range: passageRange(plan.now), start: plan.now.start, end: plan.now.end });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A moment as a digest names it: `2026-12-06 09:30 UTC`. */
const moment = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The digest mail: a section per text (its counts, its newest posts quoted and linked), the unread count, and how to stop. */
export function digestMail(
  account: Pick<store.DigestAccount, 'display_name' | 'handle' | 'email' | 'digest'>,
  found: { texts: store.DigestTextRow[]; posts: store.DigestPostRow[] },
  unread: number,
  since: string,
  baseUrl: string,
  secret: string,
  plans: DigestPlan[] = [],
): Mail {
  const unsubscribe = `${baseUrl}/api/unsubscribe/${secret}`;
  const total = found.texts.reduce((n, t) => n + t.glosses + t.replies, 0);
  const where = found.texts.length === 1 ? `“${found.texts[0].title}”` : plural(found.texts.length, 'text');
  const subject = `Your ${account.digest} Daf digest: ${plural(total, 'new post')} in ${where}`;
  const textUrl = (slug: string) => `${baseUrl}/t/${encodeURIComponent(slug)}`;
  const postUrl = (slug: string, p: store.DigestPostRow) => `${textUrl(slug)}#g-${p.gloss_id}${p.kind === 'reply' ? `-r-${p.id}` : ''}`;
  const counts = (t: store.DigestTextRow) => [t.glosses ? plural(t.glosses, 'gloss', 'glosses') : '', t.replies ? plural(t.replies, 'reply', 'replies') : ''].filter(Boolean).join(', ');
  const unreadLine = unread === 0 ? '' : `You have ${plural(unread, 'unread notification')} on Daf.`;
  const why = `You get this ${account.digest} digest as @${account.handle} because you chose it on your account page`;

  const textParts: string[] = [`Hello ${account.display_name},`, '', `New on Daf since ${moment(since)}, in the groups and texts you follow:`];
  const htmlParts: string[] = [
    `<p>Hello ${escapeHtml(account.display_name)},</p>`,
    `<p>New on Daf since ${escapeHtml(moment(since))}, in the groups and texts you follow:</p>`,
  ];
  for (const p of plans) {
    const at = `${textUrl(p.slug)}#${encodeURIComponent(p.from)}`;
    const line = `${p.group} reads ${p.title} ${p.range} (${p.start} – ${p.end})`;
    textParts.push('', `This period: ${line}`, at);
    htmlParts.push(`<p><strong>This period:</strong> <a href="${escapeHtml(at)}">${escapeHtml(line)}</a></p>`);
  }
  for (const t of found.texts) {
    const posts = found.posts.filter((p) => p.text_id === t.text_id);
    const more = t.glosses + t.replies - posts.length;
    textParts.push('', `${t.title} — ${counts(t)}`, textUrl(t.slug));
    htmlParts.push(`<h2><a href="${escapeHtml(textUrl(t.slug))}">${escapeHtml(t.title)}</a></h2>`, `<p>${escapeHtml(counts(t))}</p>`, '<ul>');
    for (const p of posts) {
      const who = `${p.author_name} (@${p.author_handle})`;
      const what = p.kind === 'gloss' ? `in ${p.layer_name}` : `replied in ${p.layer_name}`;
      const words = excerpt(p.body_text);
      textParts.push(`  - ${who} ${what}: “${words}”`, `    ${postUrl(t.slug, p)}`);
      htmlParts.push(
        `<li><strong>${escapeHtml(who)}</strong> ${escapeHtml(what)}: <a href="${escapeHtml(postUrl(t.slug, p))}">${escapeHtml(words) || 'read it'}</a></li>`,
      );
    }
    htmlParts.push('</ul>');
    if (more > 0) {
      textParts.push(`  …and ${more} more on the page.`);
      htmlParts.push(`<p>…and ${more} more on <a href="${escapeHtml(textUrl(t.slug))}">the page</a>.</p>`);
    }
  }
  if (unreadLine) {
    textParts.push('', `${unreadLine} ${baseUrl}/`);
    htmlParts.push(`<p><a href="${escapeHtml(`${baseUrl}/`)}">${escapeHtml(unreadLine)}</a></p>`);
  }
  textParts.push('', `${why} (${baseUrl}/account). To stop digests, open ${unsubscribe}`, '');
  htmlParts.push(
    `<p style="color:#666">${escapeHtml(why)} (<a href="${escapeHtml(`${baseUrl}/account`)}">your account</a>). <a href="${escapeHtml(unsubscribe)}">Stop these digests</a>.</p>`,
  );
  return {
    to: account.email,
    subject,
    text: textParts.join('\n'),
    html: htmlParts.join('\n'),
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

function invalidLink(): AppError {
  return new AppError('invalid_link', 422, 'This unsubscribe link is not valid, was used already or has expired: digests can be turned off on your account page');
}

const linkMadeAfter = (ctx: AppContext) => new Date(ctx.clock().getTime() - unsubscribeLinkDays * 86_400_000).toISOString();

/** Whose digests an unsubscribe link stops, for the page it opens; null for a link that is not one (or no longer). */
export async function unsubscribeLinkOwner(ctx: AppContext, secret: string): Promise<{ handle: string; digest: DigestFrequency } | null> {
  const link = await store.findUnsubscribeLink(ctx.db, hashSecret(secret), linkMadeAfter(ctx));
  return link ? { handle: link.handle, digest: link.digest } : null;
}

/**
 * Turns off the digests of the person whose link this is (RFC 8058's one-click POST): it needs
 * nothing but the link, and every unsubscribe link of theirs stops working. 422 `invalid_link`
 * for an unknown, used or expired link.
 */
export async function unsubscribe(ctx: AppContext, secret: string): Promise<{ handle: string; digest: 'off' }> {
  return ctx.db.transaction().execute(async (trx) => {
    const link = await store.findUnsubscribeLink(trx, hashSecret(secret), linkMadeAfter(ctx));
    if (!link) throw invalidLink();
    await store.setDigest(trx, link.user_id, 'off');
    await store.deleteUnsubscribeLinksOf(trx, link.user_id);
    return { handle: link.handle, digest: 'off' as const };
  });
}

/**
 * Looks for digests that are due every `everyMs`, from a timer that keeps no process alive
 * (`daf serve`, with mail on). A look still under way when the next is due is not doubled.
 * `stop` ends the timer and waits for a look under way.
 */
export function scheduleDigests(ctx: AppContext, baseUrl: string, everyMs = digestCheckMs): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const look = () => {
    if (running) return;
    running = sendDigests(ctx, baseUrl)
      .then((run) => {
        if (run.sent || run.failed) ctx.log(`Digests: ${run.sent} sent, ${run.failed} failed, of ${run.checked} due`);
      })
      .catch((e: unknown) => ctx.log(`Digests failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (running = null));
  };
  const timer = setInterval(look, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
