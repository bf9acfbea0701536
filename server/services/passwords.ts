/**
 * Password hashing with scrypt from node:crypto, a random salt per password, and a
 * constant-time comparison. The stored form names its parameters so they can be raised later:
 * `scrypt$N$r$p$salt$hash` (salt and hash in base64).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: 2^15 takes about 50 ms here, enough to slow guessing, little for a login. */
const cost = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const saltBytes = 16;
const keyBytes = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, cost, keyBytes);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: cost.maxmem }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
