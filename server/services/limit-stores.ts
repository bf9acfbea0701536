/**
 * Where rate limits are counted (docs/postgres.md §7). In the database by default, so that every
 * Daf process on one database — behind one load balancer, or two on one SQLite file — shares
 * each limit; each process's memory takes over while the database fails (a limit is a guard, not
 * the truth: better a per-process limit for a moment than refusing everybody or nobody), and is
 * what `DAF_LIMIT_STORE=memory` asks for.
 */
import type { DB } from '../storage/database.ts';
import { addFailure, deleteFailures, deleteFailuresFrom, failureCounts, sweepLimits, takeHit } from '../storage/rate-limits.ts';
import { MemoryFailures, type FailureStore, type Failures } from './login-guard.ts';
import { MemoryHits, type HitStore } from './throttle.ts';

/** Hits older than this are swept out for every key (longer than any window). */
const keepHitsMs = 24 * 60 * 60 * 1000;
/** Failures last counted longer ago than this are swept out (the log-in guard forgets them after a day). */
const keepFailuresMs = 2 * 24 * 60 * 60 * 1000;
/** How often a process sweeps the tables. */
const sweepEveryMs = 10 * 60 * 1000;
/** How often a failing store is reported in the log. */
const reportEveryMs = 60 * 1000;

export type LimitStoreKind = 'database' | 'memory';

/** Runs `primary`, and `fallback` when it throws, reporting the failure now and then. */
class Fallback {
  private reported = -Infinity;
  constructor(private readonly log: (line: string) => void) {}

  async run<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      return await primary();
    } catch (e) {
      if (Date.now() - this.reported > reportEveryMs) {
        this.reported = Date.now();
        this.log(`Rate limits: the database failed (${e instanceof Error ? e.message : String(e)}); counting in this process meanwhile`);
      }
      return fallback();
    }
  }
}

/** Hits in the database, in memory while it fails; swept now and then. */
class DatabaseHits implements HitStore {
  private readonly memory = new MemoryHits();
  private swept = 0;
  constructor(
    private readonly db: DB,
    private readonly fallback: Fallback,
  ) {}

  async take(key: string, limit: number, since: number, now: number): Promise<number | null> {
    if (now - this.swept > sweepEveryMs) {
      this.swept = now;
      await this.fallback.run(() => sweepLimits(this.db, now - keepHitsMs, now - keepFailuresMs), async () => {});
    }
    return this.fallback.run(
      () => takeHit(this.db, key, limit, since, now),
      () => this.memory.take(key, limit, since, now),
    );
  }
}

/** Failures in the database, in memory while it fails. */
class DatabaseFailures implements FailureStore {
  private readonly memory = new MemoryFailures();
  constructor(
    private readonly db: DB,
    private readonly fallback: Fallback,
  ) {}

  get(keys: string[], since: number): Promise<Map<string, Failures>> {
    return this.fallback.run(() => failureCounts(this.db, keys, since), () => this.memory.get(keys, since));
  }

  add(keys: string[], now: number, since: number): Promise<void> {
    return this.fallback.run(() => addFailure(this.db, keys, now, since), () => this.memory.add(keys, now, since));
  }

  delete(key: string): Promise<void> {
    return this.fallback.run(() => deleteFailures(this.db, key), () => this.memory.delete(key));
  }

  deleteStartingWith(prefix: string, key: string): Promise<void> {
    return this.fallback.run(() => deleteFailuresFrom(this.db, prefix, key), () => this.memory.deleteStartingWith(prefix, key));
  }
}

/** The stores of one process's limits. */
export function limitStores(db: DB, kind: LimitStoreKind, log: (line: string) => void): { hits: HitStore; failures: FailureStore } {
  if (kind === 'memory') return { hits: new MemoryHits(), failures: new MemoryFailures() };
  const fallback = new Fallback(log);
  return { hits: new DatabaseHits(db, fallback), failures: new DatabaseFailures(db, fallback) };
}
