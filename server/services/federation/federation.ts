/**
 * Daf's ActivityPub server, built on Fedify (docs/federation.md): the actors (a federated
 * public group is a FEP-1b12 `Group`, a member a `Person`), their keys, WebFinger and NodeInfo,
 * the followers of a group, the Notes of published posts, and the inboxes. Everything Fedify
 * keeps is in Daf's database (stores.ts). Everything it serves goes through `federablePost` and
 * `federatedGroup`, which answer only for what a visitor may read.
 */
import {
  Accept,
  Activity,
  Announce,
  Application,
  Create,
  Delete,
  Endpoints,
  Flag,
  Follow,
  Group,
  Note,
  Reject,
  Person,
  Undo,
  Update,
  createFederation,
  getDocumentLoader,
  type Context,
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoaderFactory,
  type Federation,
  type KvStore,
  type MessageQueue,
} from '@fedify/fedify';
import type { DB } from '../../storage/database.ts';
import { deleteFollower, federableAnswer, federablePost, followerCount, followersOf, nodeUsage, publishedCountOfGroup, publishedOfGroup, upsertFollower } from '../../storage/federation.ts';
import { acceptFollowing, deleteFollowing, followersHereOf } from '../../storage/federation-following.ts';
import { findGroupBySlug } from '../../storage/groups.ts';
import { findUserByHandle } from '../../storage/users.ts';
import type { AppContext } from '../context.ts';
import { audienceOf, receiveFlag, receiveReply, receiveReplyDeletion, receiveReplyEdit, remoteActor, remoteBody, sourceOf } from './inbound.ts';
import { keyPairsOf } from './keys.ts';
import { answerToAnswer, backfill, fromFollowedGroup, linksOf, mirrorNote } from './followed-notes.ts';
import { isMirrored, readLinkedAnnotation, receiveFollowedDeletion, receiveFollowedEdit, receiveFollowedReplyEdit, type Loader } from './mirror.ts';
import { isPublicDestination } from './public-address.ts';
import { ApUrls, groupActor, parseNoteKey, postNote, userActor } from './notes.ts';
import { cachedDocumentLoaderFactory, DatabaseKvStore, DatabaseMessageQueue } from './stores.ts';
import { inReplyToOf, publishedRevision } from './threading.ts';

export interface FederationSettings {
  /** The public origin every id is made from (`--base-url`). */
  baseUrl: string;
  /**
   * Let peers on loopback and private addresses be fetched and delivered to. Only for tests and
   * closed networks: it turns off Fedify's guard against requests to the server's own network.
   */
  allowPrivateAddress: boolean;
  /** Fedify's stores; Daf's database by default. */
  kv?: KvStore;
  queue?: MessageQueue;
  /** How many of the queue's messages each process handles at once (8 by default). */
  queueWorkers?: number;
  /**
   * How remote documents and JSON-LD contexts are fetched; over HTTP, cached in the store
   * (`cachedDocumentLoaderFactory`) by default. Tests serve recorded documents through them,
   * and fail on any other fetch.
   */
  documentLoaderFactory?: DocumentLoaderFactory;
  contextLoaderFactory?: DocumentLoaderFactory;
  /**
   * How documents are fetched signed, as a local actor (what a personal inbox uses to check a
   * signature and to read what it names). When given, Fedify's own guard against private
   * addresses is off (it refuses both together), since these loaders do all the fetching;
   * `allowPrivateAddress` then governs only where Daf delivers.
   */
  authenticatedDocumentLoaderFactory?: AuthenticatedDocumentLoaderFactory;
}

/** A running federation: Fedify's object, and where its documents live. */
export interface DafFederation {
  federation: Federation<AppContext>;
  urls: ApUrls;
  settings: FederationSettings;
}

/** How many published posts a page of a group's outbox holds. */
const outboxPage = 20;

/** A page of a group's outbox starts after this post: `updated_at|kind|id`. */
function parseOutboxCursor(cursor: string): { updated_at: string; item_kind: 'gloss' | 'reply'; item_id: number } | null {
  const [at, kind, id] = cursor.split('|');
  if (!at || (kind !== 'gloss' && kind !== 'reply') || !/^[1-9][0-9]{0,15}$/.test(id ?? '')) return null;
  return { updated_at: at, item_kind: kind, item_id: Number(id) };
}

