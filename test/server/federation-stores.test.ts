/**
 * Fedify's store and queue kept in Daf's database (docs/federation.md §3): values lapse when
 * their time is up and are swept; a queued message is handled once even with two listeners on
 * two connections, waits out its delay, and comes back after its handler fails, never lost.
 * Messages of different lanes (inboxes, senders) are handled side by side, those of one lane one
 * at a time and in order. Remote documents are cached there, but not the JSON-LD contexts Fedify holds in memory.
 * Runs on either dialect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Temporal } from '@js-temporal/polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cachedDocumentLoaderFactory, DatabaseKvStore, DatabaseMessageQueue, laneOf } from '../../server/services/federation/stores.ts';
import { openDatabase, type OpenDatabase } from '../../server/storage/open-database.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';

describe(`federation's store and queue in a ${testDialect} database`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let one: OpenDatabase;
  let two: OpenDatabase;
  const logged: string[] = [];
  const log = (line: string) => logged.push(line);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-fed-stores-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    one = await openDatabase(made.location, { poolMax: 4 });
    two = await openDatabase(made.location, { poolMax: 4 });
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a value until its time is up, forgets it after, and sweeps what lapsed on a later write', async () => {
    let now = 1_000_000;
    const kv = new DatabaseKvStore(one.db, () => now);
    await kv.set(['remote', 'https://elsewhere.example/users/alice'], { name: 'Alice', tags: ['x'] }, { ttl: Temporal.Duration.from({ minutes: 5 }) });
    await kv.set(['forever'], 42);
    expect(await kv.get(['remote', 'https://elsewhere.example/users/alice'])).toEqual({ name: 'Alice', tags: ['x'] });
    // Another process on the same database reads the same.
    expect(await new DatabaseKvStore(two.db, () => now).get(['forever'])).toBe(42);
    now += 5 * 60 * 1000;
    expect(await kv.get(['remote', 'https://elsewhere.example/users/alice'])).toBeUndefined();
    expect(await kv.get(['forever'])).toBe(42);
    const rows = async () => (await one.db.selectFrom('fed_kv').select('key').execute()).map((r) => r.key).sort();
    expect(await rows()).toHaveLength(2);
    now += 60 * 60 * 1000;
    await kv.set(['fresh'], true);
    expect(await rows()).toEqual(['["forever"]', '["fresh"]']);
    await kv.delete(['forever']);
    expect(await kv.get(['forever'])).toBeUndefined();
  });

  it('hands each of a hundred messages to exactly one of two listeners on two connections', async () => {
    const seen: number[] = [];
    const stop = new AbortController();
    const queues = [new DatabaseMessageQueue(one.db, log), new DatabaseMessageQueue(two.db, log)];
    const listening = queues.map((q) => q.listen(async (m: { n: number }) => void seen.push(m.n), { signal: stop.signal }));
    await queues[0].enqueueMany(Array.from({ length: 50 }, (_, n) => ({ n })));
    for (let n = 50; n < 100; n++) await queues[n % 2].enqueue({ n });
    for (let i = 0; i < 400 && seen.length < 100; i++) await new Promise((r) => setTimeout(r, 25));
    stop.abort();
    await Promise.all(listening);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    const { n } = await one.db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(0);
  });

  it('handles the messages of different lanes side by side, and those of one lane one at a time, in order', async () => {
    // Deliveries to three inboxes, five each, queued in turn; each takes 40 ms, as a far server's answer would.
    const inboxes = ['https://a.example/inbox', 'https://b.example/inbox', 'https://c.example/inbox'];
    const messages = Array.from({ length: 15 }, (_, n) => ({ type: 'outbox', inbox: inboxes[n % 3], n }));
    const running = new Map<string, number>();
    const order = new Map<string, number[]>();
    let atOnce = 0;
    let overlaps = 0;
    const handle = async (m: { inbox: string; n: number }) => {
      if (running.has(m.inbox)) overlaps++;
      running.set(m.inbox, m.n);
      atOnce = Math.max(atOnce, running.size);
      await new Promise((r) => setTimeout(r, 40));
      running.delete(m.inbox);
      order.set(m.inbox, [...(order.get(m.inbox) ?? []), m.n]);
    };
    const stop = new AbortController();
    // Two processes' queues on two connections, four listeners each.
    const queues = [new DatabaseMessageQueue(one.db, log, { workers: 4 }), new DatabaseMessageQueue(two.db, log, { workers: 4 })];
    for (const m of messages) await queues[m.n % 2].enqueue(m);
    const listening = queues.map((q) => q.listen(handle, { signal: stop.signal }));
    for (let i = 0; i < 400 && [...order.values()].flat().length < 15; i++) await new Promise((r) => setTimeout(r, 25));
    stop.abort();
    await Promise.all(listening);
    expect(overlaps).toBe(0);
    expect(atOnce).toBeGreaterThan(1);
    for (const [k, inbox] of inboxes.entries()) expect(order.get(inbox), inbox).toEqual([0, 1, 2, 3, 4].map((i) => i * 3 + k));
  });

  it('names the lane of each of Fedify\'s messages', () => {
    expect(laneOf({ type: 'outbox', inbox: 'https://a.example/inbox', activity: {} })).toBe('outbox https://a.example/inbox');
    // What one server sends is taken in order, whoever of it sent it.
    expect(laneOf({ type: 'inbox', activity: { type: 'Create', actor: 'https://a.example/u/1' } })).toBe('inbox https://a.example');
    expect(laneOf({ type: 'inbox', activity: { type: 'Announce', actor: { id: 'https://a.example:8443/g/2' } } })).toBe('inbox https://a.example:8443');
    expect(laneOf({ type: 'inbox', activity: { type: 'Create', actor: 'not a url' } })).toBe('inbox ');
    expect(laneOf({ type: 'fanout', inboxes: {} })).toBe('fanout');
    expect(laneOf(null)).toBe('');
  });

  it('holds a delayed message until its time, and brings back one whose handler failed', async () => {
    let now = 5_000_000_000;
    const queue = new DatabaseMessageQueue(one.db, log, { now: () => now });
    const handled: string[] = [];
    let fail = true;
    const stop = new AbortController();
    const listening = queue.listen(
      async (m: { what: string }) => {
        if (m.what === 'flaky' && fail) {
          fail = false;
          throw new Error('the other server did not answer');
        }
        handled.push(m.what);
      },
      { signal: stop.signal },
    );
    await queue.enqueue({ what: 'later' }, { delay: Temporal.Duration.from({ seconds: 30 }) });
    await queue.enqueue({ what: 'flaky' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(handled).toEqual([]);
    expect(logged.some((l) => l.includes('the other server did not answer'))).toBe(true);
    // Both still wait in the table: nothing is lost.
    expect((await one.db.selectFrom('fed_queue').select('message').execute()).map((r) => JSON.parse(r.message).what).sort()).toEqual(['flaky', 'later']);
    now += 61_000;
    for (let i = 0; i < 200 && handled.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    stop.abort();
    await listening;
    expect(handled.sort()).toEqual(['flaky', 'later']);
  });

  it('caches a remote document for a while, and never the contexts Fedify holds in memory', async () => {
    let served = 0;
    const server = http.createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'application/activity+json' }).end(JSON.stringify({ id: 'x', type: 'Person', name: `Alice ${served}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const kvRows = async () => (await one.db.selectFrom('fed_kv').select('key').execute()).map((r) => r.key).sort();
      const before = await kvRows();
      const load = cachedDocumentLoaderFactory(new DatabaseKvStore(one.db), true)();
      // Each context an activity names is read from memory: reading one writes nothing, so an
      // unsigned activity the inbox refuses stores nothing either, however long since the last.
      for (const url of ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1', 'https://w3id.org/security/data-integrity/v1', 'https://w3id.org/security/multikey/v1']) {
        expect(((await load(url)).document as { '@context': unknown })['@context'], url).toBeDefined();
      }
      expect(await kvRows()).toEqual(before);
      // A remote document is fetched once, then read from the store.
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/users/alice`;
      expect(((await load(url)).document as { name: string }).name).toBe('Alice 1');
      expect(((await load(url)).document as { name: string }).name).toBe('Alice 1');
      expect(served).toBe(1);
      expect(await kvRows()).toEqual([...before, JSON.stringify(['_fedify', 'remoteDocument', url])].sort());
    } finally {
      server.close();
    }
  });
});
