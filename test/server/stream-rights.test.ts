/**
 * An open event stream follows the rights of the person reading it, not the rights they had when
 * they opened it: a ban, a revoked token or a log-out stops what it delivers at once, and every
 * stream ends after a maximum lifetime so the client reconnects and is judged anew.
 * Real HTTP servers (port 0), streams read with fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { answered as ok, Client, EventStream } from '../helpers/sse-client.ts';

const password = 'correct horse battery';

describe('an open event stream keeps to the reader’s current rights', () => {
  const server = useServer({ demo: false });
  const streams: EventStream[] = [];
  let olga: Client;
  let n = 0;


  async function open(pathname: string, client: Client): Promise<EventStream> {
    const headers: Record<string, string> = client.bearer ? { authorization: `Bearer ${client.bearer}` } : { cookie: client.cookie };
    const s = await EventStream.open(`${server.url}${pathname}`, headers);
    streams.push(s);
    expect(s.status).toBe(200);
    await s.waitFor((e) => e.event === 'ready');
    return s;
  }

  /** A new person, a member of the private group `circle`. */
  async function member(): Promise<{ client: Client; handle: string }> {
    const handle = `member${++n}`;
    const client = new Client(server.url);
    await ok(client.request('POST', '/api/auth/signup', { handle, password }));
    const invitation = await ok(olga.request('POST', '/api/groups/circle/invitations', {}));
    await ok(client.request('POST', `/api/invitations/${invitation.token}/accept`), 200);
    return { client, handle };
  }

  /** Olga writes a gloss with a word of its own in `layer` of `text`; returns the word. */
  async function post(text: string, layer: string): Promise<string> {
    const word = `zzsecret${++n}qx`;
    await ok(olga.request('POST', `/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'light' }, body: { markdown: `The ${word} reading.` } }));
    return word;
  }

  beforeAll(async () => {
    olga = new Client(server.url);
    await ok(olga.request('POST', '/api/auth/signup', { handle: 'olga', password }));
    await ok(olga.request('POST', '/api/groups', { slug: 'circle', name: 'Circle', visibility: 'private', joinPolicy: 'invite' }));
    await ok(olga.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.' }));
    await ok(olga.request('POST', '/api/texts/light/layers', { name: 'Open', slug: 'open', visibility: 'public' }));
    await ok(olga.request('POST', '/api/texts/light/layers', { name: 'Ours', slug: 'ours', group: 'circle', visibility: 'group', writePolicy: 'members' }));
    await ok(
      olga.request('POST', '/api/texts', { title: 'Closed', slug: 'closed', group: 'circle', visibility: 'group', language: 'en', format: 'markdown', content: 'Only light for us.' }),
    );
    await ok(olga.request('POST', '/api/texts/closed/layers', { name: 'Notes', slug: 'notes', group: 'circle', visibility: 'group', writePolicy: 'members' }));
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
  });

  it('stops showing a group layer to a member banned while the stream is open', async () => {
    const { client, handle } = await member();
    const s = await open('/api/texts/light/events', client);
    const before = await post('light', 'ours');
    await s.waitFor((e) => e.data.includes(before));
    await ok(olga.request('POST', `/api/groups/circle/members/${handle}/ban`, {}), 204);
    const secret = await post('light', 'ours');
    const open_ = await post('light', 'open');
    // The public gloss came after the group's: once it is here, the group's would have been too.
    await s.waitFor((e) => e.data.includes(open_));
    expect(s.events.some((e) => e.data.includes(secret))).toBe(false);
  });

  it('ends the stream of a group text when its reader is banned', async () => {
    const { client, handle } = await member();
    const s = await open('/api/texts/closed/events', client);
    await ok(olga.request('POST', `/api/groups/circle/members/${handle}/ban`, {}), 204);
    const secret = await post('closed', 'notes');
    expect(await s.waitForEnd()).toBe(true);
    expect(s.events.some((e) => e.data.includes(secret))).toBe(false);
  });

  it('ends the stream of a member who leaves the group', async () => {
    const { client } = await member();
    const s = await open('/api/texts/closed/events', client);
    await ok(client.request('POST', '/api/groups/circle/leave'), 204);
    const secret = await post('closed', 'notes');
    expect(await s.waitForEnd()).toBe(true);
    expect(s.events.some((e) => e.data.includes(secret))).toBe(false);
  });

  it('ends a stream opened with a token once the token is revoked', async () => {
    const { client } = await member();
    const token = await ok(client.request('POST', '/api/tokens', { name: 'script' }));
    const script = new Client(server.url);
    script.bearer = token.token;
    const s = await open('/api/texts/closed/events', script);
    await ok(client.request('DELETE', `/api/tokens/${token.id}`), 204);
    const secret = await post('closed', 'notes');
    expect(await s.waitForEnd()).toBe(true);
    expect(s.events.some((e) => e.data.includes(secret))).toBe(false);
  });

  it('ends a stream opened with a session once that session logs out', async () => {
    const { client } = await member();
    const s = await open('/api/texts/closed/events', client);
    const cookie = client.cookie;
    await ok(client.request('POST', '/api/auth/logout'), 204);
    client.cookie = cookie;
    const secret = await post('closed', 'notes');
    expect(await s.waitForEnd()).toBe(true);
    expect(s.events.some((e) => e.data.includes(secret))).toBe(false);
  });

  it('tells a moderator following the group that its queue changed, and stops when they are a moderator no more', async () => {
    const { client, handle } = await member();
    await ok(olga.request('PATCH', `/api/groups/circle/members/${handle}`, { role: 'moderator' }), 200);
    // (Joining is in the audit log: the flagger joins before the stream opens.)
    const { client: other } = await member();
    const s = await open('/api/groups/circle/events', client);
    const before = s.events.length;
    // A published post changes nothing a moderator reads: no event, even after a look or two.
    const gloss = await ok(olga.request('POST', '/api/texts/closed/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: 'zzflagmeqx' } }));
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(s.events.slice(before).filter((e) => e.event === 'changed')).toEqual([]);
    // Someone else flags it: the queue changed; the event names no post, only the group.
    await ok(other.request('POST', `/api/glosses/${gloss.id}/flag`, { reason: 'zzreasonqx' }));
    await s.waitFor((e) => e.event === 'changed', 10_000, before);
    expect(s.events.filter((e) => e.event === 'changed').every((e) => e.data === '{"group":"circle"}')).toBe(true);
    // Made a member again, the stream ends.
    await ok(olga.request('PATCH', `/api/groups/circle/members/${handle}`, { role: 'member' }), 200);
    expect(await s.waitForEnd(15_000)).toBe(true);
    expect(s.events.at(-1)?.event).toBe('reconnect');
  });

  it('lets only moderators follow a group: a member is refused, an outsider does not see it', async () => {
    const { client } = await member();
    const outsider = new Client(server.url);
    await ok(outsider.request('POST', '/api/auth/signup', { handle: `outsider${++n}`, password }));
    for (const [who, status] of [[client, 403], [outsider, 404], [new Client(server.url), 401]] as const) {
      const s = await EventStream.open(`${server.url}/api/groups/circle/events`, who.cookie ? { cookie: who.cookie } : {});
      streams.push(s);
      expect(s.status).toBe(status);
    }
  });

  it('ends a stream whose reader may no longer read, even when nothing is posted', async () => {
    const { client, handle } = await member();
    const s = await open('/api/texts/closed/events', client);
    await ok(olga.request('POST', `/api/groups/circle/members/${handle}/ban`, {}), 204);
    // No event is written: the stream finds out at its next look at the log.
    expect(await s.waitForEnd(15_000)).toBe(true);
  });
});

describe('event streams have a maximum lifetime', () => {
  const server = useServer({ demo: false, streamLifetimeMs: 1500 });

  beforeAll(async () => {
    const ada = new Client(server.url);
    await ada.request('POST', '/api/auth/signup', { handle: 'ada', password });
    await ada.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light.' });
  });

  it('ends the stream after its lifetime, telling the client to come back soon', async () => {
    const s = await EventStream.open(`${server.url}/api/texts/light/events`);
    try {
      expect(s.status).toBe(200);
      expect(await s.waitForEnd()).toBe(true);
      expect(s.events.at(-1)?.event).toBe('reconnect');
      expect(s.retry).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
