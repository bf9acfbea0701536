/**
 * A server elsewhere, for federation tests: a small Fedify instance on loopback with one person
 * (`alice`), which signs what it sends and records every activity delivered to it, each checked
 * by Fedify against its sender's key. It plays the part a Mastodon server plays for Daf, or,
 * with `groups` and `documents`, a Daf whose group is followed (its outbox written by the test). The
 * federation benchmark (test/bench/federation.ts) starts it with many people, who all follow.
 */
import { serve } from '@hono/node-server';
import { Activity, Create, Endpoints, Follow, Group, MemoryKvStore, Note, PUBLIC_COLLECTION, Person, Undo, createFederation, generateCryptoKeyPair, type Federation } from '@fedify/fedify';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';

export interface Delivery {
  type: string;
  id: string | null;
  actor: string | null;
  /** The id of its object (the first, if several); a delivery a test makes by hand may leave it out. */
  object?: string | null;
  /** The activity as JSON-LD compacted by Fedify; empty when the peer was started with `json: false`. */
  json: Record<string, any>;
}

/** How a peer is started; every option may be left out. */
export interface PeerOptions {
  /** People beyond alice and mallory, by identifier, each a plain Person with a shared inbox. */
  people?: string[];
  /** Whether to keep each delivery's JSON-LD (true by default). A benchmark taking thousands records only type, ids and object. */
  json?: boolean;
  /** Called with each delivery as it is recorded, after Fedify has checked it. */
  onDelivery?: (delivery: Delivery) => void;
  /**
   * Key pairs (RSA, then Ed25519) every person signs with, each under their own key id. By
   * default each person gets their own, made when first needed: Fedify's RSA pairs are 4,096
   * bits, seconds each to make on a busy machine, too slow for a benchmark with many people.
   */
  keys?: CryptoKeyPair[];
  /**
   * Groups (FEP-1b12 `Group` actors under /users/), by identifier, each with its outbox: pages of
   * activities, newest first, read when asked (a test may fill them once it knows the peer's URL).
   */
  groups?: Record<string, { outbox: Activity[][] }>;
  /** JSON documents served at these paths (what Fedify does not answer): annotations, a text's API. */
  documents?: Map<string, unknown>;
  /**
   * How long each POST (a delivery to an inbox) waits before it is read and answered, in
   * milliseconds, asked afresh for each: a server across the world, where loopback answers at once.
   */
  inboxDelayMs?: () => number;
}

export class FediPeer {
  readonly deliveries: Delivery[] = [];
  private constructor(
    readonly url: string,
    private readonly federation: Federation<void>,
    private readonly server: Server,
  ) {}

