/**
 * A digest's one-click unsubscribe (RFC 8058; services/digests.ts). The mail's
 * `List-Unsubscribe` names `BASE/api/unsubscribe/TOKEN`, and `List-Unsubscribe-Post` tells mail
 * programs to POST to it: that turns the link holder's digests off, with nothing but the link —
 * no session, and no Origin check (`middleware/auth.ts` reads no cookie at this one door, so it
 * acts for no one but the link's holder). Opening the link in a browser (a GET, which link
 * checkers and prefetchers also make) changes nothing: it shows a page that explains and offers
 * the same POST as a button. Both doors answer a page to a browser (`Accept: text/html`) and
 * JSON to anything else, errors in the API's error shape.
 */
import { Hono, type Context } from 'hono';
import { AppError } from '../errors.ts';
import { escapeHtml } from '../escape-html.ts';
import type { AppEnv } from '../middleware/env.ts';
import { unsubscribe, unsubscribeLinkOwner } from '../services/digests.ts';
import { contentSecurityPolicy } from './pages.ts';

/** The secret of the link, or "" for one too long to be ours. */
const tokenOf = (c: Context<AppEnv>) => {
  const token = c.req.param('token') ?? '';
  return token.length <= 200 ? token : '';
};

/** A small page of our own: the link's secret is in its URL, so no Referer carries it anywhere. */
function page(c: Context<AppEnv>, status: 200 | 404 | 422, title: string, body: string) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Daf</title>
<style>body{font:1.05rem/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.4rem 1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}<p><a href="${escapeHtml(`${c.var.baseUrl}/account`)}">Your account page</a></p></body></html>`;
  return c.html(html, status, {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}

const notALink = 'This link is not valid, was used already or has expired. You can turn digests off on your account page.';

/** Does the request come from a browser showing pages (the button of the GET page), rather than a mail program? */
const wantsPage = (c: Context<AppEnv>) => (c.req.header('accept') ?? '').includes('text/html');

export const unsubscribeRoutes = new Hono<AppEnv>()
  .get('/unsubscribe/:token', async (c) => {
    const owner = await unsubscribeLinkOwner(c.var.ctx, tokenOf(c));
    if (!wantsPage(c)) {
      if (!owner) throw new AppError('not_found', 404, notALink);
      return c.json({ ...owner, post: 'POST to this URL (RFC 8058 one-click) to turn these digests off' });
    }
    if (!owner) return page(c, 404, 'Unsubscribe', `<p>${escapeHtml(notALink)}</p>`);
    return page(
      c,
      200,
      'Stop your digests?',
      `<p>This link turns off the e-mail digests of @${escapeHtml(owner.handle)} on Daf. Nothing else changes, and you can turn them on again on your account page.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Stop my digests</button></form>`,
    );
  })
  .post('/unsubscribe/:token', async (c) => {
    if (!wantsPage(c)) return c.json(await unsubscribe(c.var.ctx, tokenOf(c)));
    try {
      const done = await unsubscribe(c.var.ctx, tokenOf(c));
      return page(c, 200, 'Digests stopped', `<p>Daf will mail @${escapeHtml(done.handle)} no more digests. You can turn them on again on your account page.</p>`);
    } catch (e) {
      if (e instanceof AppError && e.code === 'invalid_link') return page(c, 422, 'Unsubscribe', `<p>${escapeHtml(notALink)}</p>`);
      throw e;
    }
  });
