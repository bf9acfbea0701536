/**
 * The reader's pages and assets, built by Vite into dist/client. The app's own URLs (`/`,
 * `/t/:slug`, `/g/:slug`, `/invite/:token`) all answer the app's HTML, which routes on the
 * client; `/assets/*` are the hashed, immutable bundles. Every page carries a strict
 * Content-Security-Policy: scripts only from this origin, nothing inline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../middleware/env.ts';

/** Where `vite build` writes the reader. */
export const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/client');

/** The policy for our pages. Styles may be inline: highlights carry their layer colour in `style`. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

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

const page = (c: Context<AppEnv>) =>
  c.html(appHtml(), 200, {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  });

export const pageRoutes = new Hono<AppEnv>()
  .get('/', page)
  .get('/t/:slug', page)
  .get('/g/:slug', page)
  .get('/invite/:token', page)
  .get('/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = types[path.extname(file)];
    if (!/^[\w.-]+$/.test(file) || !type) throw new AppError('not_found', 404, 'No such asset');
    let body: Buffer;
    try {
      body = fs.readFileSync(path.join(clientDir, 'assets', file));
    } catch {
      throw new AppError('not_found', 404, 'No such asset');
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
  });
