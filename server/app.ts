/**
 * The Hono app: middleware, the API sub-apps, the W3C containers, and the one error handler
 * that turns every failure into `{ "error": { "code", "message" } }`.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { AppError } from './errors.ts';
import { authenticate } from './middleware/auth.ts';
import { clientAddress } from './middleware/client-address.ts';
import { crossOrigin } from './middleware/cors.ts';
import { onlyHost } from './middleware/host-check.ts';
import { refuseNulAddress } from './middleware/nul.ts';
import { limitWrites } from './middleware/rate-limit.ts';
import { limitScope } from './middleware/scope.ts';
import { privateAnswers } from './middleware/cache.ts';
import type { AppEnv } from './middleware/env.ts';
import { annotationRoutes } from './routes/annotations.ts';
import { authRoutes } from './routes/auth.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { embedRoutes } from './routes/embed.ts';
import { eventRoutes, groupEventRoutes } from './routes/events.ts';
import { defaultStreamTiming } from './routes/live-stream.ts';
import { feedRoutes } from './routes/feeds.ts';
import { federationRoutes } from './routes/federation.ts';
import { followingRoutes } from './routes/following.ts';
import { glossRoutes } from './routes/glosses.ts';
import { groupRoutes } from './routes/groups.ts';
import { moderationRoutes } from './routes/moderation.ts';
import { openapiRoutes } from './routes/openapi.ts';
import { passageRoutes } from './routes/passages.ts';
import { peopleRoutes } from './routes/people.ts';
import { pageRoutes } from './routes/pages.ts';
import { searchRoutes } from './routes/search.ts';
import { textRoutes } from './routes/texts.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';
import type { AppContext } from './services/context.ts';
import type { DafFederation } from './services/federation/federation.ts';

export interface AppOptions {
  /**
   * The public base URL (e.g. `https://daf.example.org`), used in W3C ids and for the origin
   * check; requests for any other host are refused with 421. When unset, it is taken from each
   * request's own URL (its Host header).
   */
  baseUrl?: string;
  /** How long one live event stream stays open before the client is asked to reconnect. */
  streamLifetimeMs?: number;
  /** How often a live stream looks at the log without a wake-up (2 s by default). */
  streamPollMs?: number;
  /**
   * Take the client's address from the right-most X-Forwarded-For entry (a reverse proxy in
   * front); otherwise it is the socket's peer. See middleware/client-address.ts.
   */
  trustProxy?: boolean;
  /** The ActivityPub doors (docs/federation.md), when federation is on; none otherwise. */
  federation?: DafFederation;
  /** The largest inbox body federation accepts (`defaultInboxMaxBytes`, 256 KiB). */
  inboxMaxBytes?: number;
  /** Log 500s somewhere other than stderr (tests). */
  logError?: (err: unknown) => void;
}

/** Builds the app around a context (database, event bus, throttle). */
export function createApp(ctx: AppContext, options: AppOptions = {}) {
  const logError = options.logError ?? ((err: unknown) => console.error(err));
  const app = new Hono<AppEnv>();

  if (options.baseUrl !== undefined) app.use(onlyHost(options.baseUrl));
  // No text Daf keeps holds a NUL, and PostgreSQL cannot even compare one (middleware/nul.ts).
  app.use(refuseNulAddress());
  app.use(async function context(c, next) {
    c.set('ctx', ctx);
    c.set('baseUrl', (options.baseUrl ?? new URL(c.req.url).origin).replace(/\/+$/, ''));
    c.set('clientAddress', clientAddress(c, options.trustProxy ?? false));
    await next();
  });
  // Scripts, styles and JSON go out gzipped to a browser that accepts it. Built scripts and
  // styles come with Brotli and gzip copies made at build time, which `builtFile` sends instead
  // (README, "Benchmarks": app_js_wire_kb and app_js_wire_gzip_kb are measured on the wire). Event
  // streams are left alone, so each event goes out as it happens.
  const compressible = (type: string) => !type.startsWith('text/event-stream') && /^(application\/(javascript|json|ld\+json|atom\+xml)|text\/(css|html|javascript))/.test(type);
  for (const door of ['/assets/*', '/embed.js', '/embed/assets/*', '/api/*', '/annotations/*', '/feeds/*']) app.use(door, compress({ encoding: 'gzip', contentTypeFilter: compressible }));
  // Other sites may call the API, the W3C containers, oEmbed, the feeds and the widget's script, never with cookies.
  for (const door of ['/api/*', '/annotations/*', '/oembed', '/feeds/*', '/embed.js', '/embed/assets/*']) app.use(door, crossOrigin());
  app.use('/api/*', privateAnswers(), authenticate(), limitScope(), limitWrites());
  app.use('/annotations/*', privateAnswers(), authenticate(), limitScope(), limitWrites());

  const timing = { lifetimeMs: options.streamLifetimeMs ?? defaultStreamTiming.lifetimeMs, pollMs: options.streamPollMs ?? defaultStreamTiming.pollMs };
  const api = new Hono<AppEnv>()
    .route('/', authRoutes)
    .route('/', notificationRoutes(timing))
    .route('/texts', textRoutes)
    .route('/texts', eventRoutes(timing))
    .route('/texts', passageRoutes)
    .route('/', glossRoutes)
    .route('/', groupRoutes)
    .route('/', followingRoutes(options.federation))
    .route('/groups', groupEventRoutes(timing))
    .route('/', moderationRoutes)
    .route('/', searchRoutes)
    .route('/', peopleRoutes)
    .route('/', unsubscribeRoutes)
    .route('/', openapiRoutes);
  app.route('/api', api);
  app.route('/annotations', annotationRoutes);
  // Atom feeds are read as a visitor, whoever asks: no `authenticate`, and cacheable by anyone.
  app.route('/feeds', feedRoutes);
  if (options.federation) app.route('/', federationRoutes(options.federation, options.inboxMaxBytes));
  app.route('/', pageRoutes);
  app.route('/', embedRoutes);

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status, err.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: { code: 'bad_request', message: err.message || 'Bad request' } }, err.status);
    }
    logError(err);
    return c.json({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } }, 500);
  });
  return app;
}

/** The app's type, for typed clients. */
export type DafApp = ReturnType<typeof createApp>;
