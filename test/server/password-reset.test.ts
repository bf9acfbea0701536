/**
 * Password reset (README, "Accounts"), through a real SMTP server: a confirmed address is mailed
 * a link that sets a new password once, within an hour, and signs the account out everywhere;
 * any other address gets the same answer and no mail; requests are limited per client and per
 * address; a mail that fails is logged, never answered.
 */
import { describe, expect, it } from 'vitest';
import { smtpMailer, type Mail, type Mailer } from '../../server/services/mail.ts';
import { expectError } from '../helpers/expect-error.ts';
import { decoded, linkIn, useMailServer } from '../helpers/mail-server.ts';
import { createTestApp, useTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';

const oldPassword = 'correct horse battery';
const newPassword = 'a brand new passphrase';

/** Everything of an answer that could tell one address from another: status, headers (but the date) and body. */
const answerOf = (res: TestResponse) => ({
  status: res.status,
  headers: [...res.headers].filter(([name]) => name !== 'date'),
  text: res.text,
});

describe('password reset', () => {
  /** How far the app's clock is ahead of the real one. */
  let ahead = 0;
  // The mail server listens before the app opens, and closes after it.
  const smtp = useMailServer();
  const t = useTestApp(() => ({ options: { mailer: smtp.mailer(), clock: () => new Date(Date.now() + ahead) } }));

  /** Signs `handle` up and confirms `email` for them through the mailed link. */
  async function withConfirmedAddress(handle: string, email: string): Promise<TestClient> {
    const client = await t.signup(handle);
    expect((await client.patch('/api/me', { email })).status).toBe(200);
    const confirmed = await t.visitor().post('/api/auth/verify-email', { token: linkIn(smtp.inbox.at(-1)!, 'verify-email') });
    expect(confirmed.status, confirmed.text).toBe(200);
    return client;
  }

  /** Asks for a reset link for `email` as a visitor, and waits until whatever it mails has been sent. */
  async function ask(email: string, client: TestClient = t.visitor()): Promise<TestResponse> {
    const res = await client.post('/api/auth/reset-request', { email });
    await t.ctx.background.settled();
    return res;
  }

  /** The secret of the reset link in the last mail, which must have gone to `email`. */
  function lastResetLink(email: string): string {
    const mail = smtp.inbox.at(-1)!;
    expect(mail.to).toEqual([email]);
    return linkIn(mail, 'reset-password');
  }

  const logIn = (handle: string, password: string) => t.visitor().post('/api/auth/login', { handle, password });

  it('mails a confirmed address a link that sets a new password once and signs the account out everywhere', async () => {
    const ada = await withConfirmedAddress('ada', 'ada@example.org');
    const phone = t.visitor();
    expect((await phone.post('/api/auth/login', { handle: 'ada', password: oldPassword })).status).toBe(200);
    const script = t.visitor();
    script.bearer = (await ada.post('/api/tokens', { name: 'script' })).body.token;
    // Someone kept mistyping: the guard holds this address back even with the right password.
    for (let i = 0; i < 6; i++) await logIn('ada', `wrong ${i}`);
    expectError(await logIn('ada', oldPassword), 429, 'too_many_attempts');

    const before = smtp.inbox.length;
    const asked = await ask('ada@example.org');
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ accepted: true });
    expect(smtp.inbox).toHaveLength(before + 1);
    const mail = smtp.inbox.at(-1)!;
    expect(mail.raw).toContain('Subject: Reset your password on Daf');
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    expect(decoded(mail)).toContain('@ada');
    const token = lastResetLink('ada@example.org');
    // Only the SHA-256 of the secret is kept.
    const row = await t.database.db.selectFrom('user').select(['reset_token_hash', 'reset_token_expires_at']).where('handle', '=', 'ada').executeTakeFirstOrThrow();
    expect(row.reset_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);

    // The link opens the app, which sets the password with it.
    expect((await t.visitor().get(`/reset-password/${token}`)).status).toBe(200);
    const reset = await t.visitor().post('/api/auth/reset', { token, password: newPassword });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body).toEqual({ handle: 'ada', endedSessions: 2 });

    // Every session is over; the token stays, as it does when a password is changed.
    expectError(await ada.get('/api/me'), 401, 'unauthenticated');
    expectError(await phone.get('/api/me'), 401, 'unauthenticated');
    expect((await script.get('/api/me')).status).toBe(200);
    // The old password is gone, the new one works, and the guard has forgotten the typos.
    expect((await logIn('ada', newPassword)).status).toBe(200);
    expectError(await logIn('ada', oldPassword), 401, 'bad_credentials');
    // The link worked once.
    expectError(await t.visitor().post('/api/auth/reset', { token, password: 'yet another password' }), 422, 'invalid_link');
    expect((await logIn('ada', newPassword)).status).toBe(200);
  });

  it('answers any other address exactly as a confirmed one, and mails only the confirmed', async () => {
    await withConfirmedAddress('cleo', 'cleo@example.org');
    const bob = await t.signup('bob');
    expect((await bob.patch('/api/me', { email: 'bob@example.org' })).body.emailVerified).toBe(false);
    const before = smtp.inbox.length;
    const unknown = await ask('nobody@example.org');
    const unconfirmed = await ask('bob@example.org');
    // In another case, the address is the same.
    const known = await ask('CLEO@Example.org');
    expect(answerOf(unknown)).toMatchObject({ status: 202, text: '{"accepted":true}' });
    expect(answerOf(unconfirmed)).toEqual(answerOf(unknown));
    expect(answerOf(known)).toEqual(answerOf(unknown));
    // Signed in, one asks as anyone does (for someone else's address, too).
    expect((await ask('cleo@example.org', bob)).text).toBe('{"accepted":true}');
    expect(smtp.inbox.slice(before).map((m) => m.to)).toEqual([['cleo@example.org'], ['cleo@example.org']]);
    expect((await bob.get('/api/me')).body.emailVerified).toBe(false);
  });

  it('answers before the mail is sent', async () => {
    let release!: () => void;
    const sending: Mail[] = [];
    const slow: Mailer = {
      send: (mail) => {
        sending.push(mail);
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    await t.reopen({ options: { mailer: slow } });
    const dan = await t.signup('dan');
    await t.database.db.updateTable('user').set({ email: 'dan@example.org', email_verified_at: new Date().toISOString() }).where('handle', '=', 'dan').execute();
    const res = await dan.post('/api/auth/reset-request', { email: 'dan@example.org' });
    expect(res.status).toBe(202);
    await expect.poll(() => sending.length).toBe(1);
    // The answer is out, and the mail is still on its way.
    release();
    await t.ctx.background.settled();
    expect(sending[0].to).toBe('dan@example.org');
    await t.reopen();
  });

  it('lets only the newest link work, and only for an hour', async () => {
    await withConfirmedAddress('eve', 'eve@example.org');
    await ask('eve@example.org');
    const first = lastResetLink('eve@example.org');
    await ask('eve@example.org');
    const second = lastResetLink('eve@example.org');
    expect(second).not.toBe(first);
    expectError(await t.visitor().post('/api/auth/reset', { token: first, password: newPassword }), 422, 'invalid_link');
    // An hour and a second later, the newest has run out too.
    ahead = 3_601_000;
    expectError(await t.visitor().post('/api/auth/reset', { token: second, password: newPassword }), 422, 'invalid_link');
    // A link asked for now still works 59 minutes on.
    await ask('eve@example.org');
    const third = lastResetLink('eve@example.org');
    ahead += 59 * 60_000;
    expect((await t.visitor().post('/api/auth/reset', { token: third, password: newPassword })).status).toBe(200);
    ahead = 0;
    expect((await logIn('eve', newPassword)).status).toBe(200);
  });

  it('ends a pending link when the address changes or the account is deleted', async () => {
    const fay = await withConfirmedAddress('fay', 'fay@example.org');
    await ask('fay@example.org');
    const link = lastResetLink('fay@example.org');
    await fay.patch('/api/me', { email: 'fay@new.example' });
    expectError(await t.visitor().post('/api/auth/reset', { token: link, password: newPassword }), 422, 'invalid_link');

    const gus = await withConfirmedAddress('gus', 'gus@example.org');
    await ask('gus@example.org');
    const gone = lastResetLink('gus@example.org');
    expect((await gus.request('DELETE', '/api/me', { password: oldPassword })).status).toBe(200);
    expectError(await t.visitor().post('/api/auth/reset', { token: gone, password: newPassword }), 422, 'invalid_link');
  });

  it('mails every account that confirmed the address its own link', async () => {
    await withConfirmedAddress('hal', 'shared@example.org');
    await withConfirmedAddress('ivy', 'shared@example.org');
    const before = smtp.inbox.length;
    await ask('shared@example.org');
    const mails = smtp.inbox.slice(before);
    expect(mails.map((m) => m.to)).toEqual([['shared@example.org'], ['shared@example.org']]);
    const [forHal, forIvy] = mails.map((m) => linkIn(m, 'reset-password'));
    expect(decoded(mails[0])).toContain('@hal');
    expect((await t.visitor().post('/api/auth/reset', { token: forIvy, password: newPassword })).body.handle).toBe('ivy');
    expect((await t.visitor().post('/api/auth/reset', { token: forHal, password: newPassword })).body.handle).toBe('hal');
  });

  it('refuses malformed requests in the JSON error shape', async () => {
    const v = t.visitor();
    expectError(await v.post('/api/auth/reset-request', {}), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset-request', { email: 'not an address' }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset-request', { email: 'ada@example.org', handle: 'ada' }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset-request', { email: `${'a'.repeat(250)}@example.org` }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset-request', '{"email":'), 400, 'invalid_json');
    expectError(await v.post('/api/auth/reset', { token: 'x' }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset', { token: 'x', password: 'short' }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset', { token: 'x'.repeat(201), password: newPassword }), 400, 'invalid_request');
    expectError(await v.post('/api/auth/reset', { token: 'x', password: newPassword }), 422, 'invalid_link');
  });
});

