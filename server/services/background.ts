/**
 * Work a request starts but does not wait for: its answer leaves first, so the answer cannot
 * tell by its timing what the work found (a password-reset request for a known address answers
 * as fast as for an unknown one: services/password-reset.ts). A failure is never the caller's:
 * it is logged and goes no further. `settled` waits for whatever is under way, so that a server
 * closes its database only after it (and tests can look at the outcome).
 */
export class Background {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly log: (line: string) => void) {}

  /**
   * Starts `task` once the current request has been answered (on the next turn of the event
   * loop, so even its first synchronous steps, such as a SQLite query, do not delay the answer).
   * `what` names it in the log if it fails.
   */
  run(what: string, task: () => Promise<void>): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((e: unknown) => this.log(`${what} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Resolves once every task started so far, and any they started, has ended. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
