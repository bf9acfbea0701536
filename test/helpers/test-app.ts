/**
 * A real Daf app on a real SQLite file in a temporary folder, driven through `app.request()`
 * (no port), with a small client that keeps a cookie jar per person and sends our Origin on
 * unsafe requests, as a browser on a Daf page would. Every JSON answer the client receives is
 * held to the response contract (schema/responses.ts): see `contractViolation`. A suite gets its
 * app from `useTestApp`, which opens it, checks its `errors` and closes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router } from '@fedify/fedify';
import { expect } from 'vitest';
import { createApp, type AppOptions } from '../../server/app.ts';
import { createContext, type ContextOptions, type RateLimits } from '../../server/main.ts';
import type { AppContext } from '../../server/services/context.ts';
import { createDafFederation, type DafFederation } from '../../server/services/federation/federation.ts';
import type { PasswordCost } from '../../server/services/passwords.ts';
import type { DialectName, OpenDatabase } from '../../server/storage/open-database.ts';
import { openTestDatabase, type Statement } from './test-database.ts';
import { errorShape, findResponseRoute, responseRoutes, type ResponseRoute } from '../../schema/responses.ts';
import { standIn, useFixture, type FixtureScope } from './fixtures.ts';

/**
 * The scrypt cost of test apps' passwords, a sixteenth of the real one: the server suite hashes
 * about 200 passwords, and at the real cost (about 1 s each on the loaded 2-core machine) it ran
 * 438 s instead of 289 s. test/server/passwords.test.ts keeps the real cost.
 */
export const testPasswordCost: PasswordCost = { N: 1 << 13, r: 8, p: 1 };

/** The origin tests pretend to be served from. */
export const testOrigin = 'http://daf.test';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  ctx: AppContext;
  database: OpenDatabase;
  /** Where the database is: a SQLite file in `dir`, or a postgres:// URL (for a command run on it; `databaseArgs`). */
  location: string;
  dir: string;
  /** What the app logged as 500s, and every answer a TestClient found outside its contract. Suites assert it empty. */
  errors: unknown[];
  /**
   * With `federation`, the doors Fedify itself answers behind the app's `/ap/*`, WebFinger and
   * NodeInfo handlers, as "METHOD path" in Hono's notation (`GET /ap/actors/:identifier/followers`):
   * they are not among the app's routes, which hand whole prefixes over to Fedify. Empty without.
   */
  federationDoors: string[];
  /** A client with no account. */
  visitor(): TestClient;
  /** Signs up a new person and returns their client. */
  signup(handle: string, password?: string): Promise<TestClient>;
  /** Runs `run` and gives, with its result, every statement the database ran meanwhile, in order (either dialect). */
  statementsDuring<T>(run: () => Promise<T>): Promise<{ result: T; statements: Statement[] }>;
  close(): Promise<void>;
}

/** What a test app's context and app are made with, besides its rate limits. */
export type TestAppOptions = ContextOptions &
  Pick<AppOptions, 'trustProxy'> & {
    /** The database's dialect, when a test needs one whatever the suites run on (a SQLite file to copy). */
    dialect?: DialectName;
    /**
     * Mount the ActivityPub doors (docs/federation.md) as a server at `testOrigin` would: Fedify
     * over the app's database, with neither its queue nor the publisher running, so nothing is
     * delivered anywhere; a test answers from the app alone.
     */
    federation?: boolean;
  };

/**
 * Makes a fresh app with an empty database file. 500s are collected in `errors`, and so are
 * answers outside the response contract (`ContractError`, which the request also throws). Sign-up,
 * write and password-reset limits are lifted unless `limits` sets them (tests sign up many people from one
 * address); the log-in guard keeps its real value. Passwords are hashed at `testPasswordCost`
 * unless `options` says otherwise; `options` also sets the storage quotas (the real defaults
 * unless given), the log-in guard's clock and whether to trust X-Forwarded-For.
 */