describe('password reset: limits and failures', () => {
  const logged: string[] = [];
  const t = useTestApp({ limits: { resetRequestsPerHour: 3, resetRequestsPerEmailPerHour: 2 }, options: { trustProxy: true, log: (line) => logged.push(line) } });
  const ask = (email: string, address: string) => t.visitor().post('/api/auth/reset-request', { email }, { 'x-forwarded-for': address });

  it('limits requests per client address, whatever the addresses asked for', async () => {
    for (const email of ['one@example.org', 'two@example.org', 'three@example.org']) expect((await ask(email, '203.0.113.1')).status).toBe(202);
    const refused = await ask('four@example.org', '10.0.0.1, 203.0.113.1');
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await ask('four@example.org', '203.0.113.2')).status).toBe(202);
  });

  it('limits requests per address asked for, known or not, from any client', async () => {
    await t.signup('kim');
    await t.database.db.updateTable('user').set({ email: 'kim@example.org', email_verified_at: new Date().toISOString() }).where('handle', '=', 'kim').execute();
    for (const email of ['kim@example.org', 'nobody-here@example.org']) {
      expect((await ask(email, '198.51.100.1')).status).toBe(202);
      expect((await ask(email.toUpperCase(), '198.51.100.2')).status).toBe(202);
      const refused = await ask(email, '198.51.100.3');
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    }
  });

  it('logs a mail it could not send and answers as for any address', async () => {
    const closed: TestApp = await createTestApp({}, { mailer: smtpMailer('smtp://127.0.0.1:9', 'Daf <daf@daf.test>'), log: (line) => logged.push(line) });
    try {
      await closed.signup('lou');
      await closed.database.db.updateTable('user').set({ email: 'lou@example.org', email_verified_at: new Date().toISOString() }).where('handle', '=', 'lou').execute();
      const res = await closed.visitor().post('/api/auth/reset-request', { email: 'lou@example.org' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: true });
      await closed.ctx.background.settled();
      expect(logged.some((line) => line.includes('lou@example.org') && /could not be sent/.test(line))).toBe(true);
      expect(closed.errors).toEqual([]);
    } finally {
      await closed.close();
    }
  });
});
