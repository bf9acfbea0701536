/**
 * The reader's pages and assets, built by Vite into dist/client. The app's own URLs (`/`,
 * `/t/:slug`, `/t/:slug/print`, `/g/:slug`, `/invite/:token`, `/account`, `/u/:handle`, `/verify-email/:token`, `/reset-password/:token`) all answer the app's HTML, which routes on the
 * client (a text's page also names its oEmbed document, a group's page its Atom feed);
 * `/assets/*` are the hashed, immutable bundles. Every page carries a strict
 * Content-Security-Policy: scripts only from this origin, nothing inline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../project-root.ts';
import { Hono, type Context } from 'hono';
import { AppError } from '../errors.ts';
import { DafUrls } from '../../schema/w3c.ts';
import { escapeHtml } from '../escape-html.ts';
import type { AppEnv } from '../middleware/env.ts';

/** Where `vite build` writes the reader. */
export const clientDir = path.join(projectRoot, 'dist/client');

/**
 * The policy for our pages, with the pages that may frame them. Styles may be inline:
 * highlights carry their layer colour in `style`.
 */
export function pagePolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** The policy for the reader's pages: only our own pages may frame them. */
export const contentSecurityPolicy = pagePolicy("'self'");

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

function appHtml(): string {
  try {
    return fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8');
  } catch {
    throw new AppError('reader_not_built', 503, 'The reader is not built: run `npm run build`');
  }
}

const pageHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

const page = (c: Context<AppEnv>) => c.html(appHtml(), 200, pageHeaders);

/**
 * A text's page also names its oEmbed document (the discovery `<link>` of oembed.com §4), so
 * that a site given the page's URL can find the embed. It is built from the URL alone: the
 * shell carries no data, and the oEmbed answer itself is 404 for a text that is not public.
 */
const textPage = (c: Context<AppEnv>) => {
  const url = `${c.var.baseUrl}/t/${encodeURIComponent(c.req.param('slug') ?? '')}`;
  const href = `${c.var.baseUrl}/oembed?url=${encodeURIComponent(url)}&format=json`;
  return pageWithLink(c, `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(href)}" />`);
};

/**
 * A group's page names its Atom feed, so that a feed reader given the page finds it. Built from
 * the URL alone, like the oEmbed link: the feed itself is 404 for a private group.
 */
const groupPage = (c: Context<AppEnv>) => {
  const slug = c.req.param('slug') ?? '';
  // `/g/new` starts a group (no group may have that slug): it has no feed.
  if (slug === 'new') return page(c);
  const href = new DafUrls(c.var.baseUrl).groupFeed(slug);
  return pageWithLink(c, `<link rel="alternate" type="application/atom+xml" title="Newest posts" href="${escapeHtml(href)}" />`);
};

/** The app's page with one more `<link>` in its head. */
function pageWithLink(c: Context<AppEnv>, link: string) {
  return c.html(appHtml().replace('</head>', `    ${link}\n  </head>`), 200, pageHeaders);
}

/**
 * The compressed copies the build writes beside a script or style sheet (vite.precompress.ts),
 * best first: the first the request accepts is sent, and the compress middleware leaves it be.
 */
const precompressed = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** Does the request's Accept-Encoding accept `encoding` (named, or through `*`, with q > 0)? */
export function acceptsEncoding(header: string | undefined, encoding: string): boolean {
  let wildcard = false;
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (name === encoding) return accepted;
    if (name === '*') wildcard = accepted;
  }
  return wildcard;
}

/**
 * Answers a built file from `dir`: only plain file names of a known type, else 404. Built
 * files carry a hash in their names, so they are cached for a year unless `headers` say otherwise.
 * A script or style sheet goes out as the smallest copy the browser accepts.
 */
export function builtFile(c: Context<AppEnv>, dir: string, file: string, headers: Record<string, string> = {}) {
  const type = types[path.extname(file)];
  if (!/^[\w.-]+$/.test(file) || !type) throw new AppError('not_found', 404, 'No such asset');
  const common = { 'content-type': type, 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding' };
  const accepted = c.req.header('accept-encoding');
  for (const { encoding, suffix } of precompressed) {
    if (!acceptsEncoding(accepted, encoding)) continue;
    const body = readBuilt(path.join(dir, file + suffix));
    if (body) return c.body(new Uint8Array(body), 200, { ...common, ...headers, 'Content-Encoding': encoding });
  }
  const body = readBuilt(path.join(dir, file));
  if (!body) throw new AppError('not_found', 404, 'No such asset');
  return c.body(new Uint8Array(body), 200, { ...common, ...headers });
}

/** A built file's bytes, or null when there is no such file. */
function readBuilt(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

export const pageRoutes = new Hono<AppEnv>()
  .get('/', page)
  .get('/t/:slug', textPage)
  .get('/t/:slug/print', page)
  .get('/g/:slug', groupPage)
  .get('/invite/:token', page)
  .get('/account', page)
  .get('/u/:handle', page)
  .get('/verify-email/:token', page)
  .get('/reset-password/:token', page)
  .get('/assets/:file', (c) => builtFile(c, path.join(clientDir, 'assets'), c.req.param('file')));
