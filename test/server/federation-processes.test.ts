/**
 * Federation with two processes on one database (docs/federation.md §3, §5): both serve the same
 * actors with the same stored keys, both run Fedify's queue and the publisher, and still each
 * gloss reaches a follower once: the publisher's cursor is held by one process at a time and a
 * queued delivery is leased by one worker. A process that stops hands the cursor on at once: a
 * restart (a deploy) does not hold publishing up for the lease's 30 s.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { FediPeer, freePort } from '../helpers/fedi-peer.ts';
import { federatedCircle } from '../helpers/federated-circle.ts';

const as2 = 'application/activity+json';

/** A proxy on `port` that hands each request to the next of `targets` in turn, as a load balancer does. */
async function roundRobin(port: number, targets: number[]): Promise<{ close(): Promise<void> }> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = targets[next++ % targets.length];
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe(`federation from two processes on one ${testDialect} database`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  const servers: RunningServer[] = [];
  let proxy: { close(): Promise<void> };
  let peer: FediPeer;
  let base: string;
  let location: string;
  /** Where the proxy sends requests: the serving processes' ports. */
  const targets: number[] = [];
  let ada: Client;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-federation-processes-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    location = made.location;
    // Both answer for one public origin, behind a proxy that alternates between them.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 2; i++) {
      servers.push(await startServer({ dbPath: made.location, port: 0, demo: false, baseUrl: base, federation: { allowPrivateAddress: true } }));
    }
    targets.push(...servers.map((s) => s.port));
    proxy = await roundRobin(port, targets);
    peer = await FediPeer.start();
  });

  afterAll(async () => {
    await peer?.close();
    await proxy?.close();
    await Promise.all(servers.map((s) => s.close()));
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function queueEmpty() {
    for (let i = 0; i < 400; i++) {
      await Promise.all(servers.map((s) => s.publisher!.pass()));
      const { n } = await servers[0].database.db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the federation queue did not empty');
  }

  it('serves the same actor and keys from both, and delivers each of twenty glosses, written through both, once', async () => {
    ada = new Client(base);
    await federatedCircle(ada, 'publish');

    // Two requests in a row through the proxy: one to each process.
    const keys: string[] = [];
    for (let i = 0; i < 2; i++) keys.push(((await (await fetch(`${base}/ap/actors/group.circle`, { headers: { accept: as2 } })).json()) as Record<string, any>).publicKey.publicKeyPem);
    expect(keys[0]).toContain('BEGIN PUBLIC KEY');
    expect(keys[1]).toBe(keys[0]);

    await peer.follow(`${base}/ap/actors/group.circle`);
    await peer.waitFor((d) => d.type === 'Accept');
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const made = await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: `Reading ${i}` } }));
      ids.push((made as { id: number }).id);
    }
    await queueEmpty();
    for (const id of ids) await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === `${base}/ap/notes/g${id}`);
    const creates = peer.deliveries.filter((d) => d.type === 'Create').map((d) => d.json.object.id as string);
    expect(creates.sort()).toEqual(ids.map((id) => `${base}/ap/notes/g${id}`).sort());
    const announces = peer.deliveries.filter((d) => d.type === 'Announce');
    expect(new Set(announces.map((d) => d.id)).size).toBe(announces.length);
    expect(announces).toHaveLength(40);
  });

  it('publishes at once from a process started after both stopped, without waiting out the lease of the one that held the log', async () => {
    for (const s of servers.splice(0)) await s.close();
    servers.push(await startServer({ dbPath: location, port: 0, demo: false, baseUrl: base, federation: { allowPrivateAddress: true } }));
    targets.splice(0, targets.length, servers[0].port);
    const made = await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: 'After the restart' } }));
    const id = (made as { id: number }).id;
    // One pass reads the log: the cursor is free (the processes gave it back as they stopped), so
    // the gloss is published now, not once the old lease lapses.
    await servers[0].publisher!.pass();
    const published = await servers[0].database.db.selectFrom('fed_object').select('item_id').where('item_kind', '=', 'gloss').where('item_id', '=', id).execute();
    expect(published).toHaveLength(1);
    await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === `${base}/ap/notes/g${id}`);
  });
});
