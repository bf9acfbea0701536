/**
 * Daf on other sites: the widget's script (`/embed.js` and the chunks it loads when a reader
 * starts writing), the iframe page of a passage (`/embed/t/:slug`), the sign-in popup that hands
 * an embedding page a bearer token (`/embed/connect`), and oEmbed (`/oembed`). The script and
 * the iframe page answer any origin; the popup may not be framed by anyone.
 */
import path from 'node:path';
import { projectRoot } from '../project-root.ts';
import { Hono, type Context } from 'hono';
import { AppError } from '../errors.ts';
import { escapeHtml } from '../escape-html.ts';
import type { AppEnv } from '../middleware/env.ts';
import { oembedFor, publicPassageTitle } from '../services/oembed.ts';
import { builtFile, pagePolicy } from './pages.ts';
import { intQuery, layerList } from './params.ts';

/** Where `vite build --config vite.embed.config.ts` writes the widget. */
export const embedDir = path.join(projectRoot, 'dist/embed');

/**
 * The entry keeps its name, so hosts can link it: a browser keeps it an hour. The chunks it
 * loads carry hashes and are kept for a year.
 */
const entryCache = 'public, max-age=3600';

/** The policy of the iframe page: our script and API only, framed by any site. */
function framePolicy(origin: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${origin}`,
    `connect-src 'self' ${origin}`,
    "style-src 'unsafe-inline'",
    `img-src 'self' ${origin} data:`,
    "base-uri 'none'",
    "form-action 'none'",
    'frame-ancestors *',
  ].join('; ');
}

/** A minimal page that loads the widget's script and shows `body`. */
function widgetPage(c: Context<AppEnv>, title: string, body: string, headers: Record<string, string>) {
  return c.html(
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="data:," />
    <script type="module" src="${escapeHtml(c.var.baseUrl)}/embed.js"></script>
    <style>body { margin: 0; }</style>
  </head>
  <body>
    ${body}
  </body>
</html>
`,
    200,
    { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', ...headers },
  );
}

/** The embedding page's origin a popup was opened for (`https://blog.example`), or 400. */
function embedderOrigin(raw: string | undefined): string {
  let url: URL | null = null;
  try {
    url = raw ? new URL(raw) : null;
  } catch {
    /* not a URL */
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== raw) {
    throw new AppError('invalid_request', 400, 'origin must be the origin of the page asking, such as https://blog.example');
  }
  return url.origin;
}

export const embedRoutes = new Hono<AppEnv>()
  .get('/embed.js', (c) => {
    try {
      return builtFile(c, embedDir, 'embed.js', { 'Cache-Control': entryCache });
    } catch {
      throw new AppError('embed_not_built', 503, 'The embed widget is not built: run `npm run build`');
    }
  })
  .get('/embed/assets/:file', (c) => builtFile(c, path.join(embedDir, 'embed', 'assets'), c.req.param('file')))
  .get('/embed/t/:slug', async (c) => {
    const slug = c.req.param('slug');
    const ref = c.req.query('ref') || undefined;
    const layers = layerList(c.req.query('layers'))?.join(',');
    const title = await publicPassageTitle(c.var.ctx, { slug, ref });
    const attrs = [`src="${escapeHtml(`${c.var.baseUrl}/t/${encodeURIComponent(slug)}`)}"`];
    if (ref) attrs.push(`ref="${escapeHtml(ref)}"`);
    if (layers) attrs.push(`layers="${escapeHtml(layers)}"`);
    return widgetPage(c, `${title}${ref ? ` ${ref}` : ''} — Daf`, `<daf-passage ${attrs.join(' ')} loading="eager"></daf-passage>`, {
      'Content-Security-Policy': framePolicy(new URL(c.var.baseUrl).origin),
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
  })
  .get('/embed/connect', (c) => {
    embedderOrigin(c.req.query('origin'));
    return widgetPage(c, 'Connect to Daf', '<daf-connect></daf-connect>', {
      'Content-Security-Policy': pagePolicy("'none'"),
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
  })
  .get('/oembed', async (c) => {
    const format = c.req.query('format');
    if (format !== undefined && format !== 'json') throw new AppError('unsupported_format', 501, 'Only format=json is served');
    const url = c.req.query('url');
    if (!url) throw new AppError('invalid_request', 400, 'url is required: the address of a text, such as /t/<slug>');
    const limit = (name: string) => (c.req.query(name) === undefined ? undefined : intQuery(c, name, 0, 1, 100_000));
    const answer = await oembedFor(c.var.ctx, c.var.baseUrl, url, { maxwidth: limit('maxwidth'), maxheight: limit('maxheight') });
    return c.json(answer);
  });
