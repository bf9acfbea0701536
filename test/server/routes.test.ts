/**
 * The route table and its documentation agree: every route the app registers is in
 * `apiOperations` (and so in /api/openapi.json), every documented operation is a route, and the
 * served document is well-formed OpenAPI 3.1. Unknown routes and wrong methods answer in the
 * JSON error shape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '../../server/openapi.ts';
import { useTestApp, testOrigin, type TestResponse } from '../helpers/test-app.ts';

const httpMethods = ['get', 'post', 'put', 'patch', 'delete', 'options'] as const;

/**
 * Hono's `/a/:b/c` as OpenAPI's `/a/{b}/c`, and a parameter that is a file name with an
 * extension, `:b{[^/]+\.atom}` (the feeds), as `{b}.atom`.
 */
function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)(?:\{\[\^\/\]\+\\\.([a-z]+)\})?/g, (_, name: string, ext?: string) => (ext ? `{${name}}.${ext}` : `{${name}}`));
}

/** The `{name}`s of an OpenAPI path, in order. */
function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** A concrete URL for a documented path. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, (p) => (p === '{id}' ? '1' : 'x'));
}

function expectJsonError(res: TestResponse, what: string) {
  expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(res.body, what).toEqual({ error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String) } });
}

describe('routes and their documentation', () => {
  const t = useTestApp();
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    routes = t.app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toLowerCase(), path: openapiPath(r.path) }));
  });

  it('registers the routes it should (the listing is not empty or all middleware)', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toContainEqual({ method: 'post', path: '/api/texts/{slug}/layers/{layer}/glosses' });
    expect(routes).toContainEqual({ method: 'get', path: '/annotations/{text}/{layer}/' });
  });

  it('documents every registered route in apiOperations', () => {
    const undocumented = routes.filter((r) => !apiOperations[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undocumented).toEqual([]);
  });

  it('registers every documented operation as a route', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const missing: string[] = [];
    for (const [path, methods] of Object.entries(apiOperations)) {
      for (const method of Object.keys(methods)) if (!registered.has(`${method} ${path}`)) missing.push(`${method.toUpperCase()} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('registers each method and path once (a second registration would never run)', () => {
    const seen = routes.map((r) => `${r.method} ${r.path}`);
    expect(seen.filter((r, i) => seen.indexOf(r) !== i)).toEqual([]);
  });

  it('documents exactly the path parameters each path has, and only HTTP methods', () => {
    for (const [path, methods] of Object.entries(apiOperations)) {
      expect(path, path).toMatch(/^\/((api|annotations)\/|(t|g|u|invite|verify-email|reset-password|assets|embed\/t|embed\/assets|feeds\/texts|feeds\/groups)\/\{|$|oembed$|account$|embed\.js$|embed\/connect$)/);
      for (const [method, op] of Object.entries(methods)) {
        expect(httpMethods as readonly string[], `${method} ${path}`).toContain(method);
        expect(op.params ?? [], `${method} ${path}`).toEqual(pathParams(path));
        expect(op.summary.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('serves a valid-looking OpenAPI 3.1 document at /api/openapi.json', async () => {
    const res = await t.visitor().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: testOrigin }]);
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(apiOperations).sort());
    for (const [path, methods] of Object.entries(apiOperations)) {
      expect(Object.keys(doc.paths[path]).sort(), path).toEqual(Object.keys(methods).sort());
      for (const [method, op] of Object.entries(methods)) {
        const served = doc.paths[path][method];
        const what = `${method} ${path}`;
        expect(served.summary, what).toBe(op.summary);
        expect(Object.keys(served.responses).length, what).toBeGreaterThan(0);
        expect(served.responses[String(op.status ?? 200)], what).toBeDefined();
        for (const name of pathParams(path)) {
          expect(served.parameters, what).toContainEqual({ name, in: 'path', required: true, schema: { type: 'string' } });
        }
        if (op.body) {
          const schema = served.requestBody?.content?.['application/json']?.schema;
          expect(schema, what).toBeTypeOf('object');
          expect(schema.type ?? schema.anyOf ?? schema.oneOf, what).toBeDefined();
        }
        if (op.auth) expect(served.security, what).toEqual(expect.arrayContaining([{ bearer: [] }]));
      }
    }
    // Every $ref points at something in the document.
    const refs = [...res.text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    expect(doc.components.schemas.Error.required).toEqual(['error']);
  });

  it('answers an unknown route with 404 in the JSON error shape', async () => {
    const visitor = t.visitor();
    for (const [method, url] of [
      ['GET', '/nope'],
      ['GET', '/api'],
      ['GET', '/api/nope'],
      ['POST', '/api/nope'],
      ['GET', '/api/texts/x/nope'],
      ['GET', '/annotations/x'],
      ['GET', '/annotations/x/y/1/2'],
      ['DELETE', '/api/auth/signup/extra'],
    ] as const) {
      const res = await visitor.request(method, url, method === 'GET' ? undefined : {});
      expect(res.status, `${method} ${url}`).toBe(404);
      expectJsonError(res, `${method} ${url}`);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('answers a method a path does not have with 404 or 405 in the JSON error shape', async () => {
    const visitor = t.visitor();
    const wrong: string[] = [];
    for (const [path, methods] of Object.entries(apiOperations)) {
      for (const method of httpMethods) {
        if (method in methods) continue;
        const url = concrete(path);
        const res = await visitor.request(method.toUpperCase(), url, method === 'get' ? undefined : {});
        const what = `${method.toUpperCase()} ${url}`;
        if (res.status !== 404 && res.status !== 405) wrong.push(`${what} → ${res.status}`);
        else expectJsonError(res, what);
      }
    }
    expect(wrong).toEqual([]);
    const odd = await t.app.request(`${testOrigin}/api/texts`, { method: 'PROPFIND' });
    expect([404, 405]).toContain(odd.status);
    expect(await odd.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
