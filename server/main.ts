/**
 * Starting Daf: open the database, migrate, load the demo into an empty database, and serve
 * the app on a port. Used by `daf serve` and by tests that need a real HTTP server.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { EventBus } from './services/event-bus.ts';
import { Background } from './services/background.ts';
import { scheduleDigests } from './services/digests.ts';
import { Throttle } from './services/throttle.ts';
import { limitStores, type LimitStoreKind } from './services/limit-stores.ts';
import { LoginGuard } from './services/login-guard.ts';
import { defaultPasswordCost, type PasswordCost } from './services/passwords.ts';
import { mailDelivers, mailerFromEnv, type Mailer } from './services/mail.ts';
import { defaultQuotas, type StorageQuotas } from './services/quotas.ts';
import type { AppContext } from './services/context.ts';
import { openDatabase, type OpenDatabase } from './storage/open-database.ts';
import type { PostgresOptions } from './storage/postgres/open.ts';
import { listenForEvents } from './storage/postgres/listen.ts';
import { loadDemo, isEmpty } from './demo.ts';
import { createDafFederation, type FederationSettings } from './services/federation/federation.ts';
import { startPublisher, type Publisher } from './services/federation/publisher.ts';

/** Rate limits: how many of each thing per window. Generous for people, tight for scripts run amok. */
export interface RateLimits {
  /** Failed log-ins from one address for one handle before the backoff begins (see LoginGuard). */
  loginFreeFailures: number;
  /** Sign-ups per address in an hour. */
  signupsPerHour: number;
  /** Unsafe API requests (writes) per person in a minute. */
  writesPerMinute: number;
  /** Password-reset requests per client address in an hour. */
  resetRequestsPerHour: number;
  /** Password-reset requests per e-mail address asked for (known or not) in an hour: how many mails one mailbox may be sent. */
  resetRequestsPerEmailPerHour: number;
  /** Replies and reports taken in from one other server in an hour (federation): past it, they are dropped. */
  remotePostsPerHostPerHour: number;
}

export const defaultRateLimits: RateLimits = {
  loginFreeFailures: 3,
  signupsPerHour: 20,
  writesPerMinute: 120,
  resetRequestsPerHour: 10,
  resetRequestsPerEmailPerHour: 3,
  remotePostsPerHostPerHour: 300,
};

/** Options of a context beyond its rate limits. */
export interface ContextOptions {
  /** Per-account storage quotas (default `defaultQuotas`); null lifts them (the command line). */
  quotas?: StorageQuotas | null;
  /** The clock of the log-in guard (tests move it by hand); Date.now by default. */
  now?: () => number;
  /** The clock of writes, whose reading each write stores as its moment (tests fix it); `new Date()` by default. */
  clock?: () => Date;
  /**
   * The scrypt cost of password hashes; `defaultPasswordCost` (OWASP's minimum) unless lowered
   * on purpose. Never lower it for a real server: it is what a stolen database costs to crack.
   */
  passwordCost?: PasswordCost;
  /** Where mail goes; by default as `DAF_SMTP_URL` says, else to standard error. */
  mailer?: Mailer;
  /** Where what fails after its request was answered (a mail that could not be sent) is logged; standard error by default. */
  log?: (line: string) => void;
  /** Where rate limits are counted: the database (shared by every process on it; the default) or this process's memory. */
  limitStore?: LimitStoreKind;
}

/** Builds the context around an open database. */
export function createContext(db: OpenDatabase['db'], limits: Partial<RateLimits> = {}, options: ContextOptions = {}): AppContext {
  const l = { ...defaultRateLimits, ...limits };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const mailer = options.mailer ?? mailerFromEnv(process.env, log);
  const stores = limitStores(db, options.limitStore ?? 'database', log);
  const hour = 60 * 60 * 1000;
  return {
    quotas: options.quotas === undefined ? defaultQuotas : options.quotas,
    passwordCost: options.passwordCost ?? defaultPasswordCost,
    db,
    bus: new EventBus(),
    clock: options.clock ?? (() => new Date()),
    loginGuard: new LoginGuard(stores.failures, { freeFailures: l.loginFreeFailures, ...(options.now ? { now: options.now } : {}) }),
    signupThrottle: new Throttle('signup', l.signupsPerHour, hour, stores.hits),
    writeThrottle: new Throttle('write', l.writesPerMinute, 60 * 1000, stores.hits),
    resetThrottle: new Throttle('reset', l.resetRequestsPerHour, hour, stores.hits),
    resetEmailThrottle: new Throttle('reset-mail', l.resetRequestsPerEmailPerHour, hour, stores.hits),
    remoteThrottle: new Throttle('remote', l.remotePostsPerHostPerHour, hour, stores.hits),
    mailer,
    mailOn: mailDelivers(mailer),
    log,
    background: new Background(log),
  };
}

