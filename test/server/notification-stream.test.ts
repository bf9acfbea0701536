/**
 * One's own live stream (`GET /api/me/events`) on a real server: it opens with the unread count,
 * carries each new notification as it is written, follows marking read from elsewhere, tells
 * nothing of a post its reader may not read, and ends when its session does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { answered as ok, Client, EventStream } from '../helpers/sse-client.ts';

const password = 'correct horse battery';

describe('one’s own live stream of notifications', () => {
  const server = useServer({ demo: false });
  const streams: EventStream[] = [];
  let ada: Client;
  let bob: Client;
  let glossId: number;

  async function open(client: Client) {
    const s = await EventStream.open(`${server.url}/api/me/events`, client.cookie ? { cookie: client.cookie } : {});
    streams.push(s);
    return s;
  }

  beforeAll(async () => {
    ada = new Client(server.url);
    bob = new Client(server.url);
    await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password }));
    await ok(bob.request('POST', '/api/auth/signup', { handle: 'bob', password }));
    await ok(ada.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.\n\nAnd there was light.' }));
    await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'signed_in' }));
    await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Mine', slug: 'mine', visibility: 'private' }));
    glossId = (await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'Let there be light.' }, body: { markdown: 'The first words.' } }))).id;
  });
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
  });

  it('refuses a visitor', async () => {
    const s = await open(new Client(server.url));
    expect(s.status).toBe(401);
  });

  it('opens with the unread count and carries a reply the moment it is written', async () => {
    const s = await open(ada);
    expect(s.status).toBe(200);
    expect(s.contentType).toContain('text/event-stream');
    const ready = await s.waitFor((e) => e.event === 'ready');
    expect(JSON.parse(ready.data)).toEqual({ unread: 0 });
    const reply = await ok(bob.request('POST', `/api/glosses/${glossId}/replies`, { body: { markdown: 'Bob answers @ada.' } }));
    const e = await s.waitFor((x) => x.event === 'notification');
    const data = JSON.parse(e.data);
    expect(data.unread).toBe(1);
    expect(data.notification).toMatchObject({ kind: 'reply', actor: { handle: 'bob' }, reply: reply.id, read: false });
  });

  it('follows marking read in another tab, and tells nothing of a private layer', async () => {
    const s = await open(ada);
    await s.waitFor((e) => e.event === 'ready');
    await ok(ada.request('POST', '/api/notifications/read', { all: true }), 200);
    expect(JSON.parse((await s.waitFor((e) => e.event === 'unread')).data)).toEqual({ unread: 0 });
    // Bob is mentioned in Ada's private layer: he cannot read it, so his stream stays silent;
    // a mention in the open layer right after is the next thing it carries.
    const bobs = await open(bob);
    await bobs.waitFor((e) => e.event === 'ready');
    await ok(ada.request('POST', '/api/texts/light/layers/mine/glosses', { target: { exact: 'And there was light.' }, body: { markdown: 'Private, @bob.' } }));
    await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'And there was light.' }, body: { markdown: 'Open, @bob.' } }));
    const told = JSON.parse((await bobs.waitFor((e) => e.event === 'notification')).data);
    expect(told.notification.excerpt).toBe('Open, @bob.');
    expect(bobs.events.filter((e) => e.event === 'notification')).toHaveLength(1);
  });

  it('ends when its session does', async () => {
    const carl = new Client(server.url);
    await ok(carl.request('POST', '/api/auth/signup', { handle: 'carl', password }));
    const s = await open(carl);
    await s.waitFor((e) => e.event === 'ready');
    await ok(carl.request('POST', '/api/auth/logout'), 204);
    // The next look (a wake-up, or the poll within 2 s) finds the session gone.
    expect(await s.waitForEnd(10_000)).toBe(true);
    expect(s.events.at(-1)?.event).toBe('reconnect');
  });
});