/** What a local actor identifier names: a group by slug, a person by handle, or the instance. */
export type ActorRef = { kind: 'group'; slug: string } | { kind: 'user'; handle: string } | { kind: 'app' };

export function parseActor(identifier: string): ActorRef | null {
  if (identifier === 'app.daf') return { kind: 'app' };
  const dot = identifier.indexOf('.');
  if (dot < 0) return null;
  const kind = identifier.slice(0, dot);
  const rest = identifier.slice(dot + 1);
  if (rest === '') return null;
  if (kind === 'group') return { kind: 'group', slug: rest };
  if (kind === 'user') return { kind: 'user', handle: rest };
  return null;
}

/** A group others may follow: it exists, it is public and it federates. */
export async function federatedGroup(db: DB, slug: string) {
  const group = await findGroupBySlug(db, slug);
  return group && group.visibility === 'public' && group.federated === 1 ? group : undefined;
}

/** A person whose actor exists: a live account (their profile page is public already). */
export async function livePerson(db: DB, handle: string) {
  const user = await findUserByHandle(db, handle);
  return user && user.deleted_at === null && user.handle === handle ? user : undefined;
}

/** Whose keys sign for an actor: `group:ID`, `user:ID` or `app`; null if the actor does not exist. */
async function keyOwner(db: DB, identifier: string): Promise<string | null> {
  const ref = parseActor(identifier);
  if (ref?.kind === 'app') return 'app';
  if (ref?.kind === 'group') {
    const group = await federatedGroup(db, ref.slug);
    return group ? `group:${group.id}` : null;
  }
  if (ref?.kind === 'user') {
    const user = await livePerson(db, ref.handle);
    return user ? `user:${user.id}` : null;
  }
  return null;
}

