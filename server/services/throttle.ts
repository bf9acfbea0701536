/**
 * A sliding-window limit of events per key (an address, a person): after `limit` events inside
 * `windowMs` the key is refused until the oldest of them leaves the window, and the caller is
 * told how long that is. Used for sign-ups, writes and reset requests (failed log-ins have their
 * own guard, with backoff: login-guard.ts).
 *
 * The counting is a `HitStore`'s: the database's by default, so every process on one database
 * shares each limit (limit-stores.ts, docs/postgres.md §7), or this process's memory.
 */

/** Where a window's events are counted. */
export interface HitStore {
  /**
   * Records an event on `key` at `now` unless `limit` events newer than `since` are recorded;
   * then records nothing and returns the oldest of them.
   */
  take(key: string, limit: number, since: number, now: number): Promise<number | null>;
}

/** Events counted in this process's memory: what a single process needs, and the fallback when the database fails. */
export class MemoryHits implements HitStore {
  private readonly events = new Map<string, number[]>();

  async take(key: string, limit: number, since: number, now: number): Promise<number | null> {
    const times = (this.events.get(key) ?? []).filter((t) => t > since);
    if (times.length >= limit) {
      this.events.set(key, times);
      return times[0];
    }
    times.push(now);
    this.events.set(key, times);
    if (this.events.size > 100_000) this.prune(since);
    return null;
  }

  /** Drops keys with no event newer than `since` (a window's start: other windows may be longer, and lose a little). */
  private prune(since: number): void {
    for (const [key, times] of this.events) if (times[times.length - 1] <= since) this.events.delete(key);
  }
}

export class Throttle {
  constructor(
    /** Names the limit in the store's keys (`write`, `signup`). */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly store: HitStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one event for `key` and returns 0 when it is allowed; else records nothing and returns the seconds to wait. */
  async take(key: string): Promise<number> {
    const now = this.now();
    const oldest = await this.store.take(`${this.name}:${key}`, this.limit, now - this.windowMs, now);
    if (oldest === null) return 0;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}
