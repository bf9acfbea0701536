/**
 * Accounts, sessions, bearer tokens, log-in throttling and the cross-site guard (README, "Reading groups").
 */
import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApp, createText, TestClient, type TestApp } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Asserts the JSON error shape `{error:{code,message}}` with a status and a code. */

/** A client that carries the given session cookie and nothing else. */
function clientWithCookie(t: TestApp, secret: string): TestClient {
  const c = t.visitor();
  c.cookies.set('daf_session', secret);
  return c;
}

describe('accounts and sessions', () => {
  const t = useTestApp();

  it('signs up with 201 and an HttpOnly, SameSite=Lax session cookie', async () => {
    const c = t.visitor();
    const res = await c.post('/api/auth/signup', { handle: 'ada', password: 'correct horse battery', displayName: 'Ada L.' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ handle: 'ada', name: 'Ada L.' });
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((s) => s.startsWith('daf_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//i);
    // The test origin is http: no Secure flag, or the browser would drop the cookie.
    expect(session).not.toMatch(/;\s*Secure/i);
    const me = await c.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ handle: 'ada', name: 'Ada L.', email: null, emailVerified: false, digest: 'off', mail: false });
  });

  it('refuses a handle that exists in another case with 409 handle_taken', async () => {
    await t.signup('Grace');
    for (const handle of ['grace', 'GRACE', 'gRaCe']) {
      const res = await t.visitor().post('/api/auth/signup', { handle, password: 'another long password' });
      expectError(res, 409, 'handle_taken');
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const count = await t.database.db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).where('handle_key', '=', 'grace').executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('lets one of several sign-ups racing for a handle win, and tells the others 409 handle_taken', async () => {
    // All pass the first look for the handle while their passwords hash; the unique index decides.
    const answers = await Promise.all(Array.from({ length: 4 }, () => t.visitor().post('/api/auth/signup', { handle: 'racer', password: 'a long enough password' })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of answers.filter((a) => a.status === 409)) expectError(r, 409, 'handle_taken');
  });

  it.each([
    ['a one-letter handle', { handle: 'a', password: 'long enough pw' }],
    ['a handle with a space', { handle: 'has space', password: 'long enough pw' }],
    ['a handle starting with "-"', { handle: '-dash', password: 'long enough pw' }],
    ['a handle starting with "."', { handle: '.dot', password: 'long enough pw' }],
    ['a handle of 33 characters', { handle: 'x'.repeat(33), password: 'long enough pw' }],
    ['a handle with non-ASCII letters', { handle: 'שלום', password: 'long enough pw' }],
    ['a 7-character password', { handle: 'shortpw', password: '1234567' }],
    ['a missing password', { handle: 'nopw' }],
    ['an unknown field', { handle: 'extra', password: 'long enough pw', admin: true }],
  ])('refuses %s with 400 invalid_request', async (_, body) => {
    const res = await t.visitor().post('/api/auth/signup', body);
    expectError(res, 400, 'invalid_request');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('answers a body that is not JSON with the JSON error shape', async () => {
    const bad = await t.visitor().request('POST', '/api/auth/signup', '{"handle":', { 'content-type': 'application/json' });
    expectError(bad, 400, 'invalid_json');
    const form = await t.visitor().request('POST', '/api/auth/signup', 'handle=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expectError(form, 415, 'unsupported_media_type');
  });

  it('logs in with the right password and refuses a wrong one with 401', async () => {
    await t.signup('linus', 'penguins all the way');
    const c = t.visitor();
    const ok = await c.post('/api/auth/login', { handle: 'linus', password: 'penguins all the way' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ handle: 'linus' });
    expect(c.cookies.get('daf_session')).toBeTruthy();
    expect((await c.get('/api/me')).body).toMatchObject({ handle: 'linus' });

    const wrong = t.visitor();
    const res = await wrong.post('/api/auth/login', { handle: 'linus', password: 'penguins all the wax' });
    expectError(res, 401, 'bad_credentials');
    expect(wrong.cookies.size).toBe(0);
    expectError(await wrong.get('/api/me'), 401, 'unauthenticated');

    const unknown = await t.visitor().post('/api/auth/login', { handle: 'nobody-here', password: 'whatever it is' });
    expectError(unknown, 401, 'bad_credentials');
  });

  it('ends the session on logout, on the server and not only in the jar', async () => {
    const c = await t.signup('leaver');
    const secret = c.cookies.get('daf_session')!;
    expect((await c.get('/api/me')).status).toBe(200);
    expect((await c.get('/api/session')).body).toEqual({ me: { handle: 'leaver', name: 'leaver' } });
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((s) => s.startsWith('daf_session=') && /max-age=0/i.test(s))).toBe(true);
    expect(c.cookies.has('daf_session')).toBe(false);
    expectError(await c.get('/api/me'), 401, 'unauthenticated');
    expect((await c.get('/api/session')).body).toEqual({ me: null });
    // Replaying the old cookie does not bring the session back.
    expectError(await clientWithCookie(t, secret).get('/api/me'), 401, 'unauthenticated');
    const rows = await t.database.db.selectFrom('session').select('token_hash').where('token_hash', '=', sha256(secret)).execute();
    expect(rows).toEqual([]);
  });

  it('treats an unknown session cookie as a visitor on reads', async () => {
    const c = clientWithCookie(t, 'not-a-real-session');
    expectError(await c.get('/api/me'), 401, 'unauthenticated');
    expect((await c.get('/api/texts')).status).toBe(200);
  });

  it('stores only the SHA-256 of session secrets', async () => {
    const c = await t.signup('hasher');
    const secret = c.cookies.get('daf_session')!;
    expect(secret.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    const rows = (await t.database.db.selectFrom('session').selectAll().execute()) as unknown as Record<string, unknown>[];
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(secret);
    expect(rows.map((r) => r.token_hash)).toContain(sha256(secret));
  });
});

describe('bearer tokens', () => {
  const t = useTestApp();

  it('creates a token that works without a cookie or an Origin, lists it, and revokes it', async () => {
    const owner = await t.signup('scripter');
    const created = await owner.post('/api/tokens', { name: 'my script' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'my script', token: expect.any(String) });
    const token: string = created.body.token;

    // A script: no cookie jar, no Origin header.
    const script = t.visitor();
    script.origin = null;
    script.bearer = token;
    const me = await script.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ handle: 'scripter' });
    const write = await script.post('/api/texts', { title: 'By script', format: 'plain', language: 'en', content: 'Written by a script.' });
    expect(write.status).toBe(201);
    // An Origin from elsewhere does not matter to a bearer token either.
    const foreign = await script.post('/api/texts', { title: 'By script 2', format: 'plain', language: 'en', content: 'Again.' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(201);

    // The listing shows the token without its secret.
    const list = await owner.get('/api/tokens');
    expect(list.status).toBe(200);
    expect(list.body.tokens).toEqual([expect.objectContaining({ id: created.body.id, name: 'my script', lastUsed: expect.any(String) })]);
    expect(JSON.stringify(list.body)).not.toContain(token);

    // Only the hash is stored.
    const rows = (await t.database.db.selectFrom('api_token').selectAll().execute()) as unknown as Record<string, unknown>[];
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token)]);

    // Someone else cannot revoke it.
    const other = await t.signup('other');
    expectError(await other.delete(`/api/tokens/${created.body.id}`), 404, 'not_found');
    expect((await script.get('/api/me')).status).toBe(200);

    const revoked = await owner.delete(`/api/tokens/${created.body.id}`);
    expect(revoked.status).toBe(204);
    expectError(await script.get('/api/me'), 401, 'bad_token');
    expectError(await script.post('/api/texts', { title: 'Late', format: 'plain', language: 'en', content: 'x' }), 401, 'bad_token');
    expect((await owner.get('/api/tokens')).body.tokens).toEqual([]);
  });

  it.each([
    ['an unknown token', 'Bearer daf_not-a-token'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic YWRhOmFkYQ=='],
  ])('answers %s with 401 bad_token, even on reads', async (_, header) => {
    const res = await t.visitor().get('/api/texts', { authorization: header });
    expectError(res, 401, 'bad_token');
  });

  it('needs a session to create a token', async () => {
    expectError(await t.visitor().post('/api/tokens', { name: 'x' }), 401, 'unauthenticated');
  });
});

describe('the cross-site guard on cookie sessions', () => {
  const t = useTestApp();
  let ada: TestClient;
  const textCount = async () => (await t.database.db.selectFrom('text').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['our host on another scheme', { origin: 'https://daf.test' }],
    ['our host on another port', { origin: 'http://daf.test:8080' }],
    ['a foreign Origin with Sec-Fetch-Site same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
  ])('refuses an unsafe request with %s: 403 cross_site, nothing changed', async (_, headers) => {
    const before = await textCount();
    const res = await ada.post('/api/texts', { title: 'Forged', format: 'plain', language: 'en', content: 'forged' }, headers);
    expectError(res, 403, 'cross_site');
    expect(await textCount()).toBe(before);
  });

  it('refuses an unsafe request with neither Origin nor Sec-Fetch-Site', async () => {
    const c = clientWithCookie(t, ada.cookies.get('daf_session')!);
    c.origin = null;
    const before = await textCount();
    expectError(await c.post('/api/texts', { title: 'Forged', format: 'plain', language: 'en', content: 'forged' }), 403, 'cross_site');
    expectError(await c.post('/api/tokens', { name: 'forged' }), 403, 'cross_site');
    expectError(await c.post('/api/auth/logout'), 403, 'cross_site');
    expect(await textCount()).toBe(before);
    expect((await ada.get('/api/tokens')).body.tokens).toEqual([]);
    // The session survived the forged logout.
    expect((await c.get('/api/me')).status).toBe(200);
  });

  it.each(['cross-site', 'same-site', 'none'])('refuses Sec-Fetch-Site: %s without an Origin', async (site) => {
    const c = clientWithCookie(t, ada.cookies.get('daf_session')!);
    c.origin = null;
    const before = await textCount();
    expectError(await c.post('/api/texts', { title: 'Forged', format: 'plain', language: 'en', content: 'x' }, { 'sec-fetch-site': site }), 403, 'cross_site');
    expect(await textCount()).toBe(before);
  });

  it('allows an unsafe request with no Origin but Sec-Fetch-Site: same-origin', async () => {
    const c = clientWithCookie(t, ada.cookies.get('daf_session')!);
    c.origin = null;
    const before = await textCount();
    const res = await c.post('/api/texts', { title: 'Same origin', format: 'plain', language: 'en', content: 'fine' }, { 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(201);
    expect(await textCount()).toBe(before + 1);
  });

  it('allows our own Origin, and reads need no Origin at all', async () => {
    const slug = await createText(ada, { title: 'Own origin', content: 'Hello.' });
    const c = clientWithCookie(t, ada.cookies.get('daf_session')!);
    c.origin = null;
    expect((await c.get(`/api/texts/${slug}`)).status).toBe(200);
    expect((await c.get('/api/me')).status).toBe(200);
  });

  it('lets a visitor without a cookie sign up with no Origin (nothing to forge)', async () => {
    const c = t.visitor();
    c.origin = null;
    expect((await c.post('/api/auth/signup', { handle: 'noorigin', password: 'long enough pw' })).status).toBe(201);
  });
});

describe('log-in throttling', () => {
  let clock: number;
  beforeEach(() => {
    clock = Date.parse('2026-12-05T12:00:00Z');
  });
  const t = useTestApp({ options: { now: () => clock, trustProxy: true } }, { each: true });
  const login = (handle: string, password: string, address?: string) =>
    t.visitor().post('/api/auth/login', { handle, password }, address ? { 'x-forwarded-for': address } : {});
  const retryAfter = (res: { headers: Headers }) => Number(res.headers.get('retry-after'));
  beforeEach(async () => {
    await t.signup('target', 'the right password');
  });

  it('backs off per handle and address with a growing delay, the right password included', async () => {
    for (let i = 0; i < 3; i++) expectError(await login('target', `wrong ${i}`, '203.0.113.7'), 401, 'bad_credentials');
    expectError(await login('target', 'wrong 3', '203.0.113.7'), 401, 'bad_credentials');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const refused = await login('TARGET', 'the right password', '203.0.113.7');
      expectError(refused, 429, 'too_many_attempts');
      waits.push(retryAfter(refused));
      clock += retryAfter(refused) * 1000;
      expectError(await login('target', `wrong again ${i}`, '203.0.113.7'), 401, 'bad_credentials');
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    clock += 16_000;
    expect((await login('target', 'the right password', '203.0.113.7')).status).toBe(200);
    // Success forgets that address's failures: the next slip is free again.
    expectError(await login('target', 'a slip', '203.0.113.7'), 401, 'bad_credentials');
    expectError(await login('target', 'another slip', '203.0.113.7'), 401, 'bad_credentials');
  });

  it('lets the right password in from an address that has not failed, while the handle is under attack', async () => {
    for (let i = 0; i < 16; i++) await login('target', `guess ${i}`, `198.51.100.${i % 4}`);
    for (let i = 0; i < 12; i++) await login('target', `guess ${i}`, `192.0.2.${i}`);
    expectError(await login('target', 'one more', '198.51.100.1'), 429, 'too_many_attempts');
    const res = await login('target', 'the right password', '203.0.113.50');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('slows a distributed guesser: under attack, an address that failed once waits before its next guess', async () => {
    for (let i = 0; i < 14; i++) expectError(await login('target', `guess ${i}`, `192.0.2.${i}`), 401, 'bad_credentials');
    expectError(await login('target', 'guess', '192.0.2.200'), 401, 'bad_credentials');
    const refused = await login('target', 'guess again', '192.0.2.200');
    expectError(refused, 429, 'too_many_attempts');
    expect(retryAfter(refused)).toBeGreaterThan(1);
    expect(retryAfter(refused)).toBeLessThanOrEqual(15 * 60);
  });

  it('counts by the right-most X-Forwarded-For address with trustProxy, which the client cannot forge', async () => {
    for (let i = 0; i < 5; i++) await login('target', `wrong ${i}`, `10.9.9.${i}, 203.0.113.9`);
    expectError(await login('target', 'the right password', '10.1.1.1, 203.0.113.9'), 429, 'too_many_attempts');
    expect((await login('target', 'the right password', '203.0.113.10')).status).toBe(200);
  });

  it('ignores X-Forwarded-For without trustProxy: every client is the socket address', async () => {
    await t.reopen({ options: { now: () => clock } });
    await t.signup('target', 'the right password');
    for (let i = 0; i < 5; i++) await login('target', `wrong ${i}`, '203.0.113.9');
    expectError(await login('target', 'the right password', '203.0.113.10'), 429, 'too_many_attempts');
  });

  it('throttles sign-ups by the same address', async () => {
    await t.reopen({ limits: { signupsPerHour: 1 }, options: { trustProxy: true } });
    const signup = (handle: string, address: string) =>
      t.visitor().post('/api/auth/signup', { handle, password: 'long enough pw' }, { 'x-forwarded-for': address });
    expect((await signup('one', '203.0.113.1')).status).toBe(201);
    expect((await signup('two', '203.0.113.2')).status).toBe(201);
    expectError(await signup('three', '10.0.0.1, 203.0.113.1'), 429, 'rate_limited');
  });
});
