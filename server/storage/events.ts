/** SQL for the event log. Returns rows; no rules here. */
import type { DB, EventRow, NewRow } from './database.ts';
import { dialectOf } from './dialect.ts';
import * as postgres from './postgres/events.ts';

/**
 * Appends an event. On PostgreSQL it first takes the text's event lock, so the text's events
 * commit in id order and no reader skips one (postgres/events.ts).
 */
export async function insertEvent(db: DB, row: NewRow<'event'>): Promise<EventRow> {
  if (dialectOf(db) === 'postgres') await postgres.lockTextEvents(db, row.text_id);
  return db.insertInto('event').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Takes the text's event lock now, before a write reads what it decides on, not only when it
 * appends its event (PostgreSQL; SQLite has one writer): deleting a post and answering it are
 * then decided one after the other, never both on the same old state (docs/postgres.md §6).
 * True when it took the lock: what was read before it must be read again.
 */
export async function lockText(db: DB, textId: number): Promise<boolean> {
  if (dialectOf(db) !== 'postgres') return false;
  await postgres.lockTextEvents(db, textId);
  return true;
}

/**
 * Tells the other processes on the same database, when the transaction commits, of new events of
 * these texts and new notifications of these people (PostgreSQL; SQLite's processes poll).
 */
export async function announce(db: DB, textIds: Iterable<number>, userIds: Iterable<number>): Promise<void> {
  if (dialectOf(db) === 'postgres') await postgres.announce(db, textIds, userIds);
}

/**
 * Empties the events that carried a post's words (its creation and changes): it was deleted. The
 * rows stay, so the log keeps its ids without a gap (the publisher takes a gap for a transaction
 * still open, and waits); no reader is shown them, since their post is gone or a tombstone.
 */
export async function blankEventsOf(db: DB, kind: 'gloss' | 'reply', id: number): Promise<void> {
  await db.updateTable('event').set({ payload: '{}' }).where('item_kind', '=', kind).where('item_id', '=', id).execute();
}

/** Gives every event of a gloss `payload`: what it carried is no longer to be told (docs/data-model.md). */
export async function rewriteEventsOf(db: DB, glossId: number, payload: string): Promise<void> {
  await db.updateTable('event').set({ payload }).where('item_kind', '=', 'gloss').where('item_id', '=', glossId).execute();
}

/** Events of a text after `afterId`, oldest first, at most `limit`. */
export async function eventsAfter(db: DB, textId: number, afterId: number, limit: number): Promise<EventRow[]> {
  return db
    .selectFrom('event')
    .selectAll()
    .where('text_id', '=', textId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The newest event id of a text, or 0. */
export async function lastEventId(db: DB, textId: number): Promise<number> {
  const row = await db
    .selectFrom('event')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('text_id', '=', textId)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Layer rows needed to check an event's visibility, with the visibility of the layer's group. */
export async function layersByIds(db: DB, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('layer as l')
    .leftJoin('reading_group as rg', 'rg.id', 'l.group_id')
    .select(['l.id', 'l.visibility', 'l.owner_id', 'l.group_id', 'l.read_first', 'rg.visibility as group_visibility'])
    .where('l.id', 'in', ids)
    .execute();
}

/** Authors and states of the glosses and replies some events are about. */
export async function postsByIds(db: DB, glossIds: number[], replyIds: number[]) {
  const glosses = glossIds.length
    ? await db.selectFrom('gloss').select(['id', 'author_id', 'status']).where('id', 'in', glossIds).execute()
    : [];
  const replies = replyIds.length
    ? await db
        .selectFrom('reply as r')
        .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
        .select(['r.id', 'r.author_id', 'r.status', 'g.author_id as gloss_author_id', 'g.status as gloss_status'])
        .where('r.id', 'in', replyIds)
        .execute()
    : [];
  return { glosses, replies };
}

/**
 * The newest created or updated event of each of these posts (any time after `afterId`, not only
 * in one page), with its payload: the post as it was last written.
 */
export async function newestItemEvents(db: DB, textId: number, kind: 'gloss' | 'reply', ids: number[], afterId: number) {
  if (ids.length === 0) return [];
  const newest = db
    .selectFrom('event')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('item_kind', '=', kind)
    .where('item_id', 'in', ids)
    .where('id', '>', afterId)
    .where('kind', 'in', [`${kind}.created`, `${kind}.updated`])
    .groupBy('item_id');
  return db.selectFrom('event').select(['id', 'item_id', 'payload']).where('text_id', '=', textId).where('id', 'in', newest).execute();
}
