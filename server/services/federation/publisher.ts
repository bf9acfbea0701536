/**
 * The publisher (docs/federation.md §5): reads the event log and brings what the group's
 * followers elsewhere hold in line with what a visitor may read here. For each gloss or reply an
 * event names, it asks `federablePost` whether the post may leave now and compares with what was
 * last published (`fed_object`):
 * - may leave, never published (or deleted there since): Create, under a new id after a Delete;
 * - may leave, published, its Note changed: Update;
 * - may not leave, published: Delete (hidden, deleted, made pending, its layer or text closed to
 *   visitors, its layer no longer publishing).
 * A change to a layer reconciles every post of it that was ever published. The author sends the
 * Create, Update or Delete; the group announces it to its followers, as Lemmy does, and boosts a
 * gloss on the text itself (`Announce(Note)`) for Mastodon, which shows boosts and not a group's
 * Creates. Deciding from the present state makes every step safe to repeat: a crash between a
 * send and the cursor's move sends the same activity (same id) again, which receivers drop.
 */
import { randomUUID } from 'node:crypto';
import { Announce, Create, Delete, PUBLIC_COLLECTION, Tombstone, Update, signObject, type Activity, type Context, type Note, type Recipient } from '@fedify/fedify';
import * as store from '../../storage/federation.ts';
import { followingOf } from '../../storage/federation-following.ts';
import type { AppContext } from '../context.ts';
import type { DafFederation } from './federation.ts';
import { inReplyToOf } from './threading.ts';
import { groupActor, noteDigest, postNote, userActor } from './notes.ts';
import { isPublicDestination } from './public-address.ts';

const cursorName = 'publisher';
const batch = 200;
/** How long the publisher holds the log; renewed on every pass. */
const leaseMs = 30_000;
/** How long a gap in event ids may be an uncommitted transaction before it is taken for a rolled-back one. */
const gapWaitMs = 5_000;

export interface Publisher {
  /** Reads the log now (tests); resolves when this pass is done. */
  pass(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the publisher: a pass now, on every write of this process, and every `pollMs`. */
export function startPublisher(ctx: AppContext, fed: DafFederation, pollMs = 2000): Publisher {
  const holder = randomUUID();
  const gaps = new Map<number, number>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pass = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readLog(ctx, fed, holder, gaps);
        } while (again && !stopped);
      } catch (err) {
        ctx.log(`federation publisher: ${(err as Error).message}`);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void pass(), pollMs);
  timer.unref();
  const unsubscribe = ctx.bus.subscribeAll(() => void pass());
  void pass();
  return {
    pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
      // Given back, so that a process started next (a restart, a deploy) publishes at once
      // instead of waiting out the lease.
      await store.releaseCursor(ctx.db, cursorName, holder).catch((err: Error) => ctx.log(`federation publisher: could not give the log up: ${err.message}`));
    },
  };
}

async function readLog(ctx: AppContext, fed: DafFederation, holder: string, gaps: Map<number, number>): Promise<void> {
  for (;;) {
    const now = Date.now();
    const last = await store.leaseCursor(ctx.db, cursorName, holder, now, now + leaseMs);
    if (last === null) return; // another process publishes
    // A group that stopped federating writes no event of a text: what it published is found here.
    for (const post of await store.publishedOfClosedGroups(ctx.db, batch)) await reconcileSafely(ctx, fed, post.item_kind, post.item_id);
    const events = await store.eventsSince(ctx.db, last, batch);
    if (events.length === 0) return;
    let done = last;
    for (const event of events) {
      if (event.id !== done + 1) {
        // An id skipped: a transaction still open on PostgreSQL (wait for it), or one rolled back.
        const seen = gaps.get(done + 1) ?? now;
        gaps.set(done + 1, seen);
        if (now - seen < gapWaitMs) break;
        gaps.delete(done + 1);
      }
      try {
        await reconcileEvent(ctx, fed, event);
      } catch (err) {
        // One event that cannot be handled must not hold up the log: what it named is decided
        // again from the present state by the next event about it.
        ctx.log(`federation publisher: event ${event.id} (${event.kind}) failed: ${(err as Error).message}`);
      }
      done = event.id;
    }
    if (done === last) return;
    await store.advanceCursor(ctx.db, cursorName, holder, done);
    if (events.length < batch) return;
  }
}

async function reconcileEvent(ctx: AppContext, fed: DafFederation, event: { kind: string; layer_ids: string; payload: string; item_kind: 'gloss' | 'reply' | null; item_id: number | null }) {
  if (event.item_kind !== null && event.item_id !== null) {
    await reconcilePost(ctx, fed, event.item_kind, event.item_id);
    return;
  }
  // A deletion names its post only in its payload (the row may be gone).
  if (event.kind === 'gloss.deleted' || event.kind === 'reply.deleted') {
    const { id } = JSON.parse(event.payload) as { id: number };
    await reconcilePost(ctx, fed, event.kind === 'gloss.deleted' ? 'gloss' : 'reply', id);
    return;
  }
  if (event.kind === 'layer.updated') {
    for (const layerId of JSON.parse(event.layer_ids) as number[]) {
      for (const post of await store.publishedPosts(ctx.db, { layerId })) await reconcilePost(ctx, fed, post.item_kind, post.item_id);
    }
  }
}

