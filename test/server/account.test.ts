/**
 * A person's own account (README, "The API"): the display name, a new password given with the
 * current one (which signs out every other session), and "sign out everywhere".
 */
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, TestClient } from '../helpers/test-app.ts';

const password = 'correct horse battery';

describe('one’s own account', () => {
  const t = useTestApp();

  /** A second session of `handle`, as from another browser. */
  async function elsewhere(handle: string, pass = password) {
    const c = new TestClient(t.app);
    expect((await c.post('/api/auth/login', { handle, password: pass })).status).toBe(200);
    return c;
  }

  it('changes the display name, and refuses an empty one', async () => {
    const ada = await t.signup('ada', password);
    const res = await ada.patch('/api/me', { displayName: '  Ada Lovelace ' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ handle: 'ada', name: 'Ada Lovelace', email: null, emailVerified: false, digest: 'off', mail: false });
    expect((await ada.get('/api/session')).body.me).toEqual({ handle: 'ada', name: 'Ada Lovelace' });
    expectError(await ada.patch('/api/me', { displayName: '   ' }), 400, 'invalid_request');
    expectError(await ada.patch('/api/me', { displayName: 'x', handle: 'eve' }), 400, 'invalid_request');
    expectError(await t.visitor().patch('/api/me', { displayName: 'Nobody' }), 401, 'unauthenticated');
  });

  it('changes the password given the current one, and signs out every other session', async () => {
    const bea = await t.signup('bea', password);
    const other = await elsewhere('bea');
    const token = (await bea.post('/api/tokens', { name: 'script' })).body.token as string;
    // A wrong current password changes nothing.
    expectError(await bea.post('/api/me/password', { current: 'not the one', password: 'a brand new passphrase' }), 403, 'wrong_password');
    expectError(await bea.post('/api/me/password', { current: password, password: 'short' }), 400, 'invalid_request');
    expect((await other.get('/api/me')).status).toBe(200);

    const res = await bea.post('/api/me/password', { current: password, password: 'a brand new passphrase' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ endedSessions: 1 });
    // This session goes on; the other is over; the token stays until revoked.
    expect((await bea.get('/api/me')).status).toBe(200);
    expectError(await other.get('/api/me'), 401, 'unauthenticated');
    const byToken = new TestClient(t.app);
    byToken.bearer = token;
    expect((await byToken.get('/api/me')).status).toBe(200);
    // The old password no longer lets anyone in; the new one does.
    expectError(await new TestClient(t.app).post('/api/auth/login', { handle: 'bea', password }), 401, 'bad_credentials');
    await elsewhere('bea', 'a brand new passphrase');
  });

  it('counts wrong current passwords as failed log-ins: guessing here is throttled too', async () => {
    const cal = await t.signup('cal', password);
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++) last = (await cal.post('/api/me/password', { current: `guess ${i}`, password: 'a brand new passphrase' })).status;
    expect(last).toBe(429);
    // Even the right one waits now, and nothing changed.
    expectError(await cal.post('/api/me/password', { current: password, password: 'a brand new passphrase' }), 429, 'too_many_attempts');
  });

  it('signs out everywhere, this session included', async () => {
    const dov = await t.signup('dov', password);
    const other = await elsewhere('dov');
    const res = await dov.post('/api/auth/logout-everywhere');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ endedSessions: 2 });
    expectError(await dov.get('/api/me'), 401, 'unauthenticated');
    expectError(await other.get('/api/me'), 401, 'unauthenticated');
    expectError(await t.visitor().post('/api/auth/logout-everywhere'), 401, 'unauthenticated');
  });
});