  /**
   * Starts a peer on a free loopback port. Its people: alice, mallory, whose profile address
   * is a `javascript:` URL (a page must never link to it), and `options.people`.
   */
  static async start(options: PeerOptions = {}): Promise<FediPeer> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const federation = createFederation<void>({ kv: new MemoryKvStore(), origin: url, allowPrivateAddress: true });
    // One promise per person, so that two requests signed at once sign with the same keys.
    const keys = new Map<string, Promise<CryptoKeyPair[]>>();
    const people: Record<string, { name: string; url?: string }> = { alice: { name: 'Alice Elsewhere' }, mallory: { name: 'Mallory', url: 'javascript:alert(1)' } };
    for (const who of options.people ?? []) people[who] ??= { name: who };
    federation
      .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
        if (options.groups?.[identifier]) {
          const pairs = await ctx.getActorKeyPairs(identifier);
          return new Group({
            id: ctx.getActorUri(identifier),
            preferredUsername: identifier,
            name: `Group ${identifier}`,
            inbox: ctx.getInboxUri(identifier),
            outbox: ctx.getOutboxUri(identifier),
            endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
            publicKey: pairs[0]?.cryptographicKey,
            assertionMethods: pairs.map((p) => p.multikey),
          });
        }
        const person = people[identifier];
        if (!person) return null;
        const pairs = await ctx.getActorKeyPairs(identifier);
        return new Person({
          id: ctx.getActorUri(identifier),
          preferredUsername: identifier,
          name: person.name,
          followers: new URL(`${ctx.getActorUri(identifier).href}/followers`),
          url: new URL(person.url ?? `${url}/@${identifier}`),
          inbox: ctx.getInboxUri(identifier),
          endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
          publicKey: pairs[0]?.cryptographicKey,
          assertionMethods: pairs.map((p) => p.multikey),
        });
      })
      .setKeyPairsDispatcher(async (_ctx, identifier) => {
        if (!people[identifier] && !options.groups?.[identifier]) return [];
        if (options.keys) return options.keys;
        if (!keys.has(identifier)) keys.set(identifier, Promise.all([generateCryptoKeyPair('RSASSA-PKCS1-v1_5'), generateCryptoKeyPair('Ed25519')]));
        return keys.get(identifier)!;
      });
    federation
      .setOutboxDispatcher('/users/{identifier}/outbox', (_ctx, identifier, cursor) => {
        const pages = options.groups?.[identifier]?.outbox;
        if (!pages) return null;
        if (cursor === null) return { items: [] };
        const at = Number(cursor);
        return { items: pages[at] ?? [], nextCursor: at + 1 < pages.length ? String(at + 1) : null };
      })
      .setFirstCursor(() => '0');
    let peer: FediPeer | null = null;
    federation.setInboxListeners('/users/{identifier}/inbox', '/inbox').on(Activity, async (ctx, activity) => {
      const json = options.json === false ? {} : ((await activity.toJsonLd({ contextLoader: ctx.contextLoader })) as Record<string, any>);
      const type = options.json === false ? activity.constructor.name : String(json.type);
      const delivery = { type, id: activity.id?.href ?? null, actor: activity.actorId?.href ?? null, object: activity.objectId?.href ?? null, json };
      peer!.deliveries.push(delivery);
      options.onDelivery?.(delivery);
    });
    const server = await new Promise<Server>((resolve) => {
      const documents = options.documents ?? new Map<string, unknown>();
      const onNotFound = (request: Request) => {
        const doc = documents.get(new URL(request.url).pathname);
        return doc === undefined ? new Response('Not found', { status: 404 }) : Response.json(doc, { headers: { 'Content-Type': 'application/ld+json' } });
      };
      const fetch = async (request: Request) => {
        const delay = request.method === 'POST' ? (options.inboxDelayMs?.() ?? 0) : 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        return federation.fetch(request, { contextData: undefined, onNotFound });
      };
      const s = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
    });
    peer = new FediPeer(url, federation, server);
    return peer;
  }

  get alice(): URL {
    return this.person('alice');
  }

  /** Alice (or `who`) follows `actorUri` (fetched, so its inbox is known); returns the Follow's id. */
  async follow(actorUri: string, who = 'alice'): Promise<string> {
    const ctx = this.federation.createContext(new URL(this.url), undefined);
    const target = await ctx.lookupObject(actorUri);
    if (!target || !('inboxId' in target)) throw new Error(`No actor at ${actorUri}`);
    const id = new URL(`${this.person(who).href}#follows/${encodeURIComponent(actorUri)}`);
    await ctx.sendActivity({ identifier: who }, target as Person, new Follow({ id, actor: this.person(who), object: new URL(actorUri) }), { immediate: true });
    return id.href;
  }

  /** Alice takes back her follow of `actorUri`. */
  async unfollow(actorUri: string): Promise<void> {
    const ctx = this.federation.createContext(new URL(this.url), undefined);
    const target = await ctx.lookupObject(actorUri);
    if (!target || !('inboxId' in target)) throw new Error(`No actor at ${actorUri}`);
    const followId = new URL(`${this.alice.href}#follows/${encodeURIComponent(actorUri)}`);
    const follow = new Follow({ id: followId, actor: this.alice, object: new URL(actorUri) });
    await ctx.sendActivity({ identifier: 'alice' }, target as Person, new Undo({ id: new URL(`${followId.href}/undo`), actor: this.alice, object: follow }), { immediate: true });
  }

  /** Sends an activity from `who` (alice by default), signed, to `inbox`. */
  async send(inbox: string, activity: Activity, who = 'alice'): Promise<void> {
    const ctx = this.federation.createContext(new URL(this.url), undefined);
    await ctx.sendActivity({ identifier: who }, { id: new URL(inbox), inboxId: new URL(inbox), endpoints: null }, activity, { immediate: true });
  }

  person(who: string): URL {
    return new URL(`${this.url}/users/${who}`);
  }

  /** Alice answers the Note `inReplyTo` with `html`, addressed as Mastodon addresses a post of that visibility. */
  async reply(inbox: string, inReplyTo: string, html: string, visibility: 'public' | 'unlisted' | 'followers' | 'direct' = 'public', who = 'alice'): Promise<{ note: string; create: Create }> {
    const n = ++this.#notes;
    const author = this.person(who);
    const followers = new URL(`${author.href}/followers`);
    const to = visibility === 'public' ? [PUBLIC_COLLECTION] : visibility === 'unlisted' ? [followers] : visibility === 'followers' ? [followers] : [];
    const cc = visibility === 'public' ? [followers] : visibility === 'unlisted' ? [PUBLIC_COLLECTION] : [];
    const note = new Note({ id: new URL(`${author.href}/notes/${n}`), attribution: author, content: html, replyTarget: new URL(inReplyTo), tos: to, ccs: cc });
    const create = new Create({ id: new URL(`${note.id!.href}/activity`), actor: author, object: note, tos: to, ccs: cc });
    await this.send(inbox, create, who);
    return { note: note.id!.href, create };
  }

  #notes = 0;

  /** Waits until a delivery matches, or fails after `timeoutMs`. */
  async waitFor(match: (d: Delivery) => boolean, timeoutMs = 10_000): Promise<Delivery> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.deliveries.find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`No such delivery in ${timeoutMs} ms; got: ${this.deliveries.map((d) => `${d.type} ${d.id}`).join(', ') || 'none'}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nobody listens on now (the OS picks it), for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
