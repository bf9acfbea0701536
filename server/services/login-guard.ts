/**
 * The log-in guard: how often a handle's password may be guessed. It counts failures per
 * handle *and address* and answers each with a growing delay (exponential backoff), so that
 * one guesser slows down fast while the account's owner, trying from their own address, is
 * never refused because of somebody else's failures. A whole-handle lock-out would be a free
 * denial of service against the victim, and behind a reverse proxy (every client one address)
 * a per-address lock-out would shut everybody out.
 *
 * A guesser spread over many addresses is slowed by the handle's own count: once a handle has
 * failed more than `handleFreeFailures` times from anywhere, an address that has itself failed
 * for it waits the handle's delay (growing with the handle's failures) before its next guess.
 * Each new address still gets its one guess: that is the price of never refusing a correct
 * password from an address that has not failed.
 *
 * Counted where the other limits are (a `FailureStore`): in the database by default, shared by
 * every process on it (docs/postgres.md §7).
 */

/** The guard's settings. */
export interface LoginGuardOptions {
  /** Failures from one address for one handle before any delay: room for a person's typos. */
  freeFailures: number;
  /** Failures of one handle from all addresses before the handle's own delay begins. */
  handleFreeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** Failures are forgotten this long after the last one; longer than `maxDelayMs`, or the delay would reset itself. */
  forgetMs: number;
  /** The clock (tests move it by hand). */
  now: () => number;
}

/** The defaults: three free typos, then 1 s, 2 s, 4 s … up to 15 minutes, forgotten after a day. */
export const defaultLoginGuardOptions: LoginGuardOptions = {
  freeFailures: 3,
  handleFreeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  forgetMs: 24 * 60 * 60 * 1000,
  now: Date.now,
};

/** Keys kept in memory before forgotten ones are swept out (and, past it, the oldest dropped). */
const maxEntries = 100_000;

/** A counted failure: how many, and the last one's moment. */
export interface Failures {
  count: number;
  last: number;
}

/** Where failures are counted: the database's by default (limit-stores.ts), or this process's memory. */
export interface FailureStore {
  /** The counts of `keys` whose last failure is after `since`. */
  get(keys: string[], since: number): Promise<Map<string, Failures>>;
  /** One more failure for each key at `now`, counting from one again where the last was at or before `since`. */
  add(keys: string[], now: number, since: number): Promise<void>;
  /** Forgets `key`. */
  delete(key: string): Promise<void>;
  /** Forgets `key` and every key starting with `prefix`. */
  deleteStartingWith(prefix: string, key: string): Promise<void>;
}

/** Failures counted in this process's memory: a single process's store, and the fallback when the database fails. */
export class MemoryFailures implements FailureStore {
  private readonly failures = new Map<string, Failures>();

  async get(keys: string[], since: number): Promise<Map<string, Failures>> {
    const found = new Map<string, Failures>();
    for (const key of keys) {
      const entry = this.failures.get(key);
      if (entry && entry.last > since) found.set(key, entry);
    }
    return found;
  }

  async add(keys: string[], now: number, since: number): Promise<void> {
    for (const key of keys) {
      const entry = this.failures.get(key);
      const count = entry && entry.last > since ? entry.count + 1 : 1;
      this.failures.delete(key); // re-inserted last: the map stays in order of last failure
      this.failures.set(key, { count, last: now });
    }
    if (this.failures.size > maxEntries) this.prune(since);
  }

  async delete(key: string): Promise<void> {
    this.failures.delete(key);
  }

  async deleteStartingWith(prefix: string, key: string): Promise<void> {
    for (const k of [...this.failures.keys()]) if (k.startsWith(prefix)) this.failures.delete(k);
    this.failures.delete(key);
  }

  private prune(since: number): void {
    for (const [key, entry] of this.failures) if (entry.last <= since) this.failures.delete(key);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= maxEntries) break;
      this.failures.delete(key);
    }
  }
}

/** Counts failed log-ins per (handle, address) and per handle, and says how long to wait. */
export class LoginGuard {
  private readonly options: LoginGuardOptions;

  constructor(
    private readonly store: FailureStore = new MemoryFailures(),
    options: Partial<LoginGuardOptions> = {},
  ) {
    this.options = { ...defaultLoginGuardOptions, ...options };
  }

  /** Seconds this address must wait before trying this handle again; 0 when it may try now. */
  async retryAfter(handle: string, address: string): Promise<number> {
    const o = this.options;
    const counts = await this.store.get([pairKey(handle, address), handleKey(handle)], o.now() - o.forgetMs);
    const pair = counts.get(pairKey(handle, address));
    if (!pair) return 0; // An address that has not failed for this handle is never held back.
    const delay = Math.max(this.delay(pair.count, o.freeFailures), this.delay(counts.get(handleKey(handle))?.count ?? 0, o.handleFreeFailures));
    const wait = pair.last + delay - o.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Records a failed log-in. */
  async fail(handle: string, address: string): Promise<void> {
    const now = this.options.now();
    await this.store.add([pairKey(handle, address), handleKey(handle)], now, now - this.options.forgetMs);
  }

  /** Records a successful log-in: this address's failures for the handle are forgotten (others' are not). */
  async succeed(handle: string, address: string): Promise<void> {
    await this.store.delete(pairKey(handle, address));
  }

  /**
   * Forgets every failure counted against the handle, from any address (its password was reset:
   * the password they were guesses at is gone, and its owner may be the one who kept mistyping).
   */
  async forget(handle: string): Promise<void> {
    await this.store.deleteStartingWith(pairKey(handle, ''), handleKey(handle));
  }

  private delay(count: number, free: number): number {
    if (count <= free) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(count - free - 1, 30));
  }
}

function pairKey(handle: string, address: string): string {
  return `p:${handle.toLowerCase()} ${address}`;
}

function handleKey(handle: string): string {
  return `h:${handle.toLowerCase()}`;
}
