/**
 * Federation (docs/federation.md): a Daf server on loopback and a Fedify peer that plays a
 * Mastodon server, every request between them signed and checked. A public, federated group is
 * found by WebFinger and followed; its publishing layer's public glosses reach the follower as a
 * Create from the author and the group's Announce; what a visitor may not read never leaves; a
 * hide goes out as Delete; the inbox refuses unsigned and oversized bodies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { FediPeer, freePort } from '../helpers/fedi-peer.ts';
import { federatedCircle } from '../helpers/federated-circle.ts';
import { settleFederation } from '../helpers/fed-queue.ts';

const as2 = 'application/activity+json';

describe(`federation on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let peer: FediPeer;
  let ada: Client;
  let host: string;
  let groupActor: string;

  /** Lets the publisher read the log, then waits for Fedify's queue to be empty. */
  const settle = () => settleFederation(daf);

  async function gloss(layer: string, exact: string, words: string): Promise<number> {
    const made = await ok(ada.request('POST', `/api/texts/avot/layers/${layer}/glosses`, { target: { exact }, body: { markdown: words } }));
    return (made as { id: number }).id;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-federation-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: `http://${host}`, federation: { allowPrivateAddress: true } });
    peer = await FediPeer.start();
    groupActor = `http://${host}/ap/actors/group.avot-circle`;
    ada = new Client(daf.url);
    await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' }));
    await ok(ada.request('POST', '/api/groups', { slug: 'avot-circle', name: 'Avot Circle', visibility: 'public', joinPolicy: 'open' }));
    await ok(ada.request('POST', '/api/groups', { slug: 'hidden-circle', name: 'Hidden Circle', visibility: 'private', joinPolicy: 'invite' }));
    await ok(ada.request('POST', '/api/texts', { title: 'Pirkei Avot', slug: 'avot', language: 'he', format: 'markdown', content: 'עֲשֵׂה לְךָ רַב וּקְנֵה לְךָ חָבֵר' }));
    await ok(ada.request('POST', '/api/texts/avot/layers', { name: 'Study', slug: 'study', visibility: 'public', group: 'avot-circle' }));
    await ok(ada.request('POST', '/api/texts/avot/layers', { name: 'Members', slug: 'members', visibility: 'group', group: 'avot-circle' }));
    await ok(ada.request('POST', '/api/texts/avot/layers', { name: 'Quiet', slug: 'quiet', visibility: 'public', group: 'avot-circle' }));
    await ok(ada.request('POST', '/api/texts/avot/layers', { name: 'Broadcast', slug: 'broadcast', visibility: 'public', group: 'avot-circle' }));
    await ok(ada.request('PATCH', '/api/groups/avot-circle', { federated: true }), 200);
    for (const layer of ['study', 'members']) await ok(ada.request('PATCH', `/api/texts/avot/layers/${layer}`, { federation: 'publish+replies' }), 200);
    await ok(ada.request('PATCH', '/api/texts/avot/layers/broadcast', { federation: 'publish' }), 200);
  });

  afterAll(async () => {
    await peer?.close();
    await daf?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers WebFinger for a federated group with its actor, and nothing for a private one', async () => {
    const res = await fetch(`${daf.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:avot-circle@${host}`)}`);
    expect(res.status).toBe(200);
    const jrd = (await res.json()) as { links: { rel: string; href?: string; type?: string }[] };
    expect(jrd.links.find((l) => l.rel === 'self')?.href).toBe(groupActor);
    const hidden = await fetch(`${daf.url}/.well-known/webfinger?resource=${encodeURIComponent(`acct:hidden-circle@${host}`)}`);
    expect(hidden.status).toBe(404);
  });

  it('serves the group as a Group to servers and sends a browser to its page', async () => {
    const res = await fetch(groupActor, { headers: { accept: as2 } });
    expect(res.status).toBe(200);
    const actor = (await res.json()) as Record<string, any>;
    expect(actor).toMatchObject({ type: 'Group', id: groupActor, preferredUsername: 'avot-circle', name: 'Avot Circle' });
    expect(actor.inbox).toBe(`${groupActor}/inbox`);
    expect(actor.followers).toBe(`${groupActor}/followers`);
    expect(actor.publicKey.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const browser = await fetch(groupActor, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe(`http://${host}/g/avot-circle`);
    for (const accept of [as2, 'text/html']) {
      const hidden = await fetch(`http://${host}/ap/actors/group.hidden-circle`, { headers: { accept }, redirect: 'manual' });
      expect(hidden.status).toBe(404);
    }
  });

  it('keeps the same keys across requests (they are stored, not made anew)', async () => {
    const one = (await (await fetch(groupActor, { headers: { accept: as2 } })).json()) as Record<string, any>;
    const two = (await (await fetch(groupActor, { headers: { accept: as2 } })).json()) as Record<string, any>;
    expect(two.publicKey.publicKeyPem).toBe(one.publicKey.publicKeyPem);
    const { n } = await daf.database.db.selectFrom('fed_key').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThanOrEqual(2);
  });

  it('accepts a follow from elsewhere with a signed Accept', async () => {
    const followId = await peer.follow(groupActor);
    const accept = await peer.waitFor((d) => d.type === 'Accept');
    expect(accept.actor).toBe(groupActor);
    expect(JSON.stringify(accept.json.object)).toContain(followId);
    const followers = await daf.database.db.selectFrom('fed_follower').selectAll().execute();
    expect(followers).toMatchObject([{ actor_uri: peer.alice.href, inbox_uri: `${peer.url}/users/alice/inbox` }]);
    const collection = (await (await fetch(`${groupActor}/followers`, { headers: { accept: as2 } })).json()) as Record<string, any>;
    expect(collection.totalItems).toBe(1);
    expect(JSON.stringify(collection)).not.toContain(peer.alice.href);
  });

  it("delivers a public gloss of a publishing layer as the author's Create and the group's Announce, quoting the passage", async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'Provide yourself a *teacher*.');
    await settle();
    const noteId = `http://${host}/ap/notes/g${id}`;
    const create = await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === noteId);
    expect(create.actor).toBe(`http://${host}/ap/actors/user.ada`);
    const note = create.json.object;
    expect(note.type).toBe('Note');
    expect(note.content).toContain('<blockquote lang="he"><p>עֲשֵׂה לְךָ רַב</p></blockquote>');
    expect(note.content).toContain('<em>teacher</em>');
    expect(note.content).toContain(`http://${host}/t/avot#g-${id}`);
    expect(note.to).toBe('as:Public');
    expect(note.audience).toBe(groupActor);
    expect(note.tag).toMatchObject({ type: 'Link', href: `http://${host}/annotations/avot/study/${id}` });
    const announce = await peer.waitFor((d) => d.type === 'Announce' && d.actor === groupActor && JSON.stringify(d.json.object).includes(`${noteId}#create`));
    expect(announce.json.object.type).toBe('Create');
    await peer.waitFor((d) => d.type === 'Announce' && d.actor === groupActor && d.json.object === noteId);
    // The Note's id answers servers with the Note, and browsers with its page.
    const fetched = (await (await fetch(noteId, { headers: { accept: as2 } })).json()) as Record<string, any>;
    expect(fetched).toMatchObject({ type: 'Note', id: noteId, attributedTo: `http://${host}/ap/actors/user.ada` });
    const page = await fetch(noteId, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.headers.get('location')).toBe(`http://${host}/t/avot#g-${id}`);
  });

  it('sends nothing of a group-only layer or of a layer that does not publish, and serves neither', async () => {
    const before = peer.deliveries.length;
    const hidden = await gloss('members', 'וּקְנֵה לְךָ חָבֵר', 'For members only.');
    const quiet = await gloss('quiet', 'וּקְנֵה לְךָ חָבֵר', 'Not published.');
    await settle();
    expect(peer.deliveries.slice(before)).toEqual([]);
    for (const id of [hidden, quiet]) {
      const res = await fetch(`http://${host}/ap/notes/g${id}`, { headers: { accept: as2 } });
      expect(res.status).toBe(404);
    }
  });

  it('delivers an edit as Update and a hide as Delete', async () => {
    const id = await gloss('study', 'וּקְנֵה לְךָ חָבֵר', 'Acquire a friend.');
    await settle();
    const noteId = `http://${host}/ap/notes/g${id}`;
    await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === noteId);
    await ok(ada.request('PATCH', `/api/glosses/${id}`, { body: { markdown: 'Acquire a friend, and argue with them.' } }), 200);
    await settle();
    const update = await peer.waitFor((d) => d.type === 'Update' && d.json.object?.id === noteId);
    expect(update.json.object.content).toContain('argue with them');
    await ok(ada.request('POST', `/api/glosses/${id}/hide`, { reason: 'Off topic' }), 200);
    await settle();
    const del = await peer.waitFor((d) => d.type === 'Delete' && JSON.stringify(d.json.object).includes(noteId));
    expect(del.actor).toBe(`http://${host}/ap/actors/user.ada`);
    expect((await fetch(noteId, { headers: { accept: as2 } })).status).toBe(404);
  });

  it('sends the Delete of a gloss its author deleted outright from the author, whom servers take it from', async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'Soon gone.');
    await settle();
    const noteId = `http://${host}/ap/notes/g${id}`;
    await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === noteId);
    await ok(ada.request('DELETE', `/api/glosses/${id}`), 200);
    // Nothing hangs beneath it: its row is gone, and the author is known only from what was sent.
    expect(await daf.database.db.selectFrom('gloss').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    await settle();
    const del = await peer.waitFor((d) => d.type === 'Delete' && d.actor === `http://${host}/ap/actors/user.ada` && JSON.stringify(d.json.object).includes(noteId));
    expect(del.json.object.id ?? del.json.object).toBe(noteId);
  });

  /** Gloss `id`'s thread as `who` sees it. */
  async function thread(id: number, who: Client | null = null): Promise<{ author: { handle: string; name: string } | null; status: string; body: { text: string } | null }[]> {
    const res = await (who ?? new Client(daf.url)).request('GET', `/api/glosses/${id}`);
    return (res.body as { replies: any[] }).replies;
  }

  async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('takes a public reply from elsewhere into the thread, once, its author shown as name@host, and never sends it back out as ours', async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'A teacher, and a friend.');
    await settle();
    const before = peer.deliveries.length;
    const { create } = await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Who teaches <em>the teacher</em>?</p>');
    const replies = await until(async () => ((await thread(id)).length > 0 ? thread(id) : undefined), 'the reply');
    const peerHost = new URL(peer.url).host;
    expect(replies).toMatchObject([{ status: 'active', author: { handle: `alice@${peerHost}`, name: 'Alice Elsewhere', profile: `${peer.url}/@alice` }, body: { text: 'Who teaches the teacher?' } }]);
    // The same activity delivered again is stored once.
    await peer.send(`http://${host}/ap/inbox`, create);
    await settle();
    expect(await thread(id)).toHaveLength(1);
    expect(peer.deliveries.slice(before).filter((d) => d.type === 'Create')).toEqual([]);
    // A remote account opens no session: it has no password.
    const login = await new Client(daf.url).request('POST', '/api/auth/login', { handle: `alice@${peerHost}`, password: 'anything at all' });
    expect(login.status).toBeGreaterThanOrEqual(400);
    expect(login.status).toBeLessThan(500);
  });

  it("links a remote author's name only to a web address, never to a javascript: one their server gives", async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'On teachers, again.');
    await settle();
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Click my name.</p>', 'public', 'mallory');
    const [reply] = await until(async () => ((await thread(id)).length > 0 ? thread(id) : undefined), 'the reply');
    expect(reply.author).toMatchObject({ handle: `mallory@${new URL(peer.url).host}`, profile: `${peer.url}/users/mallory` });
  });

  it("shuts out someone elsewhere whom the group bans by name@host, until the ban is lifted", async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'Bans reach elsewhere too.');
    await settle();
    const alice = `alice@${new URL(peer.url).host}`;
    await ok(ada.request('POST', `/api/groups/avot-circle/members/${encodeURIComponent(alice)}/ban`, { reason: 'Spam' }), 204);
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Still here?</p>');
    await settle();
    expect(await thread(id, ada)).toEqual([]);
    await ok(ada.request('DELETE', `/api/groups/avot-circle/members/${encodeURIComponent(alice)}/ban`), 204);
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Back again.</p>');
    await until(async () => ((await thread(id)).length === 1 ? true : undefined), 'the reply after the ban');
    const bad = await ada.request('POST', `/api/groups/avot-circle/members/${encodeURIComponent('not a handle@@')}/ban`, { reason: 'x' });
    expect(bad.status).toBe(400);
  });

  it('shows a followers-only or direct reply from elsewhere to the moderators only, and will not restore it', async () => {
    const id = await gloss('study', 'וּקְנֵה לְךָ חָבֵר', 'Friendship needs argument.');
    await settle();
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Just between us.</p>', 'followers');
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Only to you.</p>', 'direct');
    const seen = await until(async () => ((await thread(id, ada)).length === 2 ? thread(id, ada) : undefined), 'both replies');
    expect(seen.map((r) => r.status)).toEqual(['hidden', 'hidden']);
    expect(await thread(id)).toEqual([]);
    const replyId = (seen[0] as unknown as { id: number }).id;
    const restore = await ada.request('POST', `/api/replies/${replyId}/restore`, {});
    expect(restore.status).toBe(409);
    expect(await thread(id)).toEqual([]);
  });

  it('refuses a reply from elsewhere into a layer that publishes without taking replies', async () => {
    const id = await gloss('broadcast', 'עֲשֵׂה לְךָ רַב', 'Announcements only.');
    await settle();
    await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>Can I answer?</p>');
    await settle();
    expect(await thread(id, ada)).toEqual([]);
  });

  it("follows its author's Update and Delete of a reply from elsewhere, and takes a Flag into the moderation queue", async () => {
    const id = await gloss('study', 'וּקְנֵה לְךָ חָבֵר', 'On acquiring.');
    await settle();
    const { note } = await peer.reply(`${groupActor}/inbox`, `http://${host}/ap/notes/g${id}`, '<p>First words.</p>');
    await until(async () => ((await thread(id)).length === 1 ? true : undefined), 'the reply');
    const { Update, Delete, Flag, Note, Tombstone, PUBLIC_COLLECTION } = await import('@fedify/fedify');
    await peer.send(`${groupActor}/inbox`, new Update({ id: new URL(`${note}#update`), actor: peer.alice, object: new Note({ id: new URL(note), attribution: peer.alice, content: '<p>Second words.</p>', replyTarget: new URL(`http://${host}/ap/notes/g${id}`), to: PUBLIC_COLLECTION }) }));
    await until(async () => ((await thread(id))[0]?.body?.text === 'Second words.' ? true : undefined), 'the edit');
    await peer.send(`${groupActor}/inbox`, new Flag({ id: new URL(`${peer.url}/flags/1`), actor: peer.alice, object: new URL(`http://${host}/ap/notes/g${id}`), content: 'Spam, I think' }));
    const flags = await until(async () => {
      const rows = await daf.database.db.selectFrom('flag').selectAll().where('kind', '=', 'gloss').where('item_id', '=', id).execute();
      return rows.length > 0 ? rows : undefined;
    }, 'the flag');
    expect(flags).toMatchObject([{ reason: 'Spam, I think' }]);
    await peer.send(`${groupActor}/inbox`, new Delete({ id: new URL(`${note}#delete`), actor: peer.alice, object: new Tombstone({ id: new URL(note) }) }));
    await until(async () => ((await thread(id)).length === 0 ? true : undefined), 'the deletion');
  });

  it("lists in the group's outbox what it published and nothing else, and counts the server in NodeInfo", async () => {
    const res = await fetch(`${groupActor}/outbox`, { headers: { accept: as2 } });
    expect(res.status).toBe(200);
    const outbox = (await res.json()) as Record<string, any>;
    expect(outbox.type).toBe('OrderedCollection');
    const published = await daf.database.db.selectFrom('fed_object').select(['item_kind', 'item_id']).where('deleted', '=', 0).execute();
    expect(outbox.totalItems).toBe(published.length);
    const page = (await (await fetch(outbox.first, { headers: { accept: as2 } })).json()) as Record<string, any>;
    const items = ([] as Record<string, any>[]).concat(page.orderedItems ?? []);
    const noteIds = items.map((a) => (typeof a.object === 'string' ? a.object : a.object.id));
    expect(new Set(noteIds)).toEqual(new Set(published.map((p) => `http://${host}/ap/notes/${p.item_kind === 'gloss' ? 'g' : 'r'}${p.item_id}`)));
    expect(items.every((a) => a.type === 'Create')).toBe(true);
    const hidden = await daf.database.db.selectFrom('fed_object').select('item_id').where('deleted', '=', 1).execute();
    expect(hidden.length).toBeGreaterThan(0);
    for (const { item_id } of hidden) expect(JSON.stringify(page)).not.toContain(`/ap/notes/g${item_id}"`);
    const links = (await (await fetch(`${daf.url}/.well-known/nodeinfo`)).json()) as { links: { href: string }[] };
    const info = (await (await fetch(links.links[0].href)).json()) as Record<string, any>;
    expect(info.software.name).toBe('daf');
    expect(info.usage.users.total).toBe(1);
    expect(info.usage.localPosts).toBe(published.filter((p) => p.item_kind === 'gloss').length);
  });

  it('refuses an unsigned inbox post with 401 and an oversized one with 413, storing nothing', async () => {
    const follow = { '@context': 'https://www.w3.org/ns/activitystreams', type: 'Follow', id: 'http://127.0.0.1:9/f/1', actor: 'http://127.0.0.1:9/u/mallory', object: groupActor };
    const unsigned = await fetch(`${groupActor}/inbox`, { method: 'POST', headers: { 'content-type': as2 }, body: JSON.stringify(follow) });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('signature_invalid');
    const big = await fetch(`http://${host}/ap/inbox`, { method: 'POST', headers: { 'content-type': as2 }, body: JSON.stringify({ ...follow, padding: 'x'.repeat(300 * 1024) }) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    const followers = await daf.database.db.selectFrom('fed_follower').select('actor_uri').execute();
    expect(followers.map((f) => f.actor_uri)).toEqual([peer.alice.href]);
  });

  it('deletes where they went the posts of a group that stops federating, and serves them no more', async () => {
    const id = await gloss('study', 'עֲשֵׂה לְךָ רַב', 'Before the door closes.');
    await settle();
    const noteId = `http://${host}/ap/notes/g${id}`;
    await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === noteId);
    const stillPublished = await daf.database.db.selectFrom('fed_object').select(['item_kind', 'item_id']).where('deleted', '=', 0).execute();
    await ok(ada.request('PATCH', '/api/groups/avot-circle', { federated: false }), 200);
    await settle();
    for (const p of stillPublished) {
      const gone = `http://${host}/ap/notes/${p.item_kind === 'gloss' ? 'g' : 'r'}${p.item_id}`;
      await peer.waitFor((d) => d.type === 'Delete' && JSON.stringify(d.json.object).includes(gone));
    }
    expect((await fetch(noteId, { headers: { accept: as2 } })).status).toBe(404);
    expect((await fetch(groupActor, { headers: { accept: as2 } })).status).toBe(404);
    expect(await daf.database.db.selectFrom('fed_object').select('item_id').where('deleted', '=', 0).execute()).toEqual([]);
    await ok(ada.request('PATCH', '/api/groups/avot-circle', { federated: true }), 200);
  });

  it('forgets a follower who takes the follow back', async () => {
    await peer.unfollow(groupActor);
    for (let i = 0; i < 100; i++) {
      const rows = await daf.database.db.selectFrom('fed_follower').select('actor_uri').execute();
      if (rows.length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the follower is still there');
  });
});

describe(`federation's allowance per server on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let peer: FediPeer;

  afterAll(async () => {
    await peer?.close();
    await daf?.close();
    await drop?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes in at most its allowance of replies from one server in an hour, and drops the rest', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-federation-allowance-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: base, federation: { allowPrivateAddress: true }, limits: { remotePostsPerHostPerHour: 2 } });
    peer = await FediPeer.start();
    const ada = new Client(daf.url);
    await federatedCircle(ada, 'publish+replies');
    const { id } = (await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: 'Light first.' } }))) as { id: number };
    await daf.publisher!.pass();
    for (let i = 0; i < 3; i++) await peer.reply(`${base}/ap/inbox`, `${base}/ap/notes/g${id}`, `<p>Reply ${i}</p>`, 'public', i % 2 === 0 ? 'alice' : 'mallory');
    for (let i = 0; i < 200; i++) {
      const { n } = await daf.database.db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const replies = (await new Client(daf.url).request('GET', `/api/glosses/${id}`)).body.replies as { body: { text: string } }[];
    expect(replies.map((r) => r.body.text).sort()).toEqual(['Reply 0', 'Reply 1']);
  }, 120_000);
});

describe(`federation that keeps to public addresses, on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let peer: FediPeer;

  afterAll(async () => {
    await peer?.close();
    await daf?.close();
    await drop?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a follow from a peer on loopback when private addresses are not allowed, and takes in no follower', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-federation-public-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logged: string[] = [];
    daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: base, federation: { allowPrivateAddress: false }, log: (l) => logged.push(l) });
    peer = await FediPeer.start();
    await federatedCircle(new Client(daf.url), 'publish');
    // Daf may not fetch the peer's key from a loopback address, so it cannot check the signature: 401.
    await expect(peer.follow(`${base}/ap/actors/group.circle`)).rejects.toThrow();
    const followers = await daf.database.db.selectFrom('fed_follower').selectAll().execute();
    expect(followers).toEqual([]);
    expect(peer.deliveries).toEqual([]);
    // A refused follow takes the peer about 4 s here; on a loaded machine, several times that.
  }, 120_000);
});
