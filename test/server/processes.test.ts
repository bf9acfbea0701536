/**
 * Two Daf processes on one database (docs/postgres.md §6): a reader streaming from one sees what
 * is written through the other. On PostgreSQL the streams poll only every ten minutes here, so
 * the event can only come by the other process's NOTIFY; on SQLite, whose processes share nothing
 * but the file, it comes by the poll.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client, EventStream } from '../helpers/sse-client.ts';

describe(`two processes on one ${testDialect} database`, () => {
  const servers: RunningServer[] = [];
  let dir: string;
  let drop: () => Promise<void>;
  let streams: EventStream[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-processes-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const streamPollMs = testDialect === 'postgres' ? 10 * 60_000 : 200;
    // One after the other, so the second finds the schema made.
    for (let i = 0; i < 2; i++) servers.push(await startServer({ dbPath: made.location, port: 0, demo: false, streamPollMs }));
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await Promise.all(servers.map((s) => s.close()));
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams from one process what is written through the other', async () => {
    const [a, b] = servers;
    const ada = new Client(b.url);
    await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' }));
    await ok(ada.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.' }));
    const stream = await EventStream.open(`${a.url}/api/texts/light/events`);
    streams.push(stream);
    await stream.waitFor((e) => e.event === 'ready');
    await ok(ada.request('POST', '/api/texts/light/versions', { format: 'markdown', content: 'Let there be light.\n\nAnd there was light.' }));
    const event = await stream.waitFor((e) => e.event === 'version.created');
    expect(JSON.parse(event.data)).toMatchObject({ text: 'light', version: { number: 2 } });
  });

  it('gives a reader every event of fifty writers at once, through both processes, each once and in order', async () => {
    const [a, b] = servers;
    const ada = new Client(b.url);
    expect((await ada.request('POST', '/api/auth/login', { handle: 'ada', password: 'correct horse battery' })).status).toBe(200);
    await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'owner' }));
    const stream = await EventStream.open(`${a.url}/api/texts/light/events`);
    streams.push(stream);
    await stream.waitFor((e) => e.event === 'ready');
    const writers = Array.from({ length: 50 }, (_, i) => {
      const through = new Client(i % 2 === 0 ? a.url : b.url);
      through.cookie = ada.cookie;
      return through.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: `Note ${i}` } });
    });
    const made = await Promise.all(writers);
    expect(made.map((r) => r.status)).toEqual(Array(50).fill(201));
    // The stream polls every ten minutes on PostgreSQL: only the writers' NOTIFY can bring these.
    await stream.waitFor(() => stream.events.filter((e) => e.event === 'gloss.created').length >= 50, 20_000);
    const ids = stream.events.filter((e) => e.event === 'gloss.created').map((e) => Number(e.id));
    expect(ids).toHaveLength(50);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    expect(new Set(stream.events.filter((e) => e.event === 'gloss.created').map((e) => JSON.parse(e.data).id))).toEqual(new Set(made.map((r) => r.body.id)));
  });

  it('shares the write limit and the log-in guard between the processes', async () => {
    const [a, b] = servers;
    const through = (i: number, who: Client) => Object.assign(new Client(i % 2 === 0 ? a.url : b.url), { cookie: who.cookie });
    const bea = new Client(a.url);
    await ok(bea.request('POST', '/api/auth/signup', { handle: 'bea', password: 'correct horse battery' }));
    await ok(bea.request('POST', '/api/texts', { title: 'Dust', slug: 'dust', language: 'en', format: 'markdown', content: 'Dust to dust.' }));
    await ok(bea.request('POST', '/api/texts/dust/layers', { name: 'Mine', slug: 'mine', visibility: 'public', writePolicy: 'owner' }));
    // 120 writes a minute per person (the default): two made above, 118 more alternating, then one too many.
    for (let i = 0; i < 118; i++) {
      const made = await through(i, bea).request('POST', '/api/texts/dust/layers/mine/glosses', { target: { exact: 'Dust' }, body: { markdown: `${i}` } });
      expect(made.status).toBe(201);
    }
    const refused = await through(1, bea).request('POST', '/api/texts/dust/layers/mine/glosses', { target: { exact: 'Dust' }, body: { markdown: 'one too many' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');

    // Three free wrong passwords per address and handle, then a second's wait after the fourth:
    // four spread over both processes, and the fifth waits (each process alone has counted two).
    for (let i = 0; i < 4; i++) {
      expect((await new Client(i % 2 === 0 ? a.url : b.url).request('POST', '/api/auth/login', { handle: 'bea', password: 'wrong wrong wrong' })).status).toBe(401);
    }
    const held = await new Client(a.url).request('POST', '/api/auth/login', { handle: 'bea', password: 'wrong wrong wrong' });
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('too_many_attempts');
  });
});
