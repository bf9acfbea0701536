/**
 * The shared machinery of the property-based robustness tests (test/server/fuzz*.test.ts):
 * nasty strings and wrong types, request bodies of every kind (valid, broken, not JSON, not
 * UTF-8, nested past any parser's depth), placeholders for ids known only at run time, and the
 * harness that sends each request and checks the three promises: never a 500 (and nothing
 * logged as one), every 4xx in the JSON error shape with a snake_case code, and a refused
 * request writes nothing (a snapshot of the database is the same before and after it).
 *
 * Each test file says who its people are (`who`), how a request is sent as each of them
 * (`send`), and what the snapshot covers (`snapshot`, usually through `snapshotTables`).
 */
import type BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { annoMediaType } from '../../schema/w3c.ts';
import type { TestClient } from './test-app.ts';

// ---------------------------------------------------------------------------------------------
// Requests

export type Body =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'none' };

export interface Req<W extends string = string> {
  method: string;
  path: string;
  body: Body;
  contentType: string | null;
  who: W;
  headers?: Record<string, string>;
}

export interface EndpointSpec<W extends string = string> {
  method: string;
  path: fc.Arbitrary<string>;
  body?: fc.Arbitrary<Body>;
  contentType?: string;
  headers?: fc.Arbitrary<Record<string, string>>;
  /** Who sends the requests; the kit's `who` unless given. */
  who?: fc.Arbitrary<W>;
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
export const nastyChar = fc.oneof(
  fc.constantFrom('a', 'e', ' ', '\n', '\t', '\u0000', '"', '\\', '<', '>', '&', '%', '/', ':', '#', '*', '[', ']', '`', '\u05d0', '\u05b0', '\u0591', '\u200f', '\ufeff', '\uffff', '🙂'),
  loneSurrogate,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
export const nastyString = fc.string({ unit: nastyChar, maxLength: 40 });
/** Strings of exactly n-1, n and n+1 code units (of one, two or three UTF-8 bytes each). */
export const sized = (n: number) =>
  fc.tuple(fc.constantFrom(-1, 0, 1), fc.constantFrom('a', '\u05d0', '\u2014')).map(([d, c]) => c.repeat(n + d));
export const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 31), 1e308),
  nastyString,
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
/** Mostly plausible, sometimes the wrong type, sometimes a nasty string. */
export const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: nastyString });
/** An object whose keys may each be missing, sometimes with an unknown key added. */
export const obj = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', ''), fc.anything({ maxDepth: 1 })) }),
    )
    .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o));

/** `[[[…"x"…]]]` or `{"a":{"a":…}}`, n levels deep, as JSON text (never built as a value). */
export function deepJson(n: number, open: string, close: string, inner = '"x"'): string {
  return open.repeat(n) + inner + close.repeat(n);
}
export const depth = fc.constantFrom(10, 65, 1000, 5000, 30_000, 200_000);
export const deepArray = depth.map((n) => deepJson(n, '[', ']'));
export const deepObject = depth.map((n) => deepJson(n, '{"a":', '}'));

export const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'application/ld+json', annoMediaType];
export const otherTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', '', 'json'];

export const contentTypeArb = (preferred: string) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant<string | null>(preferred) }, { weight: 1, arbitrary: fc.constantFrom<string | null>(...jsonTypes, ...otherTypes, null) });
/** A path segment that is usually the right one and sometimes anything at all. */
export const segment = (usual: string) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e3', '0x10', '99999999999999999', '9007199254740993', '%ZZ', '%E0%A4%A', '%00', 'FUZZ', '..', '%2F') },
  );

/** Counterexamples print short: deep bodies are megabytes long. */
export function printable<W extends string>(req: Req<W>): Req<W> {
  return Object.assign(req, {
    [fc.toStringMethod]: () => {
      const body = req.body.kind === 'json' ? JSON.stringify(req.body.value) ?? 'undefined' : req.body.kind === 'text' ? req.body.text : req.body.kind === 'bytes' ? `bytes[${req.body.bytes.length}]` : '';
      const shown = body.length > 400 ? `${body.slice(0, 200)}…(${body.length} chars)…${body.slice(-100)}` : body;
      return `${req.method} ${req.path} as ${req.who} (${req.contentType}) ${JSON.stringify(req.headers)} ${req.body.kind}: ${shown}`;
    },
  });
}

