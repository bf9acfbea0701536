/**
 * Each local actor's key pairs (docs/federation.md §2): an RSA pair for HTTP signatures and an
 * Ed25519 pair for object integrity proofs, generated the first time they are needed and kept
 * in the database, so every process signs with the same keys and a restart changes nothing.
 */
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import type { DB } from '../../storage/database.ts';
import { insertKeyIfAbsent, keysOf } from '../../storage/federation.ts';

const algorithms = ['RSASSA-PKCS1-v1_5', 'Ed25519'] as const;

/**
 * An RSA pair of 2,048 bits, as Mastodon makes: Fedify's own are 4,096, which take seconds of CPU
 * each, and an actor's keys are made the first time anyone asks for the actor.
 */
async function rsaKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
}

/** The key pairs of `owner` (`group:ID`, `user:ID` or `app`), RSA first; made and stored if missing. */
export async function keyPairsOf(db: DB, owner: string, now: () => Date): Promise<CryptoKeyPair[]> {
  let stored = await keysOf(db, owner);
  const missing = algorithms.filter((a) => !stored.some((k) => k.algorithm === a));
  if (missing.length > 0) {
    for (const algorithm of missing) {
      const pair = algorithm === 'Ed25519' ? await generateCryptoKeyPair('Ed25519') : await rsaKeyPair();
      const key = { algorithm, private_jwk: JSON.stringify(await exportJwk(pair.privateKey)), public_jwk: JSON.stringify(await exportJwk(pair.publicKey)) };
      await insertKeyIfAbsent(db, owner, key, now().toISOString());
    }
    // Another process may have stored its pair first: everyone uses the one stored.
    stored = await keysOf(db, owner);
  }
  const ordered = algorithms.map((a) => stored.find((k) => k.algorithm === a)!);
  return Promise.all(
    ordered.map(async (k) => ({ privateKey: await importJwk(JSON.parse(k.private_jwk), 'private'), publicKey: await importJwk(JSON.parse(k.public_jwk), 'public') })),
  );
}
