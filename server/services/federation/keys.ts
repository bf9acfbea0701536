/**
 * Each local actor's key pairs (docs/federation.md §2): an RSA pair for HTTP signatures and an
 * Ed25519 pair for object integrity proofs, generated the first time they are needed and kept
 * in the database, so every process signs with the same keys and a restart changes nothing.
 */
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import type { DB } from '../../storage/database.ts';
import { insertKeyIfAbsent, keysOf } from '../../storage/federation.ts';

const algorithms = ['RSASSA-PKCS1-v1_5', 'Ed25519'] as const;

/** The key pairs of `owner` (`group:ID`, `user:ID` or `app`), RSA first; made and stored if missing. */
export async function keyPairsOf(db: DB, owner: string, now: () => Date): Promise<CryptoKeyPair[]> {
  let stored = await keysOf(db, owner);
  const missing = algorithms.filter((a) => !stored.some((k) => k.algorithm === a));
  if (missing.length > 0) {
    for (const algorithm of missing) {
      const pair = await generateCryptoKeyPair(algorithm);
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
