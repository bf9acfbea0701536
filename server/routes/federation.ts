/**
 * The doors of federation (docs/federation.md §2), mounted only when it is on: Fedify answers
 * WebFinger, NodeInfo and everything under `/ap/` for servers (ActivityStreams JSON); a browser
 * asking for an actor or a Note is sent to its page. An inbox POST is read here first, at most
 * `inboxMaxBytes`, so an oversized body is refused with 413 before anything parses it; Fedify
 * then checks its signature (401 when it is missing or wrong).
 */
import { Hono, type Context } from 'hono';
import { readBodyBytes } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import { federablePostPage, localActorPage } from '../services/federation/pages.ts';
import type { DafFederation } from '../services/federation/federation.ts';

/** The largest inbox body accepted (256 KiB), as `DAF_INBOX_MAX_BYTES` may change it. */
export const defaultInboxMaxBytes = 256 * 1024;

/** The codes Fedify's plain-text refusals get in Daf's JSON error shape. */
const refusalCodes: Record<number, string> = { 400: 'invalid_activity', 401: 'signature_invalid', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 410: 'gone', 413: 'body_too_large' };

/**
 * Fedify answers a refusal (an unsigned inbox post, an activity it cannot read) in plain text;
 * Daf answers every refusal as `{ "error": { "code", "message" } }`, and so does this door.
 */
async function asJsonRefusal(res: Response): Promise<Response> {
  if (res.status < 400 || res.status >= 500 || /json/.test(res.headers.get('content-type') ?? '')) return res;
  const message = (await res.text()).trim() || res.statusText || 'Refused';
  const headers = new Headers(res.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.delete('content-length');
  return new Response(JSON.stringify({ error: { code: refusalCodes[res.status] ?? 'refused', message } }), { status: res.status, headers });
}

export function federationRoutes(fed: DafFederation, inboxMaxBytes = defaultInboxMaxBytes) {
  const handOver = async (c: Context<AppEnv>, next: () => Promise<void>, request: Request = c.req.raw) =>
    asJsonRefusal(await fed.federation.fetch(request, {
      contextData: c.var.ctx,
      onNotFound: async () => {
        await next();
        return c.res;
      },
      onNotAcceptable: async () => {
        await next();
        return c.res;
      },
    }));

  const inbox = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const body = await readBodyBytes(c, inboxMaxBytes);
    const request = new Request(c.req.raw.url, { method: 'POST', headers: c.req.raw.headers, body: new Uint8Array(body) });
    return handOver(c, next, request);
  };

  return (
    new Hono<AppEnv>()
      .post('/ap/inbox', inbox)
      .post('/ap/actors/:identifier/inbox', inbox)
      .use('/ap/*', (c, next) => handOver(c, next))
      .use('/.well-known/webfinger', (c, next) => handOver(c, next))
      .use('/.well-known/nodeinfo', (c, next) => handOver(c, next))
      .use('/nodeinfo/*', (c, next) => handOver(c, next))
      // A browser that follows an actor's or a Note's id lands on its page.
      .get('/ap/actors/:identifier', async (c) => c.redirect(await localActorPage(c.var.ctx, fed, c.req.param('identifier')), 303))
      .get('/ap/notes/:key', async (c) => c.redirect(await federablePostPage(c.var.ctx, fed, c.req.param('key')), 303))
  );
}