export const text = (s: string): Body => ({ kind: 'text', text: s });
export const json = (value: unknown): Body => ({ kind: 'json', value });

/** The `Cookie` header of a client's jar. */
export const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Per table: row count, last row id, and a digest (an SQL aggregate over the columns that
 * writes change; `''` for none).
 */
export function snapshotTables(sqlite: BetterSqlite3.Database, digestSql: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [table, digest] of Object.entries(digestSql)) {
    out[table] = sqlite.prepare(`SELECT count(*) AS rows, max(rowid) AS last, ${digest} AS digest FROM "${table}"`).get();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The harness

export interface KitOptions<W extends string> {
  seed: number;
  numRuns: number;
  /** Who sends a request, unless the endpoint says. */
  who: fc.Arbitrary<W>;
  /** Who sends the examples, unless the example says. */
  exampleWho: W;
  /** Sends a request (its body encoded with the kit's `encode`, its path filled with `fillText`). */
  send(req: Req<W>): Promise<Res>;
  /** A digest of everything a refused request must leave as it was. */
  snapshot(): unknown | Promise<unknown>;
  /** What the app logged as 500s so far. */
  errors(): unknown[];
}

export function createFuzzKit<W extends string>(options: KitOptions<W>) {
  /**
   * Placeholders for ids and values known only at run time (`$NAME` as a whole JSON string, or
   * inside a path or header). Filled in by `beforeAll` and, for the moving ones, just before
   * each request.
   */
  const ids: Record<string, string | number> = {};
  /** The moving ones: each read (from the database, on either dialect) just before a request that names it. */
  const dynamic: Record<string, () => string | number | Promise<string | number>> = {};
  /** What the moving ones were when last read. */
  const current: Record<string, string | number> = {};

  /** Reads afresh the moving values that `req` names. */
  async function refresh(req: Req<W>): Promise<void> {
    for (const [, name] of JSON.stringify(req).matchAll(/\$([A-Z_]+)/g)) {
      if (name in dynamic) current[name] = await dynamic[name]();
    }
  }

  function known(name: string): boolean {
    return name in ids || name in current;
  }

  function lookup(name: string): string | number {
    return name in current ? current[name] : ids[name];
  }

  function fill(value: unknown): unknown {
    if (typeof value === 'string') {
      const m = /^\$([A-Z_]+)$/.exec(value);
      return m && known(m[1]) ? lookup(m[1]) : value;
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = fill(v);
      return out;
    }
    return value;
  }

  function fillText(s: string): string {
    return s.replace(/\$([A-Z_]+)/g, (all, name: string) => (known(name) ? String(lookup(name)) : all));
  }

  /**
   * A body for an endpoint: `valid` payloads pass the request shape and reach the services,
   * `broken` ones mostly do not; `deep` templates embed deeply nested JSON where the endpoint
   * reads nested values.
   */
  function bodyArb(spec: { valid: fc.Arbitrary<unknown>; broken: fc.Arbitrary<unknown>; deep?: ((d: string) => string)[] }): fc.Arbitrary<Body> {
    const structured = fc.oneof(spec.valid, spec.broken);
    const options: fc.WeightedArbitrary<Body>[] = [
      { weight: 8, arbitrary: spec.valid.map((value): Body => ({ kind: 'json', value })) },
      { weight: 5, arbitrary: spec.broken.map((value): Body => ({ kind: 'json', value })) },
      { weight: 1, arbitrary: fc.anything().map((value): Body => ({ kind: 'json', value })) },
      { weight: 1, arbitrary: fc.json().map((text): Body => ({ kind: 'text', text })) },
      {
        weight: 1,
        arbitrary: fc
          .oneof(fc.string({ unit: nastyChar }), fc.constantFrom('', '{', '{"a":', 'nul', '[1,]', "{'a':1}", 'NaN', '1e999999', '{"a":1}x', '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u00"}'))
          .map((text): Body => ({ kind: 'text', text })),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Body => ({ kind: 'bytes', bytes })) },
      {
        weight: 1,
        arbitrary: structured.map((value): Body => {
          // Invalid UTF-8 inside an otherwise well-formed JSON body.
          const text = JSON.stringify(fill(value)) ?? 'null';
          const bytes = new TextEncoder().encode(text);
          const at = bytes.indexOf(0x22) + 1; // just inside the first string, if any
          const out = new Uint8Array(bytes.length + 2);
          out.set(bytes.subarray(0, at));
          out.set([0xc3, 0x28], at);
          out.set(bytes.subarray(at), at + 2);
          return { kind: 'bytes', bytes: out };
        }),
      },
      { weight: 1, arbitrary: fc.oneof(deepArray, deepObject).map((text): Body => ({ kind: 'text', text })) },
    ];
    for (const template of spec.deep ?? []) options.push({ weight: 1, arbitrary: fc.oneof(deepArray, deepObject).map((d): Body => ({ kind: 'text', text: template(d) })) });
    return fc.oneof(...options);
  }

  function requests(spec: EndpointSpec<W>): fc.Arbitrary<Req<W>> {
    return fc
      .record({
        method: fc.constant(spec.method),
        path: spec.path,
        body: spec.body ?? fc.constant<Body>({ kind: 'none' }),
        contentType: spec.body ? contentTypeArb(spec.contentType ?? 'application/json') : fc.constant(null),
        who: spec.who ?? options.who,
        headers: spec.headers ?? fc.constant({}),
      })
      .map(printable);
  }

  function encode(body: Body): string | Uint8Array<ArrayBuffer> | undefined {
    switch (body.kind) {
      case 'json':
        return JSON.stringify(fill(body.value)) ?? 'null';
      case 'text':
        return fillText(body.text);
      case 'bytes':
        return new Uint8Array(body.bytes);
      case 'none':
        return undefined;
    }
  }

  function describeReq(req: Req<W>, res: { status: number; text: string }): string {
    const body = req.body.kind === 'none' ? '' : String(encode(req.body) ?? '').slice(0, 300);
    return `${req.method} ${req.path} as ${req.who} (${req.contentType}) ${body}\n→ ${res.status} ${res.text.slice(0, 300)}`;
  }

  /** Sends one request and checks the three promises: no 500, the error shape, nothing written. */
  async function exercise(req: Req<W>): Promise<number> {
    await refresh(req);
    const before = await options.snapshot();
    const errors = options.errors();
    const loggedBefore = errors.length;
    const res = await options.send(req);
    const logged = errors.slice(loggedBefore).map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').slice(0, 8).join('\n'));
    const what = `${describeReq(req, res)}${logged.length ? `\nlogged: ${logged.join('\n')}` : ''}`;
    expect(res.status, what).toBeLessThan(500);
    expect(errors.slice(loggedBefore), what).toEqual([]);
    if (res.status >= 400) {
      expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
      let body: unknown;
      expect(() => (body = JSON.parse(res.text)), what).not.toThrow();
      expect(body, what).toEqual({ error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String) } });
      expect((body as { error: { message: string } }).error.message.length, what).toBeGreaterThan(0);
      expect(await options.snapshot(), `a refused request changed the database: ${what}`).toEqual(before);
    }
    return res.status;
  }

  /**
   * One test: `runs` random requests to an endpoint (after the examples), each exercised; the
   * generators must reach both a success and a refusal. Returns the statuses seen, by count.
   */
  function fuzz(name: string, spec: EndpointSpec<W>, examples: Req<W>[] = [], runs = options.numRuns) {
    it(name, async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requests(spec), async (req) => {
          const status = await exercise(req);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
        { seed: options.seed, numRuns: runs, examples: examples.map((e) => [e] as [Req<W>]) },
      );
      // The generators must reach both sides: writes that go through and writes that are refused.
      const seen = [...statuses.keys()];
      expect(seen.some((s) => s < 300), `${name}: no request succeeded`).toBe(true);
      expect(seen.some((s) => s >= 400), `${name}: no request was refused`).toBe(true);
    });
  }

  /** An example request (by default as `exampleWho`). */
  function example(method: string, path: string, body: Body, contentType: string | null = 'application/json', headers: Record<string, string> = {}, who: W = options.exampleWho): Req<W> {
    return printable({ method, path, body, contentType, who, headers });
  }

  return { ids, dynamic, fill, fillText, bodyArb, requests, encode, exercise, fuzz, example };
}
