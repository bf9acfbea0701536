/**
 * Password hashing cost: new hashes use OWASP's scrypt minimum (N=2^17, r=8, p=1), and a
 * stored hash with lower parameters is re-hashed at the next successful log-in.
 */
import { scryptSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPasswordCost } from '../../server/services/passwords.ts';
import { findUserByHandle } from '../../server/storage/users.ts';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp } from '../helpers/test-app.ts';

/** A hash in the stored form as the earlier code wrote it: scrypt at N=2^15. */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 1 << 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

const params = (stored: string) => stored.split('$').slice(0, 4).join('$');

describe('password hashing cost', () => {
  const t = useTestApp({ options: { passwordCost: defaultPasswordCost } });

  it('hashes new passwords with scrypt N=2^17, r=8, p=1', async () => {
    await t.signup('newcomer', 'a good long password');
    const user = await findUserByHandle(t.ctx.db, 'newcomer');
    expect(params(user!.password_hash)).toBe(`scrypt$${1 << 17}$8$1`);
  });

  it('re-hashes a stored N=2^15 hash at the next successful log-in, and not on a failed one', async () => {
    await t.signup('veteran', 'placeholder password');
    await t.ctx.db.updateTable('user').set({ password_hash: oldHash('an old password') }).where('handle', '=', 'veteran').execute();

    expectError(await t.visitor().post('/api/auth/login', { handle: 'veteran', password: 'a wrong password' }), 401, 'bad_credentials');
    expect(params((await findUserByHandle(t.ctx.db, 'veteran'))!.password_hash)).toBe(`scrypt$${1 << 15}$8$1`);

    expect((await t.visitor().post('/api/auth/login', { handle: 'veteran', password: 'an old password' })).status).toBe(200);
    const upgraded = (await findUserByHandle(t.ctx.db, 'veteran'))!.password_hash;
    expect(params(upgraded)).toBe(`scrypt$${1 << 17}$8$1`);
    // The new hash still takes the same password, and only it.
    expect((await t.visitor().post('/api/auth/login', { handle: 'veteran', password: 'an old password' })).status).toBe(200);
    expectError(await t.visitor().post('/api/auth/login', { handle: 'veteran', password: 'another wrong one' }), 401, 'bad_credentials');
  });
});
