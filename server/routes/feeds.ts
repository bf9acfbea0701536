/**
 * Atom feeds of public commentary, under `/feeds/`: `texts/:slug/layers/<layer>.atom` (a layer)
 * and `groups/<slug>.atom` (a group's layers). They are read as a visitor whatever credentials
 * come with the request (no `authenticate` runs here), so the same answer serves everyone and
 * may be cached publicly for a few minutes, with an ETag for conditional GETs (and Last-Modified).
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../middleware/env.ts';
import * as feeds from '../services/feeds.ts';

/** How long anyone may cache a feed, in seconds. */
const maxAge = 300;

/** A path segment `<slug>.atom`, as a Hono parameter pattern (the parameter keeps the `.atom`). */
const atomFile = '{[^/]+\\.atom}';

/** The slug in a `<slug>.atom` parameter. */
const slugOf = (file: string) => file.slice(0, -'.atom'.length);

/**
 * Does the request already hold this version? Only If-None-Match is honoured: the ETag is a
 * digest of the document, so it changes when a post is hidden or deleted, while the feed's
 * `updated` (its Last-Modified) may not. A cache that asks If-Modified-Since gets the document
 * again, so that it never keeps serving a post a moderator has taken down.
 */
function notModified(c: Context<AppEnv>, feed: feeds.Feed): boolean {
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(feed.etag));
}

function atom(c: Context<AppEnv>, feed: feeds.Feed) {
  const headers = {
    'Cache-Control': `public, max-age=${maxAge}`,
    ETag: feed.etag,
    'Last-Modified': new Date(feed.updated).toUTCString(),
  };
  if (notModified(c, feed)) return c.body(null, 304, headers);
  return c.body(feed.xml, 200, { 'content-type': feeds.atomMediaType, 'X-Content-Type-Options': 'nosniff', ...headers });
}

export const feedRoutes = new Hono<AppEnv>()
  .get(`/texts/:slug/layers/:layer${atomFile}`, async (c) =>
    atom(c, await feeds.layerFeed(c.var.ctx, c.var.baseUrl, c.req.param('slug'), slugOf(c.req.param('layer')))),
  )
  .get(`/groups/:slug${atomFile}`, async (c) => atom(c, await feeds.groupFeed(c.var.ctx, c.var.baseUrl, slugOf(c.req.param('slug')))));
