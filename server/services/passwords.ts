/**
 * Password hashing with scrypt from node:crypto, a random salt per password, and a
 * constant-time comparison. The stored form names its parameters so they can be raised later:
 * `scrypt$N$r$p$salt$hash` (salt and hash in base64). A hash stored with lower parameters than
 * the current ones still verifies, and `needsRehash` says to replace it (at the next log-in,
 * the one moment the password is known).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters: N (CPU and memory), r (block size), p (parallelism). */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The cost of new hashes: OWASP's minimum for scrypt (N=2^17, r=8, p=1). It takes 128 MiB of
 * memory per hash (128·N·r bytes) for the time it runs, about 0.63 s on one core of a 2-core
 * development machine when idle and 1–1.2 s under heavy load.
 */
export const defaultPasswordCost: PasswordCost = { N: 1 << 17, r: 8, p: 1 };

/** The largest N a stored hash may name: bounds the memory a verification may take (1 GiB at r=8). */
const maxN = 1 << 20;
const saltBytes = 16;
const keyBytes = 32;

/** The memory scrypt needs for a cost, with room to spare (node refuses to run past `maxmem`). */
function maxmemFor(cost: PasswordCost): number {
  return 2 * 128 * cost.N * cost.r * Math.max(1, cost.p);
}

function derive(password: string, salt: Buffer, cost: PasswordCost, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: maxmemFor(cost) };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The parameters a stored hash names, or null when it is not a well-formed scrypt hash. */
function storedCost(stored: string): (PasswordCost & { salt: string; hash: string }) | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  if (![cost.N, cost.r, cost.p].every(Number.isSafeInteger) || cost.N < 2 || cost.N > maxN || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return null;
  return { ...cost, salt, hash };
}

/** Hashes a password for storage, at `cost` (the default unless a caller lowers it on purpose, as tests may). */
export async function hashPassword(password: string, cost: PasswordCost = defaultPasswordCost): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, cost, keyBytes);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = storedCost(stored);
  if (parsed === null) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const key = await derive(password, Buffer.from(parsed.salt, 'base64'), parsed, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Is a stored hash weaker than `cost` in any parameter, so that it should be replaced? */
export function needsRehash(stored: string, cost: PasswordCost = defaultPasswordCost): boolean {
  const parsed = storedCost(stored);
  return parsed !== null && (parsed.N < cost.N || parsed.r < cost.r || parsed.p < cost.p);
}
