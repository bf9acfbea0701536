/**
 * The event log: every write that others may see appends an event (kind and JSON payload)
 * inside the same transaction; live streams read it back, each viewer seeing only events of
 * layers they may read. Federation will read the same log later.
 */
import type { DB, EventRow } from '../storage/database.ts';
import * as store from '../storage/events.ts';
import { canReadLayer, canReadText, type Viewer } from './policy.ts';
import type { TextRow } from '../storage/database.ts';

/** The kinds of events. */
export type EventKind =
  | 'version.created'
  | 'layer.created'
  | 'layer.updated'
  | 'gloss.created'
  | 'gloss.updated'
  | 'gloss.deleted'
  | 'reply.created'
  | 'reply.updated'
  | 'reply.deleted';

/**
 * Appends an event. `layerIds` are the layers whose visibility governs it (a gloss's layer);
 * empty for events every reader of the text may see. `payload` is a JSON string.
 */
export async function recordEvent(
  db: DB,
  event: { textId: number; layerIds: number[]; kind: EventKind; payload: string },
): Promise<void> {
  await store.insertEvent(db, {
    text_id: event.textId,
    layer_ids: JSON.stringify(event.layerIds),
    kind: event.kind,
    payload: event.payload,
    created_at: new Date().toISOString(),
  });
}

/** Most events sent in one catch-up read. */
const pageSize = 500;

/**
 * The events of a text after `afterId` that the viewer may see, and the id to continue from
 * (which moves past hidden events too, so they are not read again).
 */
export async function visibleEventsAfter(
  db: DB,
  viewer: Viewer | null,
  text: TextRow,
  afterId: number,
): Promise<{ events: EventRow[]; lastId: number }> {
  const rows = await store.eventsAfter(db, text.id, afterId, pageSize);
  if (rows.length === 0 || !canReadText(viewer, text)) {
    return { events: [], lastId: rows.at(-1)?.id ?? afterId };
  }
  const ids = [...new Set(rows.flatMap((r) => JSON.parse(r.layer_ids) as number[]))];
  const layers = new Map((await store.layersByIds(db, ids)).map((l) => [l.id, l]));
  const events = rows.filter((r) =>
    (JSON.parse(r.layer_ids) as number[]).every((id) => {
      const layer = layers.get(id);
      return layer !== undefined && canReadLayer(viewer, text, layer);
    }),
  );
  return { events, lastId: rows.at(-1)!.id };
}

/** The id of the newest event of a text (a stream opened now starts after it). */
export function lastEventId(db: DB, textId: number): Promise<number> {
  return store.lastEventId(db, textId);
}