/** `reconcilePost`, its failure logged: a post that cannot be reconciled now is tried on a later pass. */
async function reconcileSafely(ctx: AppContext, fed: DafFederation, kind: 'gloss' | 'reply', id: number): Promise<void> {
  try {
    await reconcilePost(ctx, fed, kind, id);
  } catch (err) {
    ctx.log(`federation publisher: ${kind} ${id} failed: ${(err as Error).message}`);
  }
}

/** Brings one post's Note, where the group's followers are, in line with what a visitor may read now. */
export async function reconcilePost(ctx: AppContext, fed: DafFederation, kind: 'gloss' | 'reply', id: number): Promise<void> {
  await reconcileOne(ctx, fed, kind, id);
  // What hangs beneath a gloss goes where it goes: hidden with it, published again with it.
  if (kind === 'gloss') {
    for (const post of await store.publishedPosts(ctx.db, { beneath: id })) await reconcilePost(ctx, fed, post.item_kind, post.item_id);
  }
}

async function reconcileOne(ctx: AppContext, fed: DafFederation, kind: 'gloss' | 'reply', id: number): Promise<void> {
  const row = await store.federablePost(ctx.db, kind, id);
  const published = await store.publishedObject(ctx.db, kind, id);
  const context = fed.federation.createContext(new URL(`${fed.urls.base}/`), ctx);
  const at = ctx.clock().toISOString();
  // A reply written here in a followed group's thread goes back to that group's server instead.
  const answer = row === undefined && kind === 'reply' ? await store.federableAnswer(ctx.db, id) : undefined;
  if (answer !== undefined) {
    await reconcileAnswer(context, fed, answer, published, at);
    return;
  }

  if (row === undefined) {
    if (!published || published.deleted === 1) return;
    const group = await store.groupSlugOf(ctx.db, published.group_id);
    const noteId = fed.urls.note(kind, id, published.revision);
    // Its author sends it (servers take a Delete only from the author): by the row, or, once the
    // row is gone, by whom the Create went from; else the group.
    const handle = await store.liveAuthorHandle(ctx.db, kind, id);
    const candidates = [handle !== null ? userActor(handle) : null, published.sent_by, group !== undefined ? groupActor(group) : null];
    let sender: string | null = null;
    for (const candidate of candidates) {
      // Nobody left to sign it (the author's account deleted, and the group no longer federating): it cannot be sent.
      if (candidate !== null && (await context.getActorKeyPairs(candidate)).length > 0) {
        sender = candidate;
        break;
      }
    }
    if (sender !== null) {
      const del = new Delete({
        id: new URL(`${noteId.href}#delete`),
        actor: fed.urls.actor(sender),
        object: new Tombstone({ id: noteId }),
        to: PUBLIC_COLLECTION,
      });
      if (published.sent_to !== null && published.sent_inbox !== null) {
        await sendSigned(context, sender, [{ id: new URL(published.sent_to), inboxId: new URL(published.sent_inbox), endpoints: null }], del);
      } else {
        await deliver(context, fed, published.group_id, group, sender, del);
      }
    }
    await store.savePublished(ctx.db, { ...published, deleted: 1, updated_at: at });
    return;
  }

  const digest = noteDigest(row, fed.urls);
  const author = userActor(row.author_handle);
  if (published && published.deleted === 0) {
    if (published.digest === digest && published.group_id === row.group_id) return;
    const note = postNote(row, fed.urls, published.revision, await inReplyToOf(ctx.db, row, fed.urls));
    const update = new Update({
      id: new URL(`${note.id!.href}#update-${digest.slice(0, 16)}`),
      actor: fed.urls.actor(author),
      object: note,
      to: note.toId,
      cc: note.ccId,
    });
    await deliver(context, fed, row.group_id, row.group_slug, author, update);
    await store.savePublished(ctx.db, { ...published, digest, group_id: row.group_id, updated_at: at, sent_to: null, sent_inbox: null, sent_by: author });
    return;
  }
  const revision = published ? published.revision + 1 : 1;
  const note = postNote(row, fed.urls, revision, await inReplyToOf(ctx.db, row, fed.urls));
  const create = new Create({
    id: new URL(`${note.id!.href}#create`),
    actor: fed.urls.actor(author),
    object: note,
    to: note.toId,
    cc: note.ccId,
    published: note.published,
  });
  // Only a gloss on the text is boosted on its own: replies boosted into timelines read as noise.
  const boost = row.kind === 'gloss' && row.target_gloss_id === null ? note : null;
  await deliver(context, fed, row.group_id, row.group_slug, author, create, boost);
  await store.savePublished(ctx.db, { item_kind: kind, item_id: id, group_id: row.group_id, revision, digest, deleted: 0, updated_at: at, sent_to: null, sent_inbox: null, sent_by: author });
}

