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
 * Kept in memory, like the other throttles: a restart forgets it.
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

/** Keys kept before forgotten ones are swept out (and, past it, the oldest dropped). */
const maxEntries = 100_000;

interface Failures {
  count: number;
  last: number;
}

/** Counts failed log-ins per (handle, address) and per handle, and says how long to wait. */
export class LoginGuard {
  private readonly options: LoginGuardOptions;
  private readonly failures = new Map<string, Failures>();

  constructor(options: Partial<LoginGuardOptions> = {}) {
    this.options = { ...defaultLoginGuardOptions, ...options };
  }

  /** Seconds this address must wait before trying this handle again; 0 when it may try now. */
  retryAfter(handle: string, address: string): number {
    const pair = this.get(pairKey(handle, address));
    if (pair === null) return 0; // An address that has not failed for this handle is never held back.
    const o = this.options;
    const delay = Math.max(
      this.delay(pair.count, o.freeFailures),
      this.delay(this.get(handleKey(handle))?.count ?? 0, o.handleFreeFailures),
    );
    const wait = pair.last + delay - o.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Records a failed log-in. */
  fail(handle: string, address: string): void {
    for (const key of [pairKey(handle, address), handleKey(handle)]) {
      const count = (this.get(key)?.count ?? 0) + 1;
      this.failures.delete(key); // re-inserted last: the map stays in order of last failure
      this.failures.set(key, { count, last: this.options.now() });
    }
    if (this.failures.size > maxEntries) this.prune();
  }

  /** Records a successful log-in: this address's failures for the handle are forgotten (others' are not). */
  succeed(handle: string, address: string): void {
    this.failures.delete(pairKey(handle, address));
  }

  /**
   * Forgets every failure counted against the handle, from any address (its password was reset:
   * the password they were guesses at is gone, and its owner may be the one who kept mistyping).
   */
  forget(handle: string): void {
    const pairs = pairKey(handle, '');
    for (const key of [...this.failures.keys()]) if (key.startsWith(pairs)) this.failures.delete(key);
    this.failures.delete(handleKey(handle));
  }

  private delay(count: number, free: number): number {
    if (count <= free) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(count - free - 1, 30));
  }

  private get(key: string): Failures | null {
    const entry = this.failures.get(key);
    if (!entry) return null;
    if (entry.last + this.options.forgetMs <= this.options.now()) {
      this.failures.delete(key);
      return null;
    }
    return entry;
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.get(key);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= maxEntries) break;
      this.failures.delete(key);
    }
  }
}

function pairKey(handle: string, address: string): string {
  return `p:${handle.toLowerCase()} ${address}`;
}

function handleKey(handle: string): string {
  return `h:${handle.toLowerCase()}`;
}
