/**
 * The event log: every write that others may see appends an event (kind and JSON payload)
 * inside the same transaction; live streams read it back, each viewer seeing only events of
 * layers they may read. Federation will read the same log later.
 */
import type { DB, EventRow } from '../storage/database.ts';
import * as store from '../storage/events.ts';
import { findTextById } from '../storage/texts.ts';
import { layersWrittenIn } from '../storage/glosses.ts';
import { viewerForCredential, type Credential } from './auth.ts';
import { canReadLayer, canReadText, canSeeGloss, canSeePost, shownGroupSlug, type Viewer } from './policy.ts';
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
 * An event to append. `layerIds` are the layers whose visibility governs it (a gloss's layer);
 * empty for events every reader of the text may see. `item` is the gloss or reply it is about,
 * whose own state (pending, hidden, a notebook entry) governs it too. `payload` is JSON.
 */
export interface NewEvent {
  textId: number;
  layerIds: number[];
  kind: EventKind;
  payload: string;
  item?: { kind: 'gloss' | 'reply'; id: number };
}

/**
 * Appends an event that happened at `createdAt` (ISO 8601). Services record events through
 * `write` (services/write.ts), which gives the moment and wakes the text's live readers after
 * the commit.
 */
export async function recordEvent(db: DB, event: NewEvent, createdAt: string): Promise<void> {
  const payload = storedPayload(event);
  await store.insertEvent(db, {
    text_id: event.textId,
    layer_ids: JSON.stringify(event.layerIds),
    kind: event.kind,
    payload,
    item_kind: event.item?.kind ?? null,
    item_id: event.item?.id ?? null,
    created_at: createdAt,
  });
}

/**
 * What an event stores of its payload. A gloss's event carries the gloss without its thread: the
 * event is replayed for as long as the gloss is visible, so a reply copied into it would outlive a
 * later hiding or deleting of that reply. Replies travel in their own reply.* events, each
 * filtered as the reply is.
 */
export function storedPayload(event: Pick<NewEvent, 'payload' | 'item'>): string {
  if (event.item?.kind !== 'gloss') return event.payload;
  const { replies: _thread, ...gloss } = JSON.parse(event.payload) as Record<string, unknown>;
  return JSON.stringify(gloss);
}

/** Most events sent in one catch-up read. */
const pageSize = 500;

/**
 * The events of a text after `afterId` that the viewer may see now, and the id to continue
 * from (which moves past hidden events too, so they are not read again). An event about a
 * post is shown only while the viewer may see the post: a pending gloss's creation reaches its
 * author and the moderators, and reaches everyone once it is approved (as `gloss.updated`).
 * It carries the post as last written (see `asTheyAreNow`), not as it was then.
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
  const posts = await store.postsByIds(
    db,
    rows.filter((r) => r.item_kind === 'gloss').map((r) => r.item_id!),
    rows.filter((r) => r.item_kind === 'reply').map((r) => r.item_id!),
  );
  // Where the viewer has written: what read-first layers show them (docs/deliberation.md §4).
  const wrote = viewer !== null && [...layers.values()].some((l) => l.read_first) ? await layersWrittenIn(db, viewer.id, text.id) : new Set<number>();
  const glosses = new Map(posts.glosses.map((g) => [g.id, g]));
  const replies = new Map(posts.replies.map((r) => [r.id, r]));
  const visible = rows.filter((r) => {
    const layerIds = JSON.parse(r.layer_ids) as number[];
    const eventLayers = layerIds.map((id) => layers.get(id));
    if (eventLayers.some((l) => l === undefined || !canReadLayer(viewer, text, l))) return false;
    if (r.item_kind === null || r.kind.endsWith('.deleted')) return true;
    const layer = eventLayers[0]!;
    // A tombstone keeps its place but not its words: the events that carried them are gone with them.
    if (r.item_kind === 'gloss') {
      const g = glosses.get(r.item_id!);
      return g !== undefined && g.status !== 'deleted' && canSeeGloss(viewer, text, layer, g, wrote.has(layer.id));
    }
    const reply = replies.get(r.item_id!);
    return (
      reply !== undefined &&
      reply.status !== 'deleted' &&
      canSeePost(viewer, text, layer, reply) &&
      canSeeGloss(viewer, text, layer, { author_id: reply.gloss_author_id, status: reply.gloss_status }, wrote.has(layer.id))
    );
  });
  const current = await asTheyAreNow(db, text.id, visible, afterId);
  return { events: current.map((r) => withoutHiddenGroup(viewer, r, layers)), lastId: rows.at(-1)!.id };
}

/**
 * A layer event as the viewer may read it: its payload names the layer's group, which stays
 * unnamed to a viewer who may not see the group (a private group's public layer). Decided when
 * read, not when written, because a group may turn private after the event.
 */
function withoutHiddenGroup(
  viewer: Viewer | null,
  event: EventRow,
  layers: Map<number, { group_id: number | null; group_visibility: 'public' | 'private' | null }>,
): EventRow {
  if (!event.kind.startsWith('layer.')) return event;
  const layer = layers.get((JSON.parse(event.layer_ids) as number[])[0]);
  const payload = JSON.parse(event.payload) as { group?: string | null };
  if (!payload.group || !layer) return event;
  if (shownGroupSlug(viewer, { ...layer, group_slug: payload.group }) !== null) return event;
  return { ...event, payload: JSON.stringify({ ...payload, group: null }) };
}

/**
 * Gives each event about a post the payload of that post's newest event: a replay shows a gloss
 * or a reply as it was last written, never words an edit has since removed. Each event keeps its
 * kind and id, so a client still sees a post created, then changed, and resumes where it was.
 */
async function asTheyAreNow(db: DB, textId: number, events: EventRow[], afterId: number): Promise<EventRow[]> {
  const ids = (kind: 'gloss' | 'reply') => [...new Set(events.filter((e) => e.item_kind === kind && !e.kind.endsWith('.deleted')).map((e) => e.item_id!))];
  const newest = new Map<string, { id: number; payload: string }>();
  for (const kind of ['gloss', 'reply'] as const) {
    for (const row of await store.newestItemEvents(db, textId, kind, ids(kind), afterId)) newest.set(`${kind}:${row.item_id}`, row);
  }
  return events.map((e) => {
    const latest = e.item_kind === null || e.kind.endsWith('.deleted') ? undefined : newest.get(`${e.item_kind}:${e.item_id}`);
    return latest !== undefined && latest.id > e.id ? { ...e, payload: latest.payload } : e;
  });
}

/**
 * The reader of a live stream as they stand now, with the text as it is now: a stream asks this
 * before it sends, so a ban, a revoked token or a log-out takes effect on streams already open.
 * Null when the credential no longer holds, or the reader may no longer read the text (the
 * stream then ends; reconnecting is judged like any new request).
 */
export async function currentReader(
  db: DB,
  credential: Credential | null,
  textId: number,
): Promise<{ viewer: Viewer | null; text: TextRow } | null> {
  const viewer = credential === null ? null : await viewerForCredential(db, credential);
  if (credential !== null && viewer === null) return null;
  const text = await findTextById(db, textId);
  return text && canReadText(viewer, text) ? { viewer, text } : null;
}

/** The id of the newest event of a text (a stream opened now starts after it). */
export function lastEventId(db: DB, textId: number): Promise<number> {
  return store.lastEventId(db, textId);
}
