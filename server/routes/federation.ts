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

export function federationRoutes(fed: DafFederation, inboxMaxBytes = defaultInboxMaxBytes) {
  const handOver = async (c: Context<AppEnv>, next: () => Promise<void>, request: Request = c.req.raw) =>
    fed.federation.fetch(request, {
      contextData: c.var.ctx,
      onNotFound: async () => {
        await next();
        return c.res;
      },
      onNotAcceptable: async () => {
        await next();
        return c.res;
      },
    });

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
