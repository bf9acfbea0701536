/**
 * A sliding-window counter of events per key (a handle, an address, a person), kept in memory.
 * After `limit` events inside `windowMs` the key is refused until the oldest event leaves the
 * window, and the caller is told how long that is. Used for sign-ups and writes (failed log-ins
 * have their own guard, with backoff: see login-guard.ts).
 */
export class Throttle {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 if it may try now. */
  retryAfter(key: string): number {
    const times = this.recent(key);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[0] + this.windowMs - this.now()) / 1000));
  }

  /** Records one event for `key`. */
  record(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    this.events.set(key, times);
    if (this.events.size > 100_000) this.prune();
  }

  /** Forgets `key` (a log-in succeeded). */
  reset(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const times = (this.events.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.events.delete(key);
    return times;
  }

  private prune(): void {
    for (const key of [...this.events.keys()]) this.recent(key);
  }
}

/** Throws nothing; returns the seconds to wait, after recording the attempt when it is allowed. */
export function take(throttle: Throttle, key: string): number {
  const wait = throttle.retryAfter(key);
  if (wait === 0) throttle.record(key);
  return wait;
}
