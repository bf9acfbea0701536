/**
 * The one way services write what others may see: a transaction, one reading of the context's
 * clock for everything it stores, the events it appends to the log (services/events.ts), and,
 * once it has committed, a wake-up for the live readers of each text it touched and for each
 * person it notified. A write that rolls back wakes no one: its events never were.
 */
import type { DB } from '../storage/database.ts';
import type { AppContext } from './context.ts';
import { announce } from '../storage/events.ts';
import { recordEvent, type NewEvent } from './events.ts';

/** One write: its transaction, its moment (one clock reading for everything it stores), and its events. */
export interface Write {
  /** The transaction; everything the write reads and stores goes through it. */
  trx: DB;
  /** The moment of the write, ISO 8601: the `created_at`, `updated_at`, … of what it stores. */
  now: string;
  /** Appends an event in the transaction, at `now`; its text's live readers are woken after the commit. */
  event(e: NewEvent): Promise<void>;
  /** Says that these people have new notifications (stored in the transaction); their streams are woken after the commit. */
  told(userIds: Iterable<number>): void;
}

/**
 * Runs `work` in a transaction and returns what it returns. After the commit, the bus is told
 * once of each text that `work` recorded an event for; if `work` throws, the transaction rolls
 * back, nobody is told, and the error goes on to the caller.
 */
export async function write<T>(ctx: AppContext, work: (w: Write) => Promise<T>): Promise<T> {
  const touched = new Set<number>();
  const people = new Set<number>();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock().toISOString();
    const done = await work({
      trx,
      now,
      async event(e) {
        await recordEvent(trx, e, now);
        touched.add(e.textId);
      },
      told(userIds) {
        for (const id of userIds) people.add(id);
      },
    });
    // Other processes on the same database hear of it when (and only if) this commits.
    await announce(trx, touched, people);
    return done;
  });
  for (const textId of touched) ctx.bus.notify(textId);
  for (const userId of people) ctx.bus.notifyPerson(userId);
  return result;
}