/** Builds the federation for a server whose public origin is `settings.baseUrl`. */
export function createDafFederation(ctx: AppContext, settings: FederationSettings): DafFederation {
  const urls = new ApUrls(settings.baseUrl.replace(/\/+$/, ''));
  // A followed gloss's annotation is read fresh, never from the cache: an Update must see the edit.
  const freshLoader = (settings.documentLoaderFactory ?? getDocumentLoader)({ allowPrivateAddress: settings.allowPrivateAddress });
  const fresh: Loader = async (url) => (await freshLoader(url)).document;
  const kv = settings.kv ?? new DatabaseKvStore(ctx.db);
  const allowPrivateAddress = settings.authenticatedDocumentLoaderFactory ? false : settings.allowPrivateAddress;
  const federation = createFederation<AppContext>({
    kv,
    queue: settings.queue ?? new DatabaseMessageQueue(ctx.db, ctx.log, { workers: settings.queueWorkers }),
    origin: urls.base,
    allowPrivateAddress,
    manuallyStartQueue: true,
    ...(settings.authenticatedDocumentLoaderFactory ? { authenticatedDocumentLoaderFactory: settings.authenticatedDocumentLoaderFactory } : {}),
    documentLoaderFactory: settings.documentLoaderFactory ?? cachedDocumentLoaderFactory(kv, allowPrivateAddress),
    ...(settings.contextLoaderFactory ? { contextLoaderFactory: settings.contextLoaderFactory } : {}),
  });

  federation
    .setActorDispatcher('/ap/actors/{identifier}', async (fctx, identifier) => {
      const ref = parseActor(identifier);
      if (ref === null) return null;
      const db = fctx.data.db;
      const keys = await fctx.getActorKeyPairs(identifier);
      const common = {
        id: fctx.getActorUri(identifier),
        inbox: fctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: fctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      };
      if (ref.kind === 'app') {
        return new Application({ ...common, preferredUsername: 'daf', name: 'Daf', url: new URL(`${urls.base}/`), manuallyApprovesFollowers: true });
      }
      if (ref.kind === 'group') {
        const group = await federatedGroup(db, ref.slug);
        if (!group) return null;
        return new Group({
          ...common,
          preferredUsername: group.slug,
          name: group.name,
          summary: group.description || null,
          url: new URL(urls.daf.group(group.slug)),
          followers: fctx.getFollowersUri(identifier),
          outbox: fctx.getOutboxUri(identifier),
          manuallyApprovesFollowers: false,
          discoverable: true,
        });
      }
      const user = await livePerson(db, ref.handle);
      if (!user) return null;
      return new Person({
        ...common,
        preferredUsername: user.handle,
        name: user.display_name,
        url: new URL(urls.daf.person(user.handle)),
        manuallyApprovesFollowers: true,
      });
    })
    .setKeyPairsDispatcher(async (fctx, identifier) => {
      const owner = await keyOwner(fctx.data.db, identifier);
      return owner === null ? [] : keyPairsOf(fctx.data.db, owner, fctx.data.clock);
    })
    // WebFinger: `acct:NAME@HOST` is a person when one has that handle, else a federated group
    // (a person's handle wins a clash, as on Lemmy); `group:NAME@HOST` asks for the group only.
    .mapHandle(async (fctx, username) => {
      const db = fctx.data.db;
      if (await livePerson(db, username)) return userActor(username);
      if (await federatedGroup(db, username)) return groupActor(username);
      return null;
    });

  federation
    .setFollowersDispatcher('/ap/actors/{identifier}/followers', async (fctx, identifier) => {
      const ref = parseActor(identifier);
      if (ref?.kind !== 'group') return null;
      const group = await federatedGroup(fctx.data.db, ref.slug);
      if (!group) return null;
      // Served to anyone, the collection says how many follow, not who: the list is for delivering.
      if ('request' in fctx) return { items: [] };
      const rows = await followersOf(fctx.data.db, group.id, 1_000_000);
      return {
        items: rows.map((r) => ({
          id: new URL(r.actor_uri),
          inboxId: new URL(r.inbox_uri),
          endpoints: r.shared_inbox_uri ? { sharedInbox: new URL(r.shared_inbox_uri) } : null,
        })),
      };
    })
    .setCounter(async (fctx, identifier) => {
      const ref = parseActor(identifier);
      if (ref?.kind !== 'group') return null;
      const group = await federatedGroup(fctx.data.db, ref.slug);
      return group ? followerCount(fctx.data.db, group.id) : null;
    });

  federation.setObjectDispatcher(Note, '/ap/notes/{key}', async (fctx, { key }) => {
    const note = parseNoteKey(key);
    if (note === null) return null;
    const row = await federablePost(fctx.data.db, note.kind, note.id);
    // A reply here in a followed group's thread answers there (docs/federation.md §7).
    const answer = row === undefined && note.kind === 'reply' ? await federableAnswer(fctx.data.db, note.id) : undefined;
    const post = row ?? answer;
    if (!post) return null;
    // Only the revision now current answers: an older one was deleted where it went.
    if (note.revision !== ((await publishedRevision(fctx.data.db, note.kind, post.id)) ?? 1)) return null;
    return postNote(post, urls, note.revision, answer ? new URL(answer.answers_uri) : await inReplyToOf(fctx.data.db, post, urls));
  });

  federation
    .setInboxListeners('/ap/actors/{identifier}/inbox', '/ap/inbox')
    .on(Follow, async (fctx, follow) => {
      if (!follow.id || !follow.actorId || !follow.objectId) return;
      const target = fctx.parseUri(follow.objectId);
      if (target?.type !== 'actor') return;
      const ref = parseActor(target.identifier);
      if (ref?.kind !== 'group') return;
      const group = await federatedGroup(fctx.data.db, ref.slug);
      if (!group) return;
      const follower = await follow.getActor(fctx);
      if (!follower?.id || !follower.inboxId || follower.id.href !== follow.actorId.href) return;
      // Never deliver to a private network, whatever a public actor names as its inbox.
      let sharedInbox = follower.endpoints?.sharedInbox?.href ?? null;
      if (!settings.allowPrivateAddress) {
        if (!(await isPublicDestination(follower.inboxId.href))) {
          ctx.log(`federation: refused a follow from ${follower.id.href}: its inbox is not a public address`);
          return;
        }
        if (sharedInbox !== null && !(await isPublicDestination(sharedInbox))) sharedInbox = null;
      }
      await upsertFollower(fctx.data.db, {
        group_id: group.id,
        actor_uri: follower.id.href,
        inbox_uri: follower.inboxId.href,
        shared_inbox_uri: sharedInbox,
        follow_uri: follow.id.href,
        created_at: fctx.data.clock().toISOString(),
      });
      const accept = new Accept({
        id: new URL(`${fctx.getActorUri(target.identifier).href}#accept/${encodeURIComponent(follow.id.href)}`),
        actor: follow.objectId,
        // The Follow as it came, by reference to its actor: not the actor document fetched since.
        object: new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId }),
      });
      await fctx.sendActivity({ identifier: target.identifier }, follower, accept);
    })
    .on(Undo, async (fctx, undo) => {
      const follow = await undo.getObject(fctx);
      if (!(follow instanceof Follow) || !follow.objectId || !undo.actorId) return;
      if (follow.actorId?.href !== undo.actorId.href) return;
      const target = fctx.parseUri(follow.objectId);
      const ref = target?.type === 'actor' ? parseActor(target.identifier) : null;
      if (ref?.kind !== 'group') return;
      const group = await findGroupBySlug(fctx.data.db, ref.slug);
      if (group) await deleteFollower(fctx.data.db, group.id, undo.actorId.href);
    })
    .on(Accept, async (fctx, accept) => {
      // Only the Follow this server sent, named by its id, from the group it was sent to; then
      // what that group published lately comes in from its outbox.
      if (!accept.actorId || !accept.objectId) return;
      if (await acceptFollowing(fctx.data.db, accept.actorId.href, accept.objectId.href)) await backfill(fctx, fresh, accept.actorId);
    })
    .on(Reject, async (fctx, reject) => {
      if (!reject.actorId || !reject.objectId) return;
      for (const row of await followersHereOf(fctx.data.db, reject.actorId.href)) {
        if (row.follow_uri === reject.objectId.href) await deleteFollowing(fctx.data.db, row.group_id, row.actor_uri);
      }
    })
    .on(Create, async (fctx, create) => {
      const note = await create.getObject(fctx);
      if (!(note instanceof Note) || !note.id || !create.actorId || note.attributionId?.href !== create.actorId.href) return;
      // A reply to a post of this server; else, perhaps, a post of a group followed from here.
      const answers = localPostOf(fctx, note.replyTargetId);
      if (answers === null || (answers.kind === 'reply' && (await federableAnswer(fctx.data.db, answers.id)))) {
        // A post of a group followed from here: on a text, on a gloss, or in a thread, perhaps
        // answering a reply a member here sent into that thread.
        if (!(await fromFollowedGroup(fctx, note))) return;
        const actor = await create.getActor(fctx);
        if (!actor?.id || actor.id.href !== create.actorId.href) return;
        if (answers === null) await mirrorNote(fctx, fresh, note, actor);
        else await answerToAnswer(fctx, note, actor, answers.id);
        return;
      }
      const actor = await create.getActor(fctx);
      if (!actor?.id || actor.id.href !== create.actorId.href) return;
      const body = remoteBody(note.content?.toString() ?? '', sourceOf(note));
      if (body === null) return;
      await receiveReply(fctx.data, { actor: remoteActor(actor), uri: note.id.href, answers, body, audience: audienceOf(note.toIds, note.ccIds, actor.followersId) });
    })
    .on(Update, async (fctx, update) => {
      const note = await update.getObject(fctx);
      if (!(note instanceof Note) || !note.id || !update.actorId || note.attributionId?.href !== update.actorId.href) return;
      if (await isMirrored(fctx.data.db, note.id.href)) {
        const linked = await readLinkedAnnotation(fresh, note.id, await linksOf(fctx, note));
        if (linked) await receiveFollowedEdit(fctx.data, update.actorId.href, note.id.href, linked.annotation);
        return;
      }
      const body = remoteBody(note.content?.toString() ?? '', sourceOf(note));
      if (body === null) return;
      if (await receiveFollowedReplyEdit(fctx.data, update.actorId.href, note.id.href, body)) return;
      await receiveReplyEdit(fctx.data, update.actorId.href, note.id.href, body);
    })
    .on(Delete, async (fctx, del) => {
      // The object is usually a Tombstone or a bare id: only its id is read, never fetched.
      if (!del.actorId || !del.objectId) return;
      if (await receiveFollowedDeletion(fctx.data, del.actorId.href, del.objectId.href)) return;
      await receiveReplyDeletion(fctx.data, del.actorId.href, del.objectId.href);
    })
    .on(Flag, async (fctx, flag) => {
      if (!flag.actorId) return;
      const posts = flag.objectIds.map((id) => localPostOf(fctx, id)).filter((p) => p !== null);
      if (posts.length === 0) return;
      const actor = await flag.getActor(fctx);
      if (!actor?.id || actor.id.href !== flag.actorId.href) return;
      // Mastodon writes the reason in `content`; Lemmy in `summary`.
      const reason = flag.content?.toString() ?? flag.summary?.toString() ?? '';
      for (const post of posts) await receiveFlag(fctx.data, remoteActor(actor), post, reason);
    })
    .on(Announce, async (fctx, announce) => {
      // A group elsewhere passes on its members' activities inside an Announce (FEP-1b12): each
      // is handled as if sent here, once Fedify has checked it (its proof, or its origin).
      const inner = await announce.getObject(fctx);
      if (inner instanceof Activity) await fctx.routeActivity(fctx.recipient, inner);
    })
    .onError((_fctx, error) => ctx.log(`federation inbox: ${error.message}`));

  // A group's outbox: what it has published, newest first, each as the Create that sent it, a
  // page at a time. Every item is asked again whether it may leave, as the Note door does.
  federation
    .setOutboxDispatcher('/ap/actors/{identifier}/outbox', async (fctx, identifier, cursor) => {
      const ref = parseActor(identifier);
      const group = ref?.kind === 'group' ? await federatedGroup(fctx.data.db, ref.slug) : undefined;
      if (!group) return null;
      if (cursor === null) return { items: [] };
      const before = cursor === '' ? null : parseOutboxCursor(cursor);
      if (cursor !== '' && before === null) return { items: [] };
      const rows = await publishedOfGroup(fctx.data.db, group.id, outboxPage, before);
      const items: Activity[] = [];
      for (const published of rows) {
        const row = await federablePost(fctx.data.db, published.item_kind, published.item_id);
        if (!row) continue;
        const note = postNote(row, urls, published.revision, await inReplyToOf(fctx.data.db, row, urls));
        items.push(new Create({ id: new URL(`${note.id!.href}#create`), actor: note.attributionId, object: note, to: note.toId, cc: note.ccId, published: note.published }));
      }
      const last = rows.at(-1);
      return { items, nextCursor: rows.length === outboxPage && last ? `${last.updated_at}|${last.item_kind}|${last.item_id}` : null };
    })
    // Only a federated group's outbox has pages; for anyone else there is no first page, and
    // the dispatcher's null answers 404.
    .setFirstCursor(async (fctx, identifier) => {
      const ref = parseActor(identifier);
      return ref?.kind === 'group' && (await federatedGroup(fctx.data.db, ref.slug)) ? '' : null;
    })
    .setCounter(async (fctx, identifier) => {
      const ref = parseActor(identifier);
      const group = ref?.kind === 'group' ? await federatedGroup(fctx.data.db, ref.slug) : undefined;
      return group ? publishedCountOfGroup(fctx.data.db, group.id) : null;
    });

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async (fctx) => {
    const usage = await nodeUsage(fctx.data.db);
    return {
      software: { name: 'daf', version: { major: 0, minor: 1, patch: 0, build: [], prerelease: [] }, homepage: new URL(`${urls.base}/`) },
      protocols: ['activitypub'],
      usage: { users: { total: usage.users }, localPosts: usage.glosses, localComments: usage.replies },
      openRegistrations: true,
    };
  });

  return { federation, urls, settings };
}

/** The local published post a Note id names (`/ap/notes/…` of this server), or null. */
function localPostOf(fctx: Context<AppContext>, id: URL | null): { kind: 'gloss' | 'reply'; id: number } | null {
  if (id === null) return null;
  const parsed = fctx.parseUri(id);
  if (parsed?.type !== 'object' || parsed.class !== Note) return null;
  const key = parseNoteKey(String(parsed.values.key ?? ''));
  return key === null ? null : { kind: key.kind, id: key.id };
}

