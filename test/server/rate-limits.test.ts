/** Rate limits on sign-up and on writes: 429 with Retry-After, nothing written, reads unaffected. */
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, createText } from '../helpers/test-app.ts';

describe('rate limits', () => {
  const t = useTestApp({ limits: { writesPerMinute: 3, signupsPerHour: 2 } });

  it('limits sign-ups per address', async () => {
    await t.signup('first');
    await t.signup('second');
    const third = await t.visitor().post('/api/auth/signup', { handle: 'third', password: 'correct horse battery' });
    expectError(third, 429, 'rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    const users = await t.database.db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).where('handle', '=', 'third').executeTakeFirstOrThrow();
    expect(users.n).toBe(0);
  });

  it('limits writes per person, leaves reads alone, and counts each person apart', async () => {
    // Sign-ups are used up by the test above: log in as someone who signed up.
    const first = t.visitor();
    expect((await first.post('/api/auth/login', { handle: 'first', password: 'correct horse battery' })).status).toBe(200);
    const slug = await createText(first, { title: 'One', content: 'One.' });
    await createText(first, { title: 'Two', content: 'Two.' });
    await createText(first, { title: 'Three', content: 'Three.' });
    const texts = async () => (await t.database.db.selectFrom('text').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await texts();
    const refused = await first.post('/api/texts', { title: 'Four', format: 'plain', language: 'en', content: 'Four.' });
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await texts()).toBe(before);
    expect((await first.get(`/api/texts/${slug}`)).status).toBe(200);

    const other = t.visitor();
    expect((await other.post('/api/auth/login', { handle: 'second', password: 'correct horse battery' })).status).toBe(200);
    expect((await other.post('/api/texts', { title: 'Five', format: 'plain', language: 'en', content: 'Five.' })).status).toBe(201);
  });
});
