/**
 * Fedify's key-value store and message queue, kept in Daf's own database (docs/federation.md
 * §3): durable, and shared by every process on one database. Nothing federation keeps lives
 * only in a process's memory.
 */
import { randomUUID } from 'node:crypto';
import { getDocumentLoader, kvCache } from '@fedify/fedify';
import type { DocumentLoaderFactory, KvKey, KvStore, KvStoreSetOptions, MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import type { DB } from '../../storage/database.ts';
import * as store from '../../storage/federation.ts';

/** How often the store forgets what has lapsed (on a write, at most this often). */
const sweepEveryMs = 60 * 60 * 1000;

/**
 * A Fedify key-value store over the `fed_kv` table. Keys are stored as their JSON. What has
 * lapsed is never read, and is deleted on a write at most once an hour, so the table stays the
 * size of what is live (cached documents and keys, remembered activity ids).
 */
export class DatabaseKvStore implements KvStore {
  #lastSweep = 0;

  constructor(
    private readonly db: DB,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const value = await store.kvGet(this.db, JSON.stringify(key), this.now());
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const now = this.now();
    const ttl = options?.ttl ? options.ttl.total('millisecond') : null;
    await store.kvSet(this.db, JSON.stringify(key), JSON.stringify(value), ttl === null ? null : now + ttl);
    if (now - this.#lastSweep >= sweepEveryMs) {
      this.#lastSweep = now;
      await store.kvSweep(this.db, now);
    }
  }

  async delete(key: KvKey): Promise<void> {
    await store.kvDelete(this.db, JSON.stringify(key));
  }
}

/**
 * The JSON-LD contexts Fedify's loader answers from memory (its preloaded contexts), which are
 * those activities name. Caching them in the store would only write a row again each time the
 * cache lapses, on whatever activity came next, an unsigned one the inbox refuses included.
 */
const contextsInMemory = new Set([
  'https://www.w3.org/ns/activitystreams',
  'https://w3id.org/security/v1',
  'https://w3id.org/security/data-integrity/v1',
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/multikey/v1',
  'https://purl.archive.org/socialweb/webfinger',
  'http://schema.org/',
]);

/**
 * How Daf fetches remote documents and contexts: as Fedify does by default (over HTTP, each kept
 * in the store for five minutes, under Fedify's own keys), except the contexts it holds in memory.
 * `allowPrivateAddress` is the federation's, which a caller of the factory may override.
 */
export function cachedDocumentLoaderFactory(kv: KvStore, allowPrivateAddress: boolean): DocumentLoaderFactory {
  return (options) => {
    const plain = getDocumentLoader({ allowPrivateAddress: options?.allowPrivateAddress ?? allowPrivateAddress, userAgent: options?.userAgent });
    const cached = kvCache({ loader: plain, kv, prefix: ['_fedify', 'remoteDocument'] });
    return (url) => (contextsInMemory.has(url) ? plain(url) : cached(url));
  };
}

/** How long a worker holds a message before another may take it (a crashed worker's message comes back then). */
const leaseMs = 5 * 60 * 1000;
/** How long a message whose handling threw waits before it is tried again. */
const retryMs = 60 * 1000;
/** How often an idle listener looks for due messages when nothing wakes it. */
const pollMs = 1000;
/** How many messages a process handles at once by default (`DAF_FEDERATION_WORKERS`). */
export const defaultQueueWorkers = 8;
/** The most `--federation-workers` accepts: each worker may hold a database connection while it leases. */
export const maxQueueWorkers = 64;

/**
 * The lane of one of Fedify's messages, within which messages are handled one at a time and in
 * order: a delivery's inbox (so a server receives a Note's Create before its Update and Delete);
 * an activity received, the server of its sender (a followed group's server sends a Note's
 * Create from its author and the group's Announce of it together: taken side by side, both
 * would mirror it); and one lane for all the fan-outs (each only queues deliveries, in the
 * order the activities were sent).
 */
export function laneOf(message: unknown): string {
  const m = (message ?? {}) as { type?: unknown; inbox?: unknown; activity?: { actor?: unknown } };
  if (m.type === 'outbox' && typeof m.inbox === 'string') return `outbox ${m.inbox}`;
  if (m.type === 'inbox') {
    const actor = m.activity?.actor;
    const id = typeof actor === 'string' ? actor : (actor as { id?: unknown } | undefined)?.id;
    return `inbox ${typeof id === 'string' && URL.canParse(id) ? new URL(id).origin : ''}`;
  }
  return typeof m.type === 'string' ? m.type : '';
}

/** Ids that sort in the order this process queued them, for messages queued in the same millisecond. */
let queued = 0;
const nextId = (): string => `${(queued++).toString(36).padStart(10, '0')}-${randomUUID()}`;

/**
 * A Fedify message queue over the `fed_queue` table. A message is leased, handled, and only
 * then deleted, so a crash loses nothing (it is handled again once the lease lapses). Each
 * process runs `workers` listeners side by side, so a delivery waiting on a far server's answer
 * does not hold up the deliveries to others; messages of one lane (`laneOf`) still go one at a
 * time, in order. An enqueue in this process wakes its listeners at once; other processes find
 * it on their next look.
 */
export class DatabaseMessageQueue implements MessageQueue {
  #wake = new Set<() => void>();
  private readonly now: () => number;
  private readonly workers: number;

  constructor(
    private readonly db: DB,
    private readonly log: (line: string) => void,
    options: { now?: () => number; workers?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.workers = Math.max(1, Math.floor(options.workers ?? defaultQueueWorkers));
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const now = this.now();
    const delay = options?.delay ? Math.max(0, options.delay.total('millisecond')) : 0;
    await store.enqueueMessages(
      this.db,
      messages.map((m) => ({ id: nextId(), message: JSON.stringify(m), lane: laneOf(m), notBefore: now + delay })),
      now,
    );
    for (const wake of this.#wake) wake();
  }

  /** Handles messages as they come due, `workers` at a time, until `options.signal` aborts. */
  async listen(handler: (message: any) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    await Promise.all(Array.from({ length: this.workers }, () => this.#work(handler, options?.signal)));
  }

  /** One listener: takes a message, handles it, and takes the next; waits when there is none. */
  async #work(handler: (message: any) => Promise<void> | void, signal: AbortSignal | undefined): Promise<void> {
    while (!signal?.aborted) {
      const now = this.now();
      let leased: { id: string; message: string } | null = null;
      try {
        leased = await store.leaseMessage(this.db, now, now + leaseMs);
      } catch (err) {
        if (signal?.aborted) break;
        this.log(`federation queue: could not read the queue: ${(err as Error).message}`);
      }
      if (leased) {
        try {
          await handler(JSON.parse(leased.message));
          await store.deleteMessage(this.db, leased.id);
        } catch (err) {
          this.log(`federation queue: a message failed and will be tried again: ${(err as Error).message}`);
          await store.releaseMessage(this.db, leased.id, this.now() + retryMs).catch(() => {});
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#wake.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        this.#wake.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
