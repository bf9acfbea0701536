/**
 * The servers elsewhere, played offline from what they really sent (fixtures/federation/, its
 * README says where each file comes from): a test replays a recorded activity into a Daf
 * server's inbox, signed over real HTTP, and Daf checks the signature for real. Nothing leaves
 * the process but requests to Daf on loopback.
 *
 * - **Documents.** `loader` is the document and context loader a Daf federation is given
 *   (`documentLoaderFactory`, `contextLoaderFactory`): it answers from the file of each URL and
 *   throws on any other, so an unexpected fetch fails the test.
 * - **The network.** `intercept` stands in for `fetch` in this process: a GET to another host is
 *   answered from the same files (Fedify fetches signed, with its own `fetch`, where it does not
 *   use the loader: for an inbox's own actor), a POST there is recorded as a delivery and
 *   answered 202. Loopback goes through.
 * - **Keys.** The recorded actors carry their servers' public keys, whose private halves nobody
 *   has. Each actor served gets a key pair made here instead: its `publicKey` is replaced (and
 *   any `assertionMethod` dropped) as it is served, and `deliver` signs with that key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportSpki, generateCryptoKeyPair, signRequest, type DocumentLoader, type DocumentLoaderFactory, type RemoteDocument } from '@fedify/fedify';

type Json = Record<string, any>;

/** Where the recorded documents are kept. */
export const fixtureRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/federation');

/** The file of a URL's document: `HOST/PATH.json`, a fragment kept percent-encoded (`#delete` is `%23delete`). */
export function fixtureFile(url: string): string {
  const u = new URL(url);
  return path.join(fixtureRoot, u.host + u.pathname + (u.hash ? encodeURIComponent(u.hash) : '') + '.json');
}

/** A recorded document by its id, a copy the test may change. */
export function recorded(id: string): Json {
  return JSON.parse(fs.readFileSync(fixtureFile(id), 'utf8')) as Json;
}

/** How a document was asked for: by Daf's loader, or by a fetch of its own (signed, naming its key). */
export interface Fetched {
  url: string;
  via: 'loader' | 'fetch';
  /** The `keyId` of the request's signature, for a fetch. */
  keyId: string | null;
}

/** What Daf sent to a server elsewhere. */
export interface Delivery {
  inbox: string;
  json: Json;
  /** The `keyId` of the request's signature. */
  keyId: string | null;
}

const realFetch = globalThis.fetch;

export class Elsewhere {
  /** Every document asked for, in order. */
  readonly fetched: Fetched[] = [];
  /** URLs asked for that no file holds (each such request failed). */
  readonly missing: string[] = [];
  /** What Daf delivered elsewhere. */
  readonly deliveries: Delivery[] = [];
  /** Requests to other hosts that were neither a GET nor a POST. */
  readonly refused: string[] = [];
  readonly #keys = new Map<string, Promise<CryptoKeyPair>>();
  readonly #served = new Map<string, Json>();

  /** Fedify's document (and context) loader, from the files. */
  readonly loader: DocumentLoaderFactory = () => this.#loader;

  readonly #loader: DocumentLoader = async (url: string): Promise<RemoteDocument> => {
    const document = await this.#document(url, { url, via: 'loader', keyId: null });
    if (document === null) throw new Error(`No recorded document for ${url} (fixtures/federation/): the test may not fetch it`);
    return { contextUrl: null, document, documentUrl: url };
  };

  /** The key pair of a recorded actor, made the first time it is needed. */
  keysOf(actorId: string): Promise<CryptoKeyPair> {
    let pair = this.#keys.get(actorId);
    if (!pair) {
      pair = generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
      this.#keys.set(actorId, pair);
    }
    return pair;
  }

  /** The document at `url` as its server answers it now, or null (recorded as missing). */
  async #document(url: string, asked: Fetched): Promise<Json | null> {
    this.fetched.push(asked);
    const doc = await this.#resolve(url);
    if (doc === null) this.missing.push(url);
    return doc;
  }

  async #resolve(url: string): Promise<Json | null> {
    const bare = new URL(url);
    bare.hash = '';
    let doc: Json | null = this.#served.get(bare.href) ?? null;
    if (doc === null) {
      const file = fixtureFile(bare.href);
      doc = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Json) : null;
    }
    if (doc === null) return null;
    if (doc.publicKey && typeof doc.id === 'string') {
      const pem = await exportSpki((await this.keysOf(doc.id)).publicKey);
      doc = { ...doc, publicKey: { ...doc.publicKey, publicKeyPem: pem } };
      delete doc.assertionMethod;
    }
    return doc;
  }

  /**
   * From now on its server answers `doc` at its id, as the origin of an activity does; an
   * embedded activity too (Fedify fetches the Create inside an Announce to trust it), with the
   * outer `@context`.
   */
  serve(doc: Json, context: unknown = doc['@context']): void {
    if (typeof doc.id === 'string') this.#served.set(doc.id, { '@context': context, ...doc });
    const inner = doc.object;
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && typeof inner.id === 'string' && typeof inner.actor === 'string') this.serve(inner, context);
  }

  /** Posts `activity` to `inbox` over HTTP, signed with its actor's key as its server would; serves it at its id. */
  async deliver(inbox: string, activity: Json): Promise<Response> {
    const actor = String(activity.actor);
    const actorDoc = await this.#resolve(actor);
    if (!actorDoc?.publicKey?.id) throw new Error(`${actor} is not a recorded actor with a key`);
    this.serve(activity);
    const body = JSON.stringify(activity);
    const request = new Request(inbox, { method: 'POST', headers: { 'content-type': 'application/activity+json', accept: 'application/activity+json' }, body });
    const signed = await signRequest(request, (await this.keysOf(actor)).privateKey, new URL(String(actorDoc.publicKey.id)));
    return realFetch(signed);
  }

  /** Stands in for the network in this process until the returned function is called. */
  intercept(): () => void {
    const stand = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return realFetch(input, init);
      const keyId = /keyId="([^"]+)"/.exec(request.headers.get('signature') ?? '')?.[1] ?? null;
      if (request.method === 'GET') {
        const doc = await this.#document(url.href, { url: url.href, via: 'fetch', keyId });
        if (doc === null) return new Response('Not recorded', { status: 404 });
        return new Response(JSON.stringify(doc), { headers: { 'content-type': 'application/activity+json' } });
      }
      if (request.method === 'POST') {
        this.deliveries.push({ inbox: url.href, json: JSON.parse(await request.text()) as Json, keyId });
        return new Response(null, { status: 202 });
      }
      this.refused.push(`${request.method} ${url.href}`);
      throw new TypeError(`fetch failed: ${request.method} ${url.href} is not played here`);
    };
    globalThis.fetch = stand as typeof fetch;
    return () => {
      globalThis.fetch = realFetch;
    };
  }
}
