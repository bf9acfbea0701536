/**
 * Server-Sent Events over a real HTTP server (startServer, port 0): streams are read with
 * fetch while other clients write; a visitor never sees a private layer's events; a client
 * that reconnects with Last-Event-ID gets what it missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { answered as ok, Client, EventStream } from '../helpers/sse-client.ts';

describe('live events (SSE) on a real server', () => {
  const server = useServer({ demo: false });
  let ada: Client;
  let bob: Client;
  const streams: EventStream[] = [];
  let glossId: number;

  async function open(pathname: string, client?: Client, headers: Record<string, string> = {}) {
    const s = await EventStream.open(`${server.url}${pathname}`, { ...(client?.cookie ? { cookie: client.cookie } : {}), ...headers });
    streams.push(s);
    return s;
  }


  beforeAll(async () => {
    ada = new Client(server.url);
    bob = new Client(server.url);
    await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' }));
    await ok(bob.request('POST', '/api/auth/signup', { handle: 'bob', password: 'correct horse battery' }));
    await ok(ada.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.\n\nAnd there was light.' }));
    await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'signed_in' }));
    await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Secret', slug: 'secret', visibility: 'private' }));
    await ok(ada.request('POST', '/api/texts', { title: 'Diary', slug: 'diary', language: 'en', format: 'markdown', content: 'Dear diary.', visibility: 'private' }));
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
  });

  it('starts with a ready event on a text/event-stream', async () => {
    const s = await open('/api/texts/light/events');
    expect(s.status).toBe(200);
    expect(s.contentType).toContain('text/event-stream');
    const ready = await s.waitFor((e) => e.event === 'ready');
    expect(JSON.parse(ready.data)).toMatchObject({ text: 'light', after: Number(ready.id) });
    await s.close();
  });

  it('answers 404 for a missing text, and for a private text to a visitor', async () => {
    expect((await open('/api/texts/nope/events')).status).toBe(404);
    expect((await open('/api/texts/diary/events')).status).toBe(404);
    expect((await open('/api/texts/diary/events', bob)).status).toBe(404);
    const own = await open('/api/texts/diary/events', ada);
    expect(own.status).toBe(200);
    await own.waitFor((e) => e.event === 'ready');
    await own.close();
  });

  describe('while others write', () => {
    let visitor: EventStream;
    let owner: EventStream;
    let stranger: EventStream;

    beforeAll(async () => {
      visitor = await open('/api/texts/light/events');
      owner = await open('/api/texts/light/events', ada);
      stranger = await open('/api/texts/light/events', bob);
      await Promise.all([visitor, owner, stranger].map((s) => s.waitFor((e) => e.event === 'ready')));

      const gloss = await ok(bob.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'there was light' }, body: { markdown: 'A public note.' } }));
      glossId = gloss.id;
      await ok(ada.request('POST', `/api/glosses/${glossId}/replies`, { body: { markdown: 'A reply.' } }));
      await ok(ada.request('POST', '/api/texts/light/layers/secret/glosses', { target: { exact: 'Let there be light' }, body: { markdown: 'Secret words.' } }));
      await ok(ada.request('POST', '/api/texts/light/versions', { format: 'markdown', content: 'Let there be light!\n\nAnd there was light.' }));
    });

    it('delivers gloss.created, reply.created and version.created with JSON data and ids', async () => {
      const created = await visitor.waitFor((e) => e.event === 'gloss.created');
      const gloss = JSON.parse(created.data);
      expect(gloss).toMatchObject({ id: glossId, text: 'light', layer: 'notes', body: { text: 'A public note.' }, author: { handle: 'bob' } });
      expect(gloss.anchor).toMatchObject({ status: 'exact', exact: 'there was light' });
      const reply = JSON.parse((await visitor.waitFor((e) => e.event === 'reply.created')).data);
      expect(reply).toMatchObject({ gloss: glossId, body: { text: 'A reply.' }, author: { handle: 'ada' } });
      const version = JSON.parse((await visitor.waitFor((e) => e.event === 'version.created')).data);
      expect(version).toMatchObject({ text: 'light', version: { number: 2 } });
      // The event reaches every reader of the text: it must not count glosses of a private layer
      // (the secret gloss was on the text when it was revised; the visitor may see one gloss).
      const counted = Object.values((version.anchors ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(counted).toBeLessThanOrEqual(1);

      const real = visitor.events.filter((e) => e.event !== 'ready');
      expect(real.map((e) => e.event)).toEqual(['gloss.created', 'reply.created', 'version.created']);
      const ids = real.map((e) => Number(e.id));
      for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('shows the owner the private layer’s events, in order with the rest', async () => {
      await owner.waitFor((e) => e.event === 'version.created');
      const real = owner.events.filter((e) => e.event !== 'ready');
      expect(real.map((e) => e.event)).toEqual(['gloss.created', 'reply.created', 'gloss.created', 'version.created']);
      expect(JSON.parse(real[2].data)).toMatchObject({ layer: 'secret', body: { text: 'Secret words.' } });
      const ids = real.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('never shows a visitor or another member an event of the private layer', async () => {
      // version.created was written after the secret gloss: by then the stream has passed it.
      await stranger.waitFor((e) => e.event === 'version.created');
      for (const s of [visitor, stranger]) {
        expect(s.kinds().filter((k) => k !== 'ready')).toEqual(['gloss.created', 'reply.created', 'version.created']);
        for (const e of s.events) {
          expect(e.data).not.toContain('Secret words');
          expect(e.data).not.toContain('"secret"');
        }
      }
      // The hidden event's id is skipped, not reused.
      const ownerIds = owner.events.filter((e) => e.event !== 'ready').map((e) => e.id);
      const visitorIds = visitor.events.filter((e) => e.event !== 'ready').map((e) => e.id);
      expect(visitorIds).toEqual([ownerIds[0], ownerIds[1], ownerIds[3]]);
    });

    it('replays what a client missed when it reconnects with Last-Event-ID, and nothing private', async () => {
      const lastSeen = visitor.events.at(-1)!.id!;
      await visitor.close();
      // Written while the visitor is away.
      const missed = await ok(bob.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'Let there be light' }, body: { markdown: 'While you were away.' } }));
      await ok(ada.request('POST', '/api/texts/light/layers/secret/glosses', { target: { exact: 'And there was' }, body: { markdown: 'Secret again.' } }));
      await ok(ada.request('POST', `/api/glosses/${missed.id}/replies`, { body: { markdown: 'Welcome back.' } }));
      await ok(bob.request('PATCH', `/api/glosses/${glossId}`, { body: { markdown: 'An edited note.' } }), 200);

      const back = await open('/api/texts/light/events', undefined, { 'last-event-id': lastSeen });
      await back.waitFor((e) => e.event === 'gloss.updated');
      const replayed = back.events.filter((e) => e.event !== 'ready');
      expect(replayed.map((e) => e.event)).toEqual(['gloss.created', 'reply.created', 'gloss.updated']);
      expect(JSON.parse(replayed[0].data)).toMatchObject({ id: missed.id, body: { text: 'While you were away.' } });
      expect(JSON.parse(replayed[1].data)).toMatchObject({ gloss: missed.id, body: { text: 'Welcome back.' } });
      expect(JSON.parse(replayed[2].data)).toMatchObject({ id: glossId, body: { text: 'An edited note.' } });
      for (const e of replayed) {
        expect(Number(e.id)).toBeGreaterThan(Number(lastSeen));
        expect(e.data).not.toContain('Secret again');
      }
      // The owner's live stream saw all of it, the secret gloss included.
      await owner.waitFor((e) => e.event === 'gloss.updated');
      expect(owner.events.some((e) => e.data.includes('Secret again.'))).toBe(true);

      // ?since= does the same for clients that cannot set headers; a fresh stream replays nothing.
      const since = await open(`/api/texts/light/events?since=${lastSeen}`);
      await since.waitFor((e) => e.event === 'gloss.updated');
      expect(since.kinds().filter((k) => k !== 'ready')).toEqual(['gloss.created', 'reply.created', 'gloss.updated']);
      const fresh = await open('/api/texts/light/events');
      const ready = await fresh.waitFor((e) => e.event === 'ready');
      expect(Number(ready.id)).toBeGreaterThanOrEqual(Number(owner.events.at(-1)!.id));
      await Promise.all([back.close(), since.close(), fresh.close()]);
    });

    it('hides layer and reply events of a private layer too', async () => {
      const watcher = await open('/api/texts/light/events');
      const mine = await open('/api/texts/light/events', ada);
      await Promise.all([watcher, mine].map((s) => s.waitFor((e) => e.event === 'ready')));
      await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Hidden drafts', slug: 'drafts', visibility: 'private' }));
      const draft = await ok(ada.request('POST', '/api/texts/light/layers/drafts/glosses', { target: { exact: 'light' }, body: { markdown: 'Draft gloss.' } }));
      await ok(ada.request('POST', `/api/glosses/${draft.id}/replies`, { body: { markdown: 'Draft reply.' } }));
      await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Open', slug: 'open', visibility: 'public' }));
      await mine.waitFor((e) => e.event === 'layer.created' && e.data.includes('"open"'));
      await watcher.waitFor((e) => e.event === 'layer.created');
      expect(mine.kinds().filter((k) => k !== 'ready')).toEqual(['layer.created', 'gloss.created', 'reply.created', 'layer.created']);
      expect(watcher.kinds().filter((k) => k !== 'ready')).toEqual(['layer.created']);
      expect(JSON.parse(watcher.events.at(-1)!.data)).toMatchObject({ slug: 'open' });
      for (const e of watcher.events) expect(e.data).not.toMatch(/drafts|Draft/);
      await Promise.all([watcher.close(), mine.close()]);
    });

    it('keeps streams apart per text', async () => {
      const own = await open('/api/texts/diary/events', ada);
      await own.waitFor((e) => e.event === 'ready');
      const before = own.events.length;
      await ok(bob.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: 'Elsewhere.' } }));
      await owner.waitFor((e) => e.data.includes('Elsewhere.'));
      expect(own.events.length).toBe(before);
      await own.close();
    });
  });
});
