/**
 * Rate limits kept in the database, shared by every process on it (docs/postgres.md §7): the
 * hits of sliding windows (`limit_hit`) and counted log-in failures (`login_failure`). The
 * policy — how many, how long to wait — is the services' (services/throttle.ts,
 * services/login-guard.ts); this module only counts, atomically across processes.
 */
import { sql } from 'kysely';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';

/** The first key of the advisory locks that make a window's check-and-record atomic on PostgreSQL. */
const limitLockClass = 0x0dae;

/**
 * Records a hit on `key` at `now`, unless `limit` hits newer than `since` are already recorded;
 * then nothing is recorded and the oldest of them is returned (the caller's wait runs from it).
 * Hits of `key` older than `since` are deleted on the way.
 *
 * Two processes must not both see `limit - 1` and both record: on PostgreSQL the key's advisory
 * lock serialises them; on SQLite the DELETE that comes first takes the database's write lock
 * before anything is counted.
 */
export async function takeHit(db: DB, key: string, limit: number, since: number, now: number): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    if (dialectOf(trx) === 'postgres') await sql`SELECT pg_advisory_xact_lock(${limitLockClass}, hashtext(${key}))`.execute(trx);
    await trx.deleteFrom('limit_hit').where('key', '=', key).where('at', '<=', since).execute();
    const { hits, oldest } = await trx
      .selectFrom('limit_hit')
      .select((eb) => [eb.fn.countAll<number>().as('hits'), eb.fn.min<number | null>('at').as('oldest')])
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (Number(hits) >= limit) return Number(oldest);
    await trx.insertInto('limit_hit').values({ key, at: now }).execute();
    return null;
  });
}

/** A counted failure: how many, and the last one's moment. */
export interface FailureCount {
  count: number;
  last: number;
}

/** The failures counted against each of `keys` whose last is after `since` (older counts are forgotten). */
export async function failureCounts(db: DB, keys: string[], since: number): Promise<Map<string, FailureCount>> {
  const rows = await db.selectFrom('login_failure').select(['key', 'count', 'last']).where('key', 'in', keys).where('last', '>', since).execute();
  return new Map(rows.map((r) => [r.key, { count: Number(r.count), last: Number(r.last) }]));
}

/**
 * Counts one more failure against each of `keys` at `now` — one statement per key, atomic on
 * both dialects — starting again from one where the last was at or before `since`.
 */
export async function addFailure(db: DB, keys: string[], now: number, since: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const key of keys) {
      await trx
        .insertInto('login_failure')
        .values({ key, count: 1, last: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`CASE WHEN login_failure.last <= ${since} THEN 1 ELSE login_failure.count + 1 END`,
            last: now,
          }),
        )
        .execute();
    }
  });
}

/** Forgets the failures counted against `key`. */
export async function deleteFailures(db: DB, key: string): Promise<void> {
  await db.deleteFrom('login_failure').where('key', '=', key).execute();
}

/** Forgets the failures of every key that starts with `prefix`, and of `key`. */
export async function deleteFailuresFrom(db: DB, prefix: string, key: string): Promise<void> {
  await db
    .deleteFrom('login_failure')
    .where((eb) => eb.or([eb('key', '=', key), eb(eb.fn('substr', ['key', eb.val(1), eb.val(prefix.length)]), '=', prefix)]))
    .execute();
}

/** Deletes hits at or before `hitsBefore` and failures last counted at or before `failuresBefore`, of every key. */
export async function sweepLimits(db: DB, hitsBefore: number, failuresBefore: number): Promise<void> {
  await db.deleteFrom('limit_hit').where('at', '<=', hitsBefore).execute();
  await db.deleteFrom('login_failure').where('last', '<=', failuresBefore).execute();
}