/**
 * A reply written here in a followed group's thread, brought in line there: sent from its author
 * to that group (whose server takes it into the thread if its layer takes replies from
 * elsewhere), `inReplyTo` what it answers there. Create, Update on an edit; the Delete is sent by
 * `reconcileOne` to where this went. Nothing goes while the group here no longer follows there.
 */
async function reconcileAnswer(context: Context<AppContext>, fed: DafFederation, row: store.FederableAnswerRow, published: store.PublishedRow | undefined, at: string): Promise<void> {
  // The group whose layer the thread mirrors; for a mirror made before that was kept, a group on its server.
  const origin = new URL(row.layer_remote_uri).origin;
  const followed = (await followingOf(context.data.db, row.group_id)).find(
    (f) => f.state === 'accepted' && (row.layer_remote_group !== null ? f.actor_uri === row.layer_remote_group : new URL(f.actor_uri).origin === origin),
  );
  if (!followed) return;
  const to: Recipient[] = [{ id: new URL(followed.actor_uri), inboxId: new URL(followed.inbox_uri), endpoints: null }];
  const digest = noteDigest(row, fed.urls);
  const author = userActor(row.author_handle);
  const live = published !== undefined && published.deleted === 0;
  if (live && published.digest === digest) return;
  const revision = live ? published.revision : published ? published.revision + 1 : 1;
  const note = postNote(row, fed.urls, revision, new URL(row.answers_uri));
  const Kind = live ? Update : Create;
  const activity = new Kind({
    id: new URL(`${note.id!.href}#${live ? `update-${digest.slice(0, 16)}` : 'create'}`),
    actor: fed.urls.actor(author),
    object: note,
    to: note.toId,
    cc: new URL(followed.actor_uri),
    published: live ? null : note.published,
  });
  await sendSigned(context, author, to, activity);
  await store.savePublished(context.data.db, { item_kind: 'reply', item_id: row.id, group_id: row.group_id, revision, digest, deleted: 0, updated_at: at, sent_to: followed.actor_uri, sent_inbox: followed.inbox_uri, sent_by: author });
}

/** Sends `activity` from `sender` to `recipients`, with the sender's integrity proof (FEP-8b32). */
async function sendSigned(context: Context<AppContext>, sender: string, recipients: Recipient[], activity: Activity): Promise<Activity> {
  const keys = await context.getActorKeyPairs(sender);
  const proofKey = keys.find((k) => k.privateKey.algorithm.name === 'Ed25519');
  const signed = proofKey ? await signObject(activity, proofKey.privateKey, proofKey.keyId, { contextLoader: context.contextLoader }) : activity;
  await context.sendActivity({ identifier: sender }, recipients, signed, { preferSharedInbox: true });
  return signed;
}

/**
 * Sends `activity` from its author to the group's followers, then the group's announcement of it
 * (FEP-1b12), and, for a gloss on the text, the group's boost of the Note itself. The inner
 * activity carries the author's integrity proof (FEP-8b32), so a server that receives it inside
 * the Announce can check it without fetching.
 */
async function deliver(
  context: Context<AppContext>,
  fed: DafFederation,
  groupId: number,
  groupSlug: string | undefined,
  sender: string,
  activity: Activity,
  boost: Note | null = null,
): Promise<void> {
  const recipients: Recipient[] = [];
  for (const r of await store.followersOf(context.data.db, groupId, 1_000_000)) {
    // Checked again at each delivery: a name that pointed to a public address may not any more.
    if (!fed.settings.allowPrivateAddress && !(await isPublicDestination(r.shared_inbox_uri ?? r.inbox_uri))) continue;
    recipients.push({ id: new URL(r.actor_uri), inboxId: new URL(r.inbox_uri), endpoints: r.shared_inbox_uri ? { sharedInbox: new URL(r.shared_inbox_uri) } : null });
  }
  if (recipients.length === 0) return;
  const signed = await sendSigned(context, sender, recipients, activity);
  if (groupSlug === undefined) return;
  const group = groupActor(groupSlug);
  // A group that no longer federates has no actor to announce with: its members' Deletes go alone.
  if (sender === group || (await context.getActorKeyPairs(group)).length === 0) return;
  const groupUri = fed.urls.actor(group);
  const announce = new Announce({
    id: new URL(`${groupUri.href}#announce/${encodeURIComponent(activity.id!.href)}`),
    actor: groupUri,
    object: signed,
    to: PUBLIC_COLLECTION,
    cc: fed.urls.followers(group),
  });
  await context.sendActivity({ identifier: group }, recipients, announce, { preferSharedInbox: true });
  if (boost !== null) {
    const boostNote = new Announce({
      id: new URL(`${groupUri.href}#boost/${encodeURIComponent(boost.id!.href)}`),
      actor: groupUri,
      object: boost.id,
      to: PUBLIC_COLLECTION,
      cc: fed.urls.followers(group),
      published: boost.published,
    });
    await context.sendActivity({ identifier: group }, recipients, boostNote, { preferSharedInbox: true });
  }
}