export async function createTestApp(limits: Partial<RateLimits> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-test-'));
  const { database, location, watch, drop } = await openTestDatabase(dir, options.dialect);
  const ctx = createContext(database.db, { signupsPerHour: 1e9, writesPerMinute: 1e9, resetRequestsPerHour: 1e9, resetRequestsPerEmailPerHour: 1e9, ...limits }, { passwordCost: testPasswordCost, ...options });
  const errors: unknown[] = [];
  const federation = options.federation ? federationWithDoors(() => createDafFederation(ctx, { baseUrl: testOrigin, allowPrivateAddress: false })) : null;
  const app = createApp(ctx, { baseUrl: testOrigin, trustProxy: options.trustProxy, federation: federation?.made, logError: (e) => errors.push(e) });
  contractErrorSinks.set(app, errors);
  const t: TestApp = {
    app,
    ctx,
    database,
    location,
    dir,
    errors,
    federationDoors: federation?.doors ?? [],
    visitor: () => new TestClient(app),
    async signup(handle, password = 'correct horse battery') {
      const client = new TestClient(app);
      const res = await client.post('/api/auth/signup', { handle, password });
      if (res.status !== 201) throw new Error(`signup ${handle}: ${res.status} ${JSON.stringify(res.body)}`);
      client.handle = handle;
      return client;
    },
    async statementsDuring(run) {
      const statements: Statement[] = [];
      const stop = watch((statement) => statements.push(statement));
      try {
        return { result: await run(), statements };
      } finally {
        stop();
      }
    },
    async close() {
      // Work that outlived its request (a reset mail) ends before the database closes.
      await ctx.background.settled();
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * Makes a federation (`make`) and lists the doors its Fedify router was given. Fedify keeps its
 * routes to itself, so `Router.prototype.add` is watched while `make` runs (every dispatcher and
 * inbox is set there, synchronously): the inboxes are POSTs, every other route a GET.
 */
function federationWithDoors(make: () => DafFederation): { made: DafFederation; doors: string[] } {
  const doors: string[] = [];
  const add = Router.prototype.add;
  Router.prototype.add = function (this: Router, template: string, name: string) {
    const method = name === 'inbox' || name === 'sharedInbox' ? 'POST' : 'GET';
    doors.push(`${method} ${template.replace(/\{(\w+)\}/g, ':$1')}`);
    return add.call(this, template, name);
  };
  try {
    return { made: make(), doors };
  } finally {
    Router.prototype.add = add;
  }
}

/** How `useTestApp` makes an app: `createTestApp`'s two arguments. */
export interface TestAppSettings {
  limits?: Partial<RateLimits>;
  options?: TestAppOptions;
}

/** The app a `useTestApp` suite is using now, and a way to swap it for another. */
export interface TestAppFixture extends TestApp {
  /**
   * Checks and closes the app in use and opens a fresh one with `settings` (the suite's own
   * unless given), for the rest of the test (with `each`) or the suite; the fixture closes it.
   */
  reopen(settings?: TestAppSettings): Promise<void>;
}

/**
 * The test app of a suite, as a fixture. Called in a `describe` (or at the top of a file), it
 * registers the hooks that open a fresh app (`createTestApp` with `settings`, which may be a
 * function, read when the app is opened) before the suite's tests, or before each test with
 * `each`, and afterwards assert the app's `errors` empty (its 500s and contract errors) and
 * close it, deleting its folder. The handle it returns stands for the app in use, so it is
 * read inside tests and hooks only:
 *
 *     describe('texts', () => {
 *       const t = useTestApp();
 *       let ada: TestClient;
 *       beforeAll(async () => {
 *         ada = await t.signup('ada');
 *       });
 *       it('…', async () => { … t.visitor() … });
 *     });
 */
export function useTestApp(settings: TestAppSettings | (() => TestAppSettings) = {}, scope: FixtureScope = {}): TestAppFixture {
  const open = ({ limits, options }: TestAppSettings = typeof settings === 'function' ? settings() : settings) => createTestApp(limits, options);
  const app = useFixture(
    'useTestApp’s app',
    () => open(),
    async (t) => {
      try {
        expect(t.errors).toEqual([]);
      } finally {
        await t.close();
      }
    },
    scope,
  );
  return standIn(app, { close: app.close, reopen: (s?: TestAppSettings) => app.reopen(() => open(s)) });
}

/** An answer outside the response contract: which request, which route, and zod's issues by path. */
export class ContractError extends Error {
  override name = 'ContractError';
}

/** Where a TestClient of an app records contract errors: that app's `errors`, which its suite asserts empty. */
const contractErrorSinks = new WeakMap<object, unknown[]>();

/**
 * Why an answer breaks the response contract, or null when it keeps it (or has none): a 2xx
 * JSON answer of a route in `routes` must match that route's shape, and any JSON answer of 400
 * or more the error shape `{error: {code, message}}`. Exported so the check itself is tested
 * (test/server/contract.test.ts).
 */
export function contractViolation(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
  routes: readonly ResponseRoute[] = responseRoutes,
): string | null {
  if (method === 'HEAD' || !/^application\/json\b/i.test(contentType ?? '')) return null;
  const path = new URL(url, testOrigin).pathname;
  let route: string;
  let shape: ResponseRoute['shape'];
  if (status >= 200 && status < 300) {
    const found = findResponseRoute(method, path, routes);
    if (!found) return null;
    route = `${found.method} ${found.path}`;
    shape = found.shape;
  } else if (status >= 400) {
    route = 'the error shape';
    shape = errorShape;
  } else {
    return null;
  }
  const result = shape.safeParse(body);
  if (result.success) return null;
  const issues = result.error.issues.slice(0, 10).map((i) => `  ${i.path.length ? i.path.join('.') : '(the body)'}: ${i.message}`);
  const more = result.error.issues.length > 10 ? `\n  … and ${result.error.issues.length - 10} more` : '';
  return `${method} ${url} answered ${status} outside its contract (${route}, schema/responses.ts):\n${issues.join('\n')}${more}`;
}

/** A response with its parsed JSON body (or text, when it is not JSON). */
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One person's HTTP client: a cookie jar, an optional bearer token, our Origin by default. */
export class TestClient {
  cookies = new Map<string, string>();
  bearer: string | null = null;
  origin: string | null = testOrigin;
  handle: string | null = null;
  /** The routes and shapes answers are checked against; a test of the check itself may swap them. */
  contract: readonly ResponseRoute[] = responseRoutes;

  constructor(private readonly app: ReturnType<typeof createApp>) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    const h = new Headers(headers);
    if (body !== undefined && !h.has('content-type')) h.set('content-type', 'application/json');
    if (this.cookies.size) h.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (this.bearer) h.set('authorization', `Bearer ${this.bearer}`);
    if (this.origin && !['GET', 'HEAD'].includes(method) && !h.has('origin')) h.set('origin', this.origin);
    const res = await this.app.request(`${testOrigin}${url}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair.split('=');
      if (/max-age=0/i.test(c) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    // A compressed answer (the test asked for one) is not read as JSON here, so it is not checked.
    const violation = res.headers.has('content-encoding') ? null : contractViolation(method, url, res.status, res.headers.get('content-type'), parsed, this.contract);
    if (violation !== null) {
      // Recorded for the suite's `errors` check, and thrown, so the request that broke it fails
      // where it was made even in a suite that does not check `errors`.
      const error = new ContractError(violation);
      contractErrorSinks.get(this.app)?.push(error);
      throw error;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  put(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PUT', url, body ?? {}, headers);
  }
  patch(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', url, body ?? {}, headers);
  }
  delete(url: string, headers?: Record<string, string>) {
    return this.request('DELETE', url, undefined, headers);
  }
}

/** Creates a text as `client` and returns its slug. */
export async function createText(
  client: TestClient,
  input: { title: string; content: unknown; format?: string; language?: string; slug?: string; direction?: string; visibility?: string; group?: string },
): Promise<string> {
  const res = await client.post('/api/texts', { format: 'markdown', language: 'en', ...input });
  if (res.status !== 201) throw new Error(`create text: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.slug;
}

/** Creates a layer and returns its slug. */
export async function createLayer(client: TestClient, text: string, input: { name: string; visibility?: string; writePolicy?: string; slug?: string }) {
  const res = await client.post(`/api/texts/${text}/layers`, { visibility: 'public', ...input });
  if (res.status !== 201) throw new Error(`create layer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.slug as string;
}

/** Writes a gloss and returns the response body (the gloss). */
export async function writeGloss(client: TestClient, text: string, layer: string, target: Record<string, unknown>, markdown = 'A note.', motivation?: string) {
  const res = await client.post(`/api/texts/${text}/layers/${layer}/glosses`, { target, body: { markdown }, ...(motivation ? { motivation } : {}) });
  if (res.status !== 201) throw new Error(`write gloss: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
