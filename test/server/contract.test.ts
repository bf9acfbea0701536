/**
 * The response contract (schema/responses.ts) and its check: the table covers every route the
 * client reads JSON from, it agrees with the OpenAPI document, the TestClient's check catches an
 * answer outside a shape (a deliberately wrong one), and every GET the client makes answers
 * within its shape on a real app.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findResponseRoute,
  glossListingShape,
  glossShape,
  meShape,
  responseComponents,
  responseRoutes,
  type HttpMethod,
  type ResponseRoute,
} from '../../schema/responses.ts';
import { apiOperations } from '../../server/openapi.ts';
import { ContractError, contractViolation, createLayer, createTestApp, createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A call the client makes: its method and URL path, each `${value}` an `x`, the query cut off. */
interface ClientCall {
  method: string;
  url: string;
}

/**
 * Every `request(…)` and `call(…)` of client/api.ts with a literal method, read with TypeScript's
 * parser: each URL its string or template can be (both sides of a `${cond ? a : b}`, each member of
 * a parameter typed `'a' | 'b'`, the template a helper such as `passagePath` returns), without
 * the query.
 */
function clientCalls(): ClientCall[] {
  const file = path.join(root, 'client/api.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const helpers = new Map<string, ts.Expression>();
  const findHelpers = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      const last = node.body.statements.at(-1);
      if (last && ts.isReturnStatement(last) && last.expression) helpers.set(node.name.text, last.expression);
    }
    ts.forEachChild(node, findHelpers);
  };
  findHelpers(source);
  /** The strings an expression can be: both sides of a `cond ? a : b`, `x` for anything else. */
  const valuesOf = (expr: ts.Expression): string[] => {
    if (ts.isParenthesizedExpression(expr)) return valuesOf(expr.expression);
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
    if (ts.isConditionalExpression(expr)) return [...valuesOf(expr.whenTrue), ...valuesOf(expr.whenFalse)];
    if (ts.isTemplateExpression(expr)) {
      let out = [expr.head.text];
      for (const span of expr.templateSpans) {
        const values = valuesOf(span.expression);
        out = out.flatMap((prefix) => values.map((v) => prefix + v + span.literal.text));
      }
      return out;
    }
    if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && helpers.has(expr.expression.text)) return valuesOf(helpers.get(expr.expression.text)!);
    if (ts.isIdentifier(expr)) return literalsOf(expr) ?? ['x'];
    return ['x'];
  };
  /** The strings a parameter typed as a union of string literals (`action: 'approve' | 'hide'`) can be. */
  const literalsOf = (name: ts.Identifier): string[] | null => {
    for (let node: ts.Node | undefined = name.parent; node; node = node.parent) {
      if (!ts.isFunctionLike(node)) continue;
      const param = node.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name.text);
      if (!param) continue;
      const type = param.type;
      if (!type || !ts.isUnionTypeNode(type)) return null;
      const values = type.types.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : null));
      return values.every((v) => v !== null) ? (values as string[]) : null;
    }
    return null;
  };
  const calls: ClientCall[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['request', 'call'].includes(node.expression.text)) {
      const [method, url] = node.arguments;
      if (method && ts.isStringLiteral(method) && url) {
        const urls = new Set(valuesOf(url).map((u) => u.split('?')[0]));
        for (const u of urls) {
          if (!u.startsWith('/')) throw new Error(`client/api.ts: cannot read the URL of ${node.getText(source).slice(0, 80)}`);
          calls.push({ method: method.text, url: u });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

/** The documented operations as routes (Hono paths), to match the client's URLs against. */
const documented: ResponseRoute[] = Object.entries(apiOperations).flatMap(([p, methods]) =>
  Object.keys(methods).map((m) => ({ method: m.toUpperCase() as HttpMethod, path: p.replace(/\{([^}]+)\}/g, ':$1'), shape: z.never() })),
);

/** The documented operation a route of the table is, if any. */
function operationOf(r: ResponseRoute) {
  return apiOperations[r.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')]?.[r.method.toLowerCase()];
}

describe('the response contract', () => {
  it('reads the client: it calls the server through request/call, GETs among them', () => {
    const calls = clientCalls();
    expect(calls.length).toBeGreaterThan(40);
    expect(calls).toContainEqual({ method: 'GET', url: '/api/texts/x/glosses' });
    expect(calls).toContainEqual({ method: 'GET', url: '/api/texts/x/passage' });
    expect(calls).toContainEqual({ method: 'GET', url: '/api/users/x' });
    expect(calls).toContainEqual({ method: 'GET', url: '/api/search' });
  });

  it('has a shape for every GET the client makes', () => {
    const missing = clientCalls()
      .filter((c) => c.method === 'GET' && !findResponseRoute('GET', c.url))
      .map((c) => `GET ${c.url}`);
    expect(missing).toEqual([]);
  });

  it('has a shape for every other call the client makes, unless the route answers nothing (204)', () => {
    const missing: string[] = [];
    for (const c of clientCalls()) {
      if (findResponseRoute(c.method, c.url)) continue;
      const op = findResponseRoute(c.method, c.url, documented);
      const status = op ? operationOf(op)?.status : undefined;
      if (status !== 204) missing.push(`${c.method} ${c.url}${op ? '' : ' (not a documented route)'}`);
    }
    expect(missing).toEqual([]);
  });

  it('lists only documented routes that answer with a body, each once, each shape named for the OpenAPI document', () => {
    const named = new Set<z.ZodType>(Object.values(responseComponents));
    const seen = new Set<string>();
    for (const r of responseRoutes) {
      const what = `${r.method} ${r.path}`;
      expect(seen.has(what), `${what} twice`).toBe(false);
      seen.add(what);
      const op = operationOf(r);
      expect(op, `${what} is not in apiOperations`).toBeDefined();
      expect(op!.status ?? 200, what).not.toBe(204);
      expect(named.has(r.shape), `the shape of ${what} is not in responseComponents`).toBe(true);
    }
  });

  it('matches a request to its route: literal segments before parameters, whole segments only, no query', () => {
    expect(findResponseRoute('POST', '/api/texts/preview')?.path).toBe('/api/texts/preview');
    expect(findResponseRoute('GET', '/api/texts/preview')?.path).toBe('/api/texts/:slug');
    expect(findResponseRoute('get', '/api/texts/a/layers/b/glosses?x=1')?.path).toBe('/api/texts/:slug/layers/:layer/glosses');
    expect(findResponseRoute('GET', '/api/texts/a/glosses')?.path).toBe('/api/texts/:slug/glosses');
    expect(findResponseRoute('GET', '/api/texts/')).toBeUndefined();
    expect(findResponseRoute('GET', '/api/texts/a/b')).toBeUndefined();
    expect(findResponseRoute('PUT', '/api/texts')).toBeUndefined();
  });

  it('does not break on a field it does not know (objects are not strict), and does on one it needs', () => {
    expect(meShape.safeParse({ handle: 'ada', name: 'Ada', later: true }).success).toBe(true);
    expect(meShape.safeParse({ handle: 'ada' }).success).toBe(false);
  });

  it('answers each documented route of the table with its shape in the OpenAPI document', async () => {
    const t = await createTestApp();
    try {
      const doc = (await t.visitor().get('/api/openapi.json')).body;
      for (const r of responseRoutes) {
        const op = operationOf(r)!;
        const openapiPath = r.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
        const served = doc.paths[openapiPath][r.method.toLowerCase()].responses[String(op.status ?? 200)];
        const ref: string = served.content['application/json'].schema.$ref;
        expect(ref, `${r.method} ${r.path}`).toMatch(/^#\/components\/schemas\/[A-Za-z]+$/);
        expect(doc.components.schemas[ref.split('/').at(-1)!], ref).toBeTypeOf('object');
      }
      // A named shape inside another is referred to, not repeated; and no object forbids new fields.
      expect(doc.components.schemas.GlossListing.properties.glosses.items).toEqual({ $ref: '#/components/schemas/Gloss' });
      expect(JSON.stringify(doc.components.schemas)).not.toContain('"additionalProperties":false');
      expect(t.errors).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('the check of the contract, on a real app', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let text: string;
  let glossId: number;
  let invitation: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    const group = await ada.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open', premoderation: true });
    expect(group.status).toBe(201);
    text = await createText(ada, { title: 'Light', content: '# One\n\nLet there be light.\n\nAnd there was light.' });
    const layer = await createLayer(ada, text, { name: 'Notes', writePolicy: 'signed_in' });
    expect((await ada.post(`/api/texts/${text}/layers`, { name: 'Circle notes', slug: 'circle-notes', group: 'circle', visibility: 'public', writePolicy: 'members' })).status).toBe(201);
    const gloss = await writeGloss(ada, text, layer, { exact: 'there was light' }, 'A *note*.');
    glossId = gloss.id;
    expect((await bob.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'An answer.' } })).status).toBe(201);
    expect((await bob.post(`/api/glosses/${glossId}/flag`, { reason: 'Look again' })).status).toBe(201);
    for (const statement of ['Settled.', 'Settled again.']) expect((await ada.post(`/api/glosses/${glossId}/decision`, { statement, adopted: { gloss: glossId } })).status).toBe(201);
    expect((await bob.post('/api/groups/circle/join')).status).toBe(200);
    expect((await bob.post(`/api/texts/${text}/layers/circle-notes/glosses`, { target: { exact: 'Let there be' }, body: { markdown: 'Held.' } })).status).toBe(201);
    const made = await ada.post('/api/groups/circle/invitations', { maxUses: 3 });
    expect(made.status).toBe(201);
    invitation = made.body.token;
    expect((await ada.post('/api/tokens', { name: 'script' })).status).toBe(201);
    const book = await createText(ada, { title: 'Book', format: 'sefaria', content: { title: 'Book', text: [['One.', 'Two.', 'Three.']] } });
    expect((await ada.put('/api/groups/circle/plan', { text: book, schedule: { kind: 'pace', segments: 2, every: 'week', start: '2026-12-10' } })).status).toBe(200);
  });

  it('answers every GET the client makes within its shape', async () => {
    const urls = [
      '/api/session',
      '/api/me',
      '/api/tokens',
      '/api/sessions',
      '/api/users/bob',
      '/api/groups',
      '/api/groups/circle',
      '/api/groups/circle/members',
      '/api/groups/circle/audit?offset=0',
      '/api/groups/circle/invitations',
      '/api/groups/circle/following',
      `/api/invitations/${invitation}`,
      '/api/groups/circle/moderation',
      '/api/groups/circle/plan',
      '/api/search?q=light',
      '/api/texts',
      `/api/texts/${text}`,
      `/api/texts/${text}/layers`,
      `/api/texts/${text}/layers/notes`,
      `/api/texts/${text}/parallels`,
      `/api/texts/${text}/glosses`,
      `/api/texts/${text}/passage?ref=&layer=notes`,
      `/api/glosses/${glossId}`,
      `/api/glosses/${glossId}/decisions`,
      '/api/notifications',
      `/api/texts/${text}/layers/notes/mentions?handles=bob`,
    ];
    // Those are the client's GETs: a new one is added here, so that it is read once at least.
    const walked = new Set(urls.map((u) => findResponseRoute('GET', u)?.path));
    const clientGets = clientCalls().filter((c) => c.method === 'GET').map((c) => findResponseRoute('GET', c.url)?.path);
    expect(clientGets.filter((p) => !walked.has(p))).toEqual([]);
    for (const url of urls) {
      const res = await ada.get(url); // throws a ContractError outside the shape
      expect(res.status, url).toBe(200);
    }
    // A visitor's answers are shaped the same (nulls where a reader's standing would be).
    for (const url of ['/api/session', '/api/groups/circle', '/api/groups/circle/plan', `/api/texts/${text}/layers`, `/api/invitations/${invitation}`]) {
      expect((await t.visitor().get(url)).status, url).toBe(200);
    }
  });

  it('catches an answer outside a (deliberately wrong) shape: the request throws, and the suite\'s errors hold it', async () => {
    const wrong = glossListingShape.extend({ glosses: z.array(glossShape.extend({ colour: z.string() })) });
    const client = await t.signup('carol');
    client.contract = responseRoutes.map((r) => (r.path === '/api/texts/:slug/glosses' ? { ...r, shape: wrong } : r));
    const before = t.errors.length;
    const failure = await client.get(`/api/texts/${text}/glosses`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ContractError);
    const message = (failure as Error).message;
    expect(message).toContain(`GET /api/texts/${text}/glosses answered 200 outside its contract (GET /api/texts/:slug/glosses`);
    expect(message).toMatch(/glosses\.0\.colour: /);
    expect(t.errors.slice(before)).toEqual([failure]);
    // The same client, on a route whose shape is right, goes through.
    expect((await client.get(`/api/texts/${text}/layers`)).status).toBe(200);
    t.errors.length = before;
  });

  it('holds errors to the error shape, and leaves alone what is not JSON or has no shape', async () => {
    const res = await ada.get('/api/texts/no-such-text');
    expect(res.status).toBe(404);
    expect(contractViolation('GET', '/api/nope', 404, 'application/json', res.body)).toBeNull();
    expect(contractViolation('GET', '/api/nope', 404, 'application/json', { error: 'not_found' })).toMatch(/the error shape.*\n {2}error: /);
    expect(contractViolation('GET', '/api/texts', 200, 'application/json', { texts: [{ slug: 1 }] })).toMatch(/texts\.0\.slug: /);
    expect(contractViolation('GET', '/api/texts', 200, 'text/html', '<p>')).toBeNull();
    expect(contractViolation('GET', '/api/openapi.json', 200, 'application/json', {})).toBeNull();
    expect(contractViolation('DELETE', '/api/tokens/1', 204, null, null)).toBeNull();
  });
});
