/**
 * The event log across processes on PostgreSQL (docs/postgres.md §6). Two things SQLite's single
 * writer gives for free and PostgreSQL does not:
 * - **No skipped ids.** An id is taken at INSERT but seen at COMMIT, so a reader could move its
 *   cursor past an id whose transaction has not committed yet and never read it. A transaction
 *   takes a per-text advisory lock before it appends an event, so the events of one text commit
 *   in id order (readers read one text's events at a time).
 * - **Wake-ups in every process.** `pg_notify` on `channel`, sent in the transaction, reaches
 *   every listening process when (and only if) it commits: `t<textId>` for a text's new events,
 *   `p<userId>` for a person's new notifications. Ids only; the tables stay the truth.
 */
import { sql } from 'kysely';
import type { DB } from '../database.ts';

/** The channel every Daf process listens on. */
export const channel = 'daf_events';
/** The first key of Daf's advisory locks on event insertion (the second is the text's id). */
const eventLockClass = 0x0daf;

/**
 * The texts whose event lock each open transaction holds, so that it asks for each once: a
 * write that appends many events to one text (an account's deletion, one per post) takes the
 * lock in one statement, not one per event.
 */
const heldLocks = new WeakMap<DB, Set<number>>();

/** Holds the text's event lock until the transaction ends (taking it only if this transaction does not hold it yet). */
export async function lockTextEvents(db: DB, textId: number): Promise<void> {
  // Outside a transaction a lock would end with its own statement: nothing to remember.
  const held = db.isTransaction ? (heldLocks.get(db) ?? new Set<number>()) : null;
  if (held?.has(textId)) return;
  await sql`SELECT pg_advisory_xact_lock(${eventLockClass}, ${textId})`.execute(db);
  if (held) heldLocks.set(db, held.add(textId));
}

/** Tells every process, when the transaction commits, of these texts' new events and these people's notifications. */
export async function announce(db: DB, textIds: Iterable<number>, userIds: Iterable<number>): Promise<void> {
  const payloads = [...[...textIds].map((id) => `t${id}`), ...[...userIds].map((id) => `p${id}`)];
  if (payloads.length === 0) return;
  await sql`SELECT pg_notify(${channel}, p) FROM unnest(${payloads}::text[]) AS p`.execute(db);
}

/** What a notification's payload says: a text's events, or a person's notifications. */
export function parseAnnouncement(payload: string): { text: number } | { person: number } | null {
  const m = /^([tp])([0-9]+)$/.exec(payload);
  if (!m) return null;
  return m[1] === 't' ? { text: Number(m[2]) } : { person: Number(m[2]) };
}