export interface RunningServer {
  url: string;
  port: number;
  database: OpenDatabase;
  context: AppContext;
  /** The federation publisher, when federation is on (tests call its `pass`). */
  publisher: Publisher | null;
  close(): Promise<void>;
}

/** Opens the database at `dbPath` and serves Daf on `port` (0 picks a free one). */
export async function startServer(options: {
  dbPath: string;
  port: number;
  host?: string;
  baseUrl?: string;
  /** Per-account storage quotas; `defaultQuotas` when unset. */
  quotas?: StorageQuotas;
  /** Behind a reverse proxy: take client addresses from X-Forwarded-For. */
  trustProxy?: boolean;
  demo?: boolean;
  /** How long one live event stream stays open (see routes/events.ts). */
  streamLifetimeMs?: number;
  /** How often a live stream looks at the log without a wake-up (see routes/live-stream.ts). */
  streamPollMs?: number;
  /** Where mail goes; as `DAF_SMTP_URL` says by default. */
  mailer?: Mailer;
  /** How often to look for digests that are due (`digestCheckMs` by default); only when mail is on. */
  digestCheckMs?: number;
  /** The clock of writes and digests (tests move it); `new Date()` by default. */
  clock?: () => Date;
  log?: (line: string) => void;
  /** On PostgreSQL: the pool's size, and whether to migrate on starting (docs/postgres.md §1). */
  database?: PostgresOptions;
  /** Where rate limits are counted (`DAF_LIMIT_STORE`): the database, shared by every process on it (the default), or memory. */
  limitStore?: LimitStoreKind;
  /** Rate limits other than the defaults (tests). */
  limits?: Partial<RateLimits>;
  /**
   * Federate over ActivityPub (docs/federation.md); needs `baseUrl`. Off when unset. Tests may
   * give the document and context loaders (served from recorded documents, offline).
   */
  federation?: Pick<FederationSettings, 'documentLoaderFactory' | 'contextLoaderFactory' | 'authenticatedDocumentLoaderFactory' | 'queueWorkers'> & { allowPrivateAddress?: boolean; inboxMaxBytes?: number };
}): Promise<RunningServer> {
  if (options.federation && options.baseUrl === undefined) throw new Error('Federation needs a base URL: the public origin every id is made from');
  const log = options.log ?? (() => {});
  const database = await openDatabase(options.dbPath, options.database);
  const context = createContext(database.db, options.limits ?? {}, { quotas: options.quotas, mailer: options.mailer, clock: options.clock, limitStore: options.limitStore });
  // On PostgreSQL, other processes' writes wake this one's streams too (docs/postgres.md §6).
  const listener =
    database.dialect === 'postgres'
      ? listenForEvents(process.env.DAF_PG_LISTEN_URL ?? options.dbPath, { text: (id) => context.bus.notify(id), person: (id) => context.bus.notifyPerson(id) }, context.log)
      : null;
  // Served even if PostgreSQL will not take the LISTEN yet: streams poll meanwhile.
  await Promise.race([listener?.ready, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  if (options.demo !== false && (await isEmpty(database.db))) {
    const summary = await loadDemo(context);
    log(`Empty database: loaded the demo (${summary.texts.join(', ')})`);
  }
  // Federation: Fedify's queue (deliveries, inbox work) and the publisher run in every serving
  // process; the queue's leases and the publisher's cursor keep them from doing a thing twice.
  const fed = options.federation
    ? createDafFederation(context, {
        baseUrl: options.baseUrl!,
        allowPrivateAddress: options.federation.allowPrivateAddress ?? false,
        documentLoaderFactory: options.federation.documentLoaderFactory,
        contextLoaderFactory: options.federation.contextLoaderFactory,
        authenticatedDocumentLoaderFactory: options.federation.authenticatedDocumentLoaderFactory,
        queueWorkers: options.federation.queueWorkers,
      })
    : null;
  const queueStop = new AbortController();
  const queue = fed ? fed.federation.startQueue(context, { signal: queueStop.signal }) : null;
  const publisher = fed ? startPublisher(context, fed) : null;
  const app = createApp(context, {
    baseUrl: options.baseUrl,
    streamLifetimeMs: options.streamLifetimeMs,
    streamPollMs: options.streamPollMs,
    trustProxy: options.trustProxy,
    federation: fed ?? undefined,
    inboxMaxBytes: options.federation?.inboxMaxBytes,
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(s as Server)) as Server;
  });
  const port = (server.address() as AddressInfo).port;
  const url = options.baseUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  // Digests go out on schedule while the server runs, if it can mail anyone.
  const digests = context.mailOn ? scheduleDigests(context, url.replace(/\/+$/, ''), options.digestCheckMs) : null;
  return {
    url,
    port,
    database,
    context,
    publisher,
    close: async () => {
      await digests?.stop();
      await publisher?.stop();
      queueStop.abort();
      await queue?.catch(() => {});
      await listener?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // A mail still being sent finishes with the database open.
      await context.background.settled();
      await database.close();
    },
  };
}
