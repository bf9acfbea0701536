/**
 * An account's e-mail address (README, "Accounts"), through a real SMTP server: a new address is
 * mailed one confirmation link and is confirmed by it alone; a link works once and for 48 hours;
 * an address whose mail cannot be sent is not saved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../server/services/mail.ts';
import { expectError } from '../helpers/expect-error.ts';
import { linkIn, useMailServer } from '../helpers/mail-server.ts';
import { createTestApp, useTestApp, type TestClient } from '../helpers/test-app.ts';

describe('e-mail addresses', () => {
  // The mail server listens before the app opens, and closes after it.
  const smtp = useMailServer();
  const t = useTestApp(() => ({ options: { mailer: smtp.mailer() } }));
  let ada: TestClient;
  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  /** The confirmation link in the last mail. */
  const lastLink = () => linkIn(smtp.inbox.at(-1)!, 'verify-email');

  it('mails a new address one link, which confirms it once', async () => {
    expect((await ada.get('/api/me')).body).toEqual({ handle: 'ada', name: 'ada', email: null, emailVerified: false, digest: 'off', mail: true });
    const set = await ada.patch('/api/me', { email: 'ada@example.org' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ handle: 'ada', name: 'ada', email: 'ada@example.org', emailVerified: false, digest: 'off', mail: true });
    expect(smtp.inbox).toHaveLength(1);
    expect(smtp.inbox[0]).toMatchObject({ from: 'daf@daf.test', to: ['ada@example.org'] });
    expect(smtp.inbox[0].raw).toContain('Subject: Confirm your e-mail address for Daf');
    expect(smtp.inbox[0].raw).toMatch(/Content-Type: text\/html/);
    const token = lastLink();
    // The page the link opens is the app; it confirms with the secret, signed in or not.
    expect((await t.visitor().get(`/verify-email/${token}`)).status).toBe(200);
    const confirmed = await t.visitor().post('/api/auth/verify-email', { token });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toEqual({ handle: 'ada', email: 'ada@example.org' });
    expect((await ada.get('/api/me')).body.emailVerified).toBe(true);
    // Used once; an unknown secret is the same answer.
    expectError(await t.visitor().post('/api/auth/verify-email', { token }), 422, 'invalid_link');
    expectError(await t.visitor().post('/api/auth/verify-email', { token: 'made-up' }), 422, 'invalid_link');
    // The same confirmed address again sends nothing.
    expect((await ada.patch('/api/me', { email: 'ADA@example.org' })).body.emailVerified).toBe(true);
    expect(smtp.inbox).toHaveLength(1);
  });

  it('takes a changed address back to unconfirmed, lets only the newest link work, and expires links', async () => {
    expect((await ada.patch('/api/me', { email: 'ada@new.example' })).body.emailVerified).toBe(false);
    const first = lastLink();
    await ada.patch('/api/me', { email: 'ada@new.example' });
    const second = lastLink();
    expect(second).not.toBe(first);
    expectError(await t.visitor().post('/api/auth/verify-email', { token: first }), 422, 'invalid_link');
    // Two days later the newest link has run out too.
    await t.database.db.updateTable('user').set({ email_token_expires_at: new Date(Date.now() - 1000).toISOString() }).where('handle', '=', 'ada').execute();
    expectError(await t.visitor().post('/api/auth/verify-email', { token: second }), 422, 'invalid_link');
    expect((await ada.get('/api/me')).body).toMatchObject({ email: 'ada@new.example', emailVerified: false, digest: 'off', mail: true });
  });

  it('changes the name and the address together, refuses what is not an address, and removes one', async () => {
    expectError(await ada.patch('/api/me', { email: 'not an address' }), 400, 'invalid_request');
    expectError(await ada.patch('/api/me', {}), 400, 'invalid_request');
    const both = await ada.patch('/api/me', { displayName: 'Ada L.', email: 'ada@both.example' });
    expect(both.body).toEqual({ handle: 'ada', name: 'Ada L.', email: 'ada@both.example', emailVerified: false, digest: 'off', mail: true });
    expect((await ada.patch('/api/me', { email: null })).body).toMatchObject({ email: null, emailVerified: false, digest: 'off', mail: true });
    expect((await ada.patch('/api/me', { email: '' })).body).toMatchObject({ email: null });
  });

  it('saves nothing when the mail cannot be sent', async () => {
    const closed = await createTestApp({}, { mailer: smtpMailer('smtp://127.0.0.1:9', 'Daf <daf@daf.test>') });
    try {
      const bob = await closed.signup('bob');
      const res = await bob.patch('/api/me', { displayName: 'Bob B.', email: 'bob@example.org' });
      expectError(res, 503, 'mail_failed');
      expect(res.body.error.message).toContain('bob@example.org');
      expect((await bob.get('/api/me')).body).toEqual({ handle: 'bob', name: 'bob', email: null, emailVerified: false, digest: 'off', mail: true });
      expect(closed.errors).toEqual([]);
    } finally {
      await closed.close();
    }
  });
});
