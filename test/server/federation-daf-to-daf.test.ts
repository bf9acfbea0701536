/**
 * Daf to Daf (docs/federation.md §7): two Daf servers on loopback, each with its own database,
 * every request between them signed and checked. A group on the second follows a group on the
 * first; the first accepts; a public gloss published there shows here on the same text (found by
 * its content's SHA-256, under another slug) as a gloss of a read-only layer, anchored by its
 * selectors; its edit and its deletion follow it; unfollowing undoes the follow there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { Create, Note, PUBLIC_COLLECTION } from '@fedify/fedify';
import { FediPeer, freePort } from '../helpers/fedi-peer.ts';
import { settleFederation } from '../helpers/fed-queue.ts';

const content = 'עֲשֵׂה לְךָ רַב וּקְנֵה לְךָ חָבֵר, וֶהֱוֵי דָן אֶת כָּל הָאָדָם לְכַף זְכוּת';

interface Server {
  daf: RunningServer;
  base: string;
  drop: () => Promise<void>;
  logged: string[];
}

describe(`Daf to Daf on ${testDialect}`, () => {
  let dir: string;
  let origin: Server;
  let follower: Server;
  let ada: Client;
  let ben: Client;
  let originGroup: string;

  async function start(name: string): Promise<Server> {
    const made = await newTestDatabase(path.join(dir, name));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logged: string[] = [];
    const daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: base, federation: { allowPrivateAddress: true }, log: (l) => logged.push(l) });
    return { daf, base, drop: made.drop, logged };
  }

  /** Settles both servers until `done` holds (each delivery may set off another on the other side). */
  async function until<T>(done: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
    for (let i = 0; i < 60; i++) {
      const why = () => `; logged: ${[...origin.logged, ...follower.logged].join(' | ')}`;
      await settleFederation(origin.daf, why);
      await settleFederation(follower.daf, why);
      const got = await done();
      if (got) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what} did not happen; logged: ${[...origin.logged, ...follower.logged].join(' | ')}`);
  }

  const mirrorLayer = async () => {
    const { layers } = (await ok(ben.request('GET', '/api/texts/pirkei-avot/layers'), 200)) as { layers: { slug: string; followedFrom?: string; name: string }[] };
    return layers.find((l) => l.followedFrom !== undefined);
  };
  const mirrored = async (slug: string) =>
    ((await ok(ben.request('GET', `/api/texts/pirkei-avot/layers/${slug}/glosses`), 200)) as { glosses: { id: number; body: { text?: string } | null; author: { handle: string; profile?: string }; anchor: { status: string; exact: string | null } }[] }).glosses;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-d2d-'));
    fs.mkdirSync(path.join(dir, 'origin'));
    fs.mkdirSync(path.join(dir, 'follower'));
    origin = await start('origin');
    follower = await start('follower');
    originGroup = `${origin.base}/ap/actors/group.avot-circle`;
    ada = new Client(origin.daf.url);
    await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' }));
    await ok(ada.request('POST', '/api/groups', { slug: 'avot-circle', name: 'Avot Circle', visibility: 'public', joinPolicy: 'open' }));
    await ok(ada.request('POST', '/api/texts', { title: 'Pirkei Avot', slug: 'avot', language: 'he', format: 'markdown', content }));
    await ok(ada.request('POST', '/api/texts/avot/layers', { name: 'Study', slug: 'study', visibility: 'public', group: 'avot-circle' }));
    await ok(ada.request('PATCH', '/api/groups/avot-circle', { federated: true }), 200);
    await ok(ada.request('PATCH', '/api/texts/avot/layers/study', { federation: 'publish' }), 200);

    ben = new Client(follower.daf.url);
    await ok(ben.request('POST', '/api/auth/signup', { handle: 'ben', password: 'correct horse battery' }));
    await ok(ben.request('POST', '/api/groups', { slug: 'reading-room', name: 'Reading Room', visibility: 'public', joinPolicy: 'open' }));
    await ok(ben.request('POST', '/api/groups', { slug: 'quiet-room', name: 'Quiet Room', visibility: 'public', joinPolicy: 'open' }));
    // The same words under another slug and title: matched by the SHA-256 of its content.
    await ok(ben.request('POST', '/api/texts', { title: 'Ethics of the Fathers', slug: 'pirkei-avot', language: 'he', format: 'markdown', content }));
    await ok(ben.request('POST', '/api/texts', { title: 'Something else', slug: 'other', language: 'he', format: 'markdown', content: 'דָּבָר אַחֵר לְגַמְרֵי' }));
    await ok(ben.request('PATCH', '/api/groups/reading-room', { federated: true }), 200);
  }, 60_000);

  afterAll(async () => {
    await follower?.daf.close();
    await origin?.daf.close();
    await follower?.drop();
    await origin?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tells each text by the SHA-256 of its content', async () => {
    const there = (await ok(ada.request('GET', '/api/texts/avot'), 200)) as { version: { sha256: string }; sefariaRef: string | null };
    const here = (await ok(ben.request('GET', '/api/texts/pirkei-avot'), 200)) as { version: { sha256: string } };
    const other = (await ok(ben.request('GET', '/api/texts/other'), 200)) as { version: { sha256: string } };
    expect(there.version.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(here.version.sha256).toBe(there.version.sha256);
    expect(other.version.sha256).not.toBe(there.version.sha256);
    expect(there.sefariaRef).toBeNull();
  });

  it('refuses to follow for a group that does not federate, for a visitor, and for what is no group', async () => {
    const quiet = await ben.request('POST', '/api/groups/quiet-room/following', { actor: originGroup });
    expect(quiet.status).toBe(409);
    expect((quiet.body as { error: { code: string } }).error.code).toBe('group_not_federated');
    const visitor = await fetch(`${follower.base}/api/groups/reading-room/following`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actor: originGroup }) });
    expect(visitor.status).toBe(401);
    const person = await ben.request('POST', '/api/groups/reading-room/following', { actor: `${origin.base}/ap/actors/user.ada` });
    expect(person.status).toBe(422);
    expect((person.body as { error: { code: string } }).error.code).toBe('remote_group_not_found');
    const nothing = await ben.request('POST', '/api/groups/reading-room/following', {});
    expect(nothing.status).toBe(400);
    expect(await follower.daf.database.db.selectFrom('fed_following').selectAll().execute()).toEqual([]);
  });

  it('follows a group on another Daf: the Follow is signed by the group, and accepted there', async () => {
    const res = await ben.request('POST', '/api/groups/reading-room/following', { actor: originGroup });
    expect(res.status).toBe(202);
    expect((res.body as { following: { state: string } }).following).toMatchObject({ actor: originGroup, handle: `avot-circle@127.0.0.1:${new URL(origin.base).port}`, name: 'Avot Circle', state: 'pending' });
    const accepted = await until(async () => {
      const { following } = (await ok(ben.request('GET', '/api/groups/reading-room/following'), 200)) as { following: { state: string }[] };
      return following[0]?.state === 'accepted' ? following : null;
    }, 'the Accept');
    expect(accepted).toHaveLength(1);
    const { entries } = (await ok(ben.request('GET', '/api/groups/reading-room/audit'), 200)) as { entries: { action: string; reason: string | null; actor: string }[] };
    expect(entries).toContainEqual(expect.objectContaining({ action: 'following.added', reason: `avot-circle@127.0.0.1:${new URL(origin.base).port}`, actor: 'ben' }));
    const there = await origin.daf.database.db.selectFrom('fed_follower').selectAll().execute();
    expect(there).toMatchObject([{ actor_uri: `${follower.base}/ap/actors/group.reading-room`, inbox_uri: `${follower.base}/ap/actors/group.reading-room/inbox` }]);
  });

  it('shows a gloss published there on the same text here, in a read-only layer, anchored by its selectors', async () => {
    const made = (await ok(ada.request('POST', '/api/texts/avot/layers/study/glosses', { target: { exact: 'וּקְנֵה לְךָ חָבֵר' }, body: { markdown: 'Acquire a *friend*: study is done in pairs.' } }))) as { id: number };
    const layer = await until(mirrorLayer, 'the mirrored layer');
    expect(layer.followedFrom).toBe(`${origin.base}/annotations/avot/study/`);
    expect(layer.name).toBe(`Study (avot-circle@127.0.0.1:${new URL(origin.base).port})`);
    const [gloss] = await until(async () => {
      const g = await mirrored(layer.slug);
      return g.length ? g : null;
    }, 'the mirrored gloss');
    expect(gloss.anchor).toMatchObject({ status: 'exact', exact: 'וּקְנֵה לְךָ חָבֵר' });
    expect(gloss.body?.text).toBe('Acquire a friend: study is done in pairs.');
    expect(gloss.author.handle).toBe(`ada@127.0.0.1:${new URL(origin.base).port}`);
    const row = await follower.daf.database.db.selectFrom('gloss').select(['remote_uri', 'body_doc']).where('id', '=', gloss.id).executeTakeFirstOrThrow();
    expect(row.remote_uri).toBe(`${origin.base}/ap/notes/g${made.id}`);
    // The emphasis came through: the body is read from the annotation's Markdown, not the Note's HTML.
    expect(row.body_doc).toContain('"em"');
    // Nothing came to the text that is not the same, nor to the group that does not follow.
    const other = (await ok(ben.request('GET', '/api/texts/other/layers'), 200)) as { layers: unknown[] };
    expect(other.layers).toEqual([]);
  });

  it("shows the thread there in the mirrored gloss's thread here, replies to replies too, and follows their edits and deletions", async () => {
    const layer = (await mirrorLayer())!;
    const [mirror] = await mirrored(layer.slug);
    const remoteId = Number(/g([0-9]+)$/.exec((await follower.daf.database.db.selectFrom('gloss').select('remote_uri').where('id', '=', mirror.id).executeTakeFirstOrThrow()).remote_uri!)![1]);
    const first = (await ok(ada.request('POST', `/api/glosses/${remoteId}/replies`, { body: { markdown: 'And a friend *disagrees* with you.' } }))) as { id: number };
    await ok(ada.request('POST', `/api/glosses/${remoteId}/replies`, { parent: first.id, body: { markdown: 'Which is the point.' } }));
    type Thread = { replies: { id: number; parent: number | null; body: { text: string } | null; author: { handle: string } | null }[] };
    const thread = await until(async () => {
      const got = (await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as Thread;
      return got.replies.length === 2 ? got.replies : null;
    }, 'the thread');
    const [one, two] = thread;
    expect(one).toMatchObject({ parent: null, body: { text: 'And a friend disagrees with you.' }, author: { handle: `ada@127.0.0.1:${new URL(origin.base).port}` } });
    expect(two).toMatchObject({ parent: one.id, body: { text: 'Which is the point.' } });
    // The emphasis came through: a Daf's Note carries its words as Markdown.
    const stored = await follower.daf.database.db.selectFrom('reply').select('body_doc').where('id', '=', one.id).executeTakeFirstOrThrow();
    expect(stored.body_doc).toContain('"em"');
    await ok(ada.request('PATCH', `/api/replies/${first.id}`, { body: { markdown: 'A friend who disagrees.' } }), 200);
    await until(async () => ((await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as Thread).replies[0]?.body?.text === 'A friend who disagrees.', 'the reply\'s edit');
    const second = (await ok(ada.request('GET', `/api/glosses/${remoteId}`), 200)) as Thread;
    await ok(ada.request('DELETE', `/api/replies/${second.replies[1].id}`), 200);
    await until(async () => ((await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as Thread).replies.length === 1, 'the reply\'s deletion');
  });

  it('sends a reply written here in a followed thread back there, once its owners open the thread to members, with its edit and deletion', async () => {
    const layer = (await mirrorLayer())!;
    const [mirror] = await mirrored(layer.slug);
    const remoteId = Number(/g([0-9]+)$/.exec((await follower.daf.database.db.selectFrom('gloss').select('remote_uri').where('id', '=', mirror.id).executeTakeFirstOrThrow()).remote_uri!)![1]);
    // Closed until its owners open it; the layer there takes replies from elsewhere.
    const closed = await ben.request('POST', `/api/glosses/${mirror.id}/replies`, { body: { markdown: 'Too early.' } });
    expect(closed.status).toBe(403);
    await ok(ben.request('PATCH', `/api/texts/pirkei-avot/layers/${layer.slug}`, { replyPolicy: 'members' }), 200);
    await ok(ada.request('PATCH', '/api/texts/avot/layers/study', { federation: 'publish+replies' }), 200);
    const mine = (await ok(ben.request('POST', `/api/glosses/${mirror.id}/replies`, { body: { markdown: 'From Boston: *agreed*.' } }))) as { id: number };
    type Thread = { replies: { body: { text: string } | null; author: { handle: string; profile?: string } | null }[] };
    const there = async () => ((await ok(ada.request('GET', `/api/glosses/${remoteId}`), 200)) as Thread).replies.filter((r) => r.author?.handle.startsWith('ben@'));
    const [answer] = await until(async () => ((await there()).length === 1 ? there() : null), 'the answer there');
    expect(answer).toMatchObject({ body: { text: 'From Boston: agreed.' }, author: { handle: `ben@127.0.0.1:${new URL(follower.base).port}`, profile: `${follower.base}/u/ben` } });
    // Answered there, the answer comes back here under the reply it answers.
    const answered = ((await ok(ada.request('GET', `/api/glosses/${remoteId}`), 200)) as { replies: { id: number; author: { handle: string } | null }[] }).replies.find((r) => r.author?.handle.startsWith('ben@'))!;
    await ok(ada.request('POST', `/api/glosses/${remoteId}/replies`, { parent: answered.id, body: { markdown: 'Mostly? Say more.' } }));
    const back = await until(async () => {
      const { replies } = (await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as { replies: { parent: number | null; body: { text: string } | null }[] };
      return replies.find((r) => r.body?.text === 'Mostly? Say more.');
    }, 'the answer to the answer');
    expect(back.parent).toBe(mine.id);
    await ok(ben.request('PATCH', `/api/replies/${mine.id}`, { body: { markdown: 'From Boston: agreed, mostly.' } }), 200);
    await until(async () => (await there())[0]?.body?.text === 'From Boston: agreed, mostly.', 'the edit there');
    await ok(ben.request('DELETE', `/api/replies/${mine.id}`), 200);
    await until(async () => (await there()).length === 0, 'the deletion there');
    // Nothing a visitor here may not read goes: not from a layer closed to the group's members.
    await ok(ben.request('PATCH', `/api/texts/pirkei-avot/layers/${layer.slug}`, { visibility: 'group' }), 200);
    const closedReply = (await ok(ben.request('POST', `/api/glosses/${mirror.id}/replies`, { body: { markdown: 'Among ourselves only.' } }))) as { id: number };
    await settleFederation(follower.daf);
    await settleFederation(origin.daf);
    expect(await there()).toEqual([]);
    expect(await follower.daf.database.db.selectFrom('fed_object').selectAll().where('item_kind', '=', 'reply').where('item_id', '=', closedReply.id).execute()).toEqual([]);
    await ok(ben.request('DELETE', `/api/replies/${closedReply.id}`), 200);
    await ok(ben.request('PATCH', `/api/texts/pirkei-avot/layers/${layer.slug}`, { visibility: 'public', replyPolicy: 'nobody' }), 200);
  });

  it('takes no post into a mirrored thread from any server but the one it mirrors, even from a group followed here', async () => {
    const layer = (await mirrorLayer())!;
    const [mirror] = await mirrored(layer.slug);
    const theirNote = (await follower.daf.database.db.selectFrom('gloss').select('remote_uri').where('id', '=', mirror.id).executeTakeFirstOrThrow()).remote_uri!;
    const before = ((await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as { replies: unknown[] }).replies.length;
    const evil = await FediPeer.start();
    try {
      // Another group here follows "a group" on the evil server (its actor stands in for one).
      const quiet = await follower.daf.database.db.selectFrom('reading_group').select('id').where('slug', '=', 'quiet-room').executeTakeFirstOrThrow();
      await follower.daf.database.db
        .insertInto('fed_following')
        .values({ group_id: quiet.id, actor_uri: evil.alice.href, inbox_uri: `${evil.alice.href}/inbox`, handle: 'alice@evil', name: 'Evil', follow_uri: `${follower.base}/x#follow`, state: 'accepted', created_at: new Date().toISOString() })
        .execute();
      for (const [n, replyTo] of [[1, theirNote], [2, `${theirNote}#not-there`]] as const) {
        const note = new Note({ id: new URL(`${evil.alice.href}/notes/${n}`), attribution: evil.alice, audience: evil.alice, content: '<p>Injected</p>', replyTarget: new URL(replyTo), to: PUBLIC_COLLECTION });
        await evil.send(`${follower.base}/ap/inbox`, new Create({ id: new URL(`${note.id!.href}/activity`), actor: evil.alice, object: note, to: PUBLIC_COLLECTION }));
      }
      await settleFederation(follower.daf);
      expect(((await ok(ben.request('GET', `/api/glosses/${mirror.id}`), 200)) as { replies: unknown[] }).replies).toHaveLength(before);
      expect(await follower.daf.database.db.selectFrom('reply').select('id').where('remote_uri', 'like', `${evil.url}%`).execute()).toEqual([]);
    } finally {
      await follower.daf.database.db.deleteFrom('fed_following').where('actor_uri', '=', evil.alice.href).execute();
      await evil.close();
    }
  });

  it('keeps the layer read-only here: no gloss from here, and it never publishes', async () => {
    const layer = (await mirrorLayer())!;
    const write = await ben.request('POST', `/api/texts/pirkei-avot/layers/${layer.slug}/glosses`, { target: { exact: 'רַב' }, body: { markdown: 'Mine' } });
    expect(write.status).toBe(403);
    const publish = await ben.request('PATCH', `/api/texts/pirkei-avot/layers/${layer.slug}`, { federation: 'publish' });
    expect(publish.status).toBe(409);
    expect((publish.body as { error: { code: string } }).error.code).toBe('remote_layer');
    // Its owners may still rename it.
    await ok(ben.request('PATCH', `/api/texts/pirkei-avot/layers/${layer.slug}`, { name: 'Avot Circle, followed' }), 200);
  });

  it('follows an edit there, and a deletion', async () => {
    const layer = (await mirrorLayer())!;
    const [before] = await mirrored(layer.slug);
    const remoteId = Number(/g([0-9]+)$/.exec((await follower.daf.database.db.selectFrom('gloss').select('remote_uri').where('id', '=', before.id).executeTakeFirstOrThrow()).remote_uri!)![1]);
    await ok(ada.request('PATCH', `/api/glosses/${remoteId}`, { body: { markdown: 'Acquire a friend, and judge everyone favourably.' } }), 200);
    await until(async () => (await mirrored(layer.slug))[0]?.body?.text === 'Acquire a friend, and judge everyone favourably.', 'the edit');
    await ok(ada.request('DELETE', `/api/glosses/${remoteId}`), 200);
    // Its thread was answered: a tombstone there, and here (or nothing, once the reply went too).
    await until(async () => {
      const row = await follower.daf.database.db.selectFrom('gloss').select('status').where('id', '=', before.id).executeTakeFirst();
      return row === undefined || row.status === 'deleted';
    }, 'the deletion');
    expect((await mirrored(layer.slug)).every((g) => g.body === null)).toBe(true);
  });

  it('follows back: a group there follows the group here, and what it had published comes in from its outbox', async () => {
    await ok(ben.request('POST', '/api/texts/pirkei-avot/layers', { name: 'Ours', slug: 'ours', visibility: 'public', group: 'reading-room' }));
    await ok(ben.request('PATCH', '/api/texts/pirkei-avot/layers/ours', { federation: 'publish' }), 200);
    const before = (await ok(ben.request('POST', '/api/texts/pirkei-avot/layers/ours/glosses', { target: { exact: 'דָן אֶת כָּל הָאָדָם' }, body: { markdown: 'Judge everyone *favourably*.' } }))) as { id: number };
    const written = (await ok(ben.request('GET', `/api/glosses/${before.id}`), 200)) as { created: string };
    await settleFederation(follower.daf);
    const res = await ada.request('POST', '/api/groups/avot-circle/following', { actor: `${follower.base}/ap/actors/group.reading-room` });
    expect(res.status).toBe(202);
    const layer = await until(async () => {
      const { layers } = (await ok(ada.request('GET', '/api/texts/avot/layers'), 200)) as { layers: { slug: string; followedFrom?: string }[] };
      return layers.find((l) => l.followedFrom === `${follower.base}/annotations/pirkei-avot/ours/`);
    }, 'the layer read from the outbox');
    const { glosses } = (await ok(ada.request('GET', `/api/texts/avot/layers/${layer.slug}/glosses`), 200)) as { glosses: { body: { text: string }; created: string; anchor: { status: string; exact: string } }[] };
    expect(glosses).toHaveLength(1);
    expect(glosses[0]).toMatchObject({ body: { text: 'Judge everyone favourably.' }, anchor: { status: 'exact', exact: 'דָן אֶת כָּל הָאָדָם' } });
    // It keeps when it was written there.
    expect(glosses[0].created).toBe(written.created);
    // What a server mirrors it never publishes again: the gloss here from there went nowhere.
    await settleFederation(origin.daf);
    const mirroredIds = (await origin.daf.database.db.selectFrom('gloss').select('id').where('remote_uri', 'is not', null).execute()).map((g) => g.id);
    expect(mirroredIds).toHaveLength(1);
    expect(await origin.daf.database.db.selectFrom('fed_object').selectAll().where('item_kind', '=', 'gloss').where('item_id', 'in', mirroredIds).execute()).toEqual([]);
  });

  it('matches a text by its Sefaria ref and language when the words differ, and anchors by the quote', async () => {
    await ok(ada.request('POST', '/api/texts', { title: 'Avot 1', slug: 'avot-en', language: 'en', format: 'markdown', content: 'Joshua ben Perachiah said: Make for yourself a teacher, and acquire for yourself a friend.' }));
    await ok(ada.request('POST', '/api/texts/avot-en/layers', { name: 'English study', slug: 'study-en', visibility: 'public', group: 'avot-circle' }));
    await ok(ada.request('PATCH', '/api/texts/avot-en/layers/study-en', { federation: 'publish' }), 200);
    await ok(ben.request('POST', '/api/texts', { title: 'Avot, chapter 1', slug: 'avot-english', language: 'en', format: 'markdown', content: 'Yehoshua ben Perachyah used to say: provide yourself with a master, and acquire for yourself a friend.' }));
    // As `daf import-sefaria` records it on both servers.
    for (const [server, slug] of [[origin, 'avot-en'], [follower, 'avot-english']] as const) {
      await server.daf.database.db.updateTable('text').set({ sefaria_ref: 'Pirkei Avot' }).where('slug', '=', slug).execute();
    }
    await ok(ada.request('POST', '/api/texts/avot-en/layers/study-en/glosses', { target: { exact: 'acquire for yourself a friend' }, body: { markdown: 'Not a teacher only: a friend to argue with.' } }));
    const layers = await until(async () => {
      const { layers } = (await ok(ben.request('GET', '/api/texts/avot-english/layers'), 200)) as { layers: { slug: string; followedFrom?: string }[] };
      return layers.length ? layers : null;
    }, 'the layer on the text matched by its ref');
    expect(layers[0].followedFrom).toBe(`${origin.base}/annotations/avot-en/study-en/`);
    const [gloss] = await until(async () => {
      const { glosses } = (await ok(ben.request('GET', `/api/texts/avot-english/layers/${layers[0].slug}/glosses`), 200)) as { glosses: { anchor: { status: string; exact: string | null; start: number; end: number } }[] };
      return glosses.length ? glosses : null;
    }, 'the gloss');
    // The words are where the quote is here, not at the offsets they had there: found by the quote.
    expect(gloss.anchor).toMatchObject({ start: 72, end: 101, exact: 'acquire for yourself a friend' });
    expect(['exact', 'moved']).toContain(gloss.anchor.status);

    // A gloss on that gloss there is a gloss on its mirror here, anchored in its words.
    const { glosses: theirs } = (await ok(ada.request('GET', '/api/texts/avot-en/layers/study-en/glosses'), 200)) as { glosses: { id: number }[] };
    await ok(ada.request('POST', '/api/texts/avot-en/layers/study-en/glosses', { target: { gloss: theirs[0].id, exact: 'a friend to argue with' }, body: { markdown: 'Argue *for the sake of Heaven*.' } }));
    type Listed = { id: number; target: { gloss: number | null }; body: { text: string } | null; anchor: { status: string; exact: string | null } };
    const both = await until(async () => {
      const { glosses } = (await ok(ben.request('GET', `/api/texts/avot-english/layers/${layers[0].slug}/glosses`), 200)) as { glosses: Listed[] };
      return glosses.length === 2 ? glosses : null;
    }, 'the gloss on the gloss');
    const onText = both.find((g) => g.target.gloss === null)!;
    const onGloss = both.find((g) => g.target.gloss !== null)!;
    expect(onGloss.target.gloss).toBe(onText.id);
    expect(onGloss).toMatchObject({ body: { text: 'Argue for the sake of Heaven.' }, anchor: { status: 'exact', exact: 'a friend to argue with' } });
  });

  it('takes back nothing a moderator here deleted, not when following again reads the outbox there, while what was written meanwhile comes in', async () => {
    type Listed = { id: number; target: { gloss: number | null }; body: { text: string } | null };
    const slug = (await ok(ben.request('GET', '/api/texts/avot-english/layers'), 200)) as { layers: { slug: string }[] };
    const layerSlug = slug.layers[0].slug;
    const listed = async () => ((await ok(ben.request('GET', `/api/texts/avot-english/layers/${layerSlug}/glosses`), 200)) as { glosses: Listed[] }).glosses;
    const onGloss = (await listed()).find((g) => g.target.gloss !== null)!;
    // Ben owns the group here: he moderates its mirror. Nothing hangs under it, so its row goes.
    await ok(ben.request('DELETE', `/api/glosses/${onGloss.id}`), 200);
    expect((await listed()).map((g) => g.body?.text)).toEqual(['Not a teacher only: a friend to argue with.']);
    const unfollowed = await ben.request('DELETE', `/api/groups/reading-room/following?actor=${encodeURIComponent(originGroup)}`);
    expect(unfollowed.status).toBe(204);
    await until(async () => (await origin.daf.database.db.selectFrom('fed_follower').selectAll().where('actor_uri', 'like', `${follower.base}%`).execute()).length === 0, 'the Undo');
    await ok(ada.request('POST', '/api/texts/avot-en/layers/study-en/glosses', { target: { exact: 'acquire for yourself a friend' }, body: { markdown: 'Written while nobody there followed.' } }));
    await settleFederation(origin.daf);
    expect((await ben.request('POST', '/api/groups/reading-room/following', { actor: originGroup })).status).toBe(202);
    const after = await until(async () => {
      const got = await listed();
      return got.some((g) => g.body?.text === 'Written while nobody there followed.') ? got : null;
    }, 'the outbox read again');
    expect(after.map((g) => g.body?.text).sort()).toEqual(['Not a teacher only: a friend to argue with.', 'Written while nobody there followed.']);
  });

  it('sends an answer to the group whose layer the thread mirrors, when a group here follows two groups on that server', async () => {
    // A second group there, followed after the first: the first accepted follow on that server is not the one.
    await ok(ada.request('POST', '/api/groups', { slug: 'avot-second', name: 'Avot Second', visibility: 'public', joinPolicy: 'open' }));
    await ok(ada.request('PATCH', '/api/groups/avot-second', { federated: true }), 200);
    await ok(ada.request('POST', '/api/texts/avot-en/layers', { name: 'Second reading', slug: 'second', visibility: 'public', group: 'avot-second' }));
    await ok(ada.request('PATCH', '/api/texts/avot-en/layers/second', { federation: 'publish+replies' }), 200);
    const second = `${origin.base}/ap/actors/group.avot-second`;
    expect((await ben.request('POST', '/api/groups/reading-room/following', { actor: second })).status).toBe(202);
    await until(async () => {
      const { following } = (await ok(ben.request('GET', '/api/groups/reading-room/following'), 200)) as { following: { actor: string; state: string }[] };
      return following.find((f) => f.actor === second)?.state === 'accepted';
    }, 'the second Accept');
    const theirs = (await ok(ada.request('POST', '/api/texts/avot-en/layers/second/glosses', { target: { exact: 'acquire for yourself a friend' }, body: { markdown: 'The second group reads it otherwise.' } }))) as { id: number };
    const layer = await until(async () => {
      const { layers } = (await ok(ben.request('GET', '/api/texts/avot-english/layers'), 200)) as { layers: { slug: string; followedFrom?: string }[] };
      return layers.find((l) => l.followedFrom === `${origin.base}/annotations/avot-en/second/`);
    }, 'the second mirror');
    const [mirror] = await until(async () => {
      const { glosses } = (await ok(ben.request('GET', `/api/texts/avot-english/layers/${layer.slug}/glosses`), 200)) as { glosses: { id: number }[] };
      return glosses.length ? glosses : null;
    }, 'the second group\'s gloss');
    await ok(ben.request('PATCH', `/api/texts/avot-english/layers/${layer.slug}`, { replyPolicy: 'members' }), 200);
    const mine = (await ok(ben.request('POST', `/api/glosses/${mirror.id}/replies`, { body: { markdown: 'Which group is this for?' } }))) as { id: number };
    const sent = await until(
      async () => follower.daf.database.db.selectFrom('fed_object').select(['sent_to', 'sent_inbox']).where('item_kind', '=', 'reply').where('item_id', '=', mine.id).executeTakeFirst(),
      'the answer sent',
    );
    expect(sent).toEqual({ sent_to: second, sent_inbox: `${second}/inbox` });
    await until(async () => ((await ok(ada.request('GET', `/api/glosses/${theirs.id}`), 200)) as { replies: unknown[] }).replies.length === 1, 'the answer there');
  });

  it('stops following: the Follow is undone there, and nothing more comes', async () => {
    const res = await ben.request('DELETE', `/api/groups/reading-room/following?actor=${encodeURIComponent(originGroup)}`);
    expect(res.status).toBe(204);
    const circleFollowers = () =>
      origin.daf.database.db.selectFrom('fed_follower').innerJoin('reading_group', 'reading_group.id', 'fed_follower.group_id').select('fed_follower.actor_uri').where('reading_group.slug', '=', 'avot-circle').execute();
    await until(async () => (await circleFollowers()).length === 0, 'the Undo');
    const { following } = (await ok(ben.request('GET', '/api/groups/reading-room/following'), 200)) as { following: { actor: string }[] };
    expect(following.map((f) => f.actor)).toEqual([`${origin.base}/ap/actors/group.avot-second`]);
    await ok(ada.request('POST', '/api/texts/avot/layers/study/glosses', { target: { exact: 'עֲשֵׂה לְךָ רַב' }, body: { markdown: 'After the unfollow' } }));
    await settleFederation(origin.daf);
    await settleFederation(follower.daf);
    const layer = (await mirrorLayer())!;
    expect((await mirrored(layer.slug)).filter((g) => g.body !== null)).toEqual([]);
    const again = await ben.request('DELETE', `/api/groups/reading-room/following?actor=${encodeURIComponent(originGroup)}`);
    expect(again.status).toBe(404);
  });
});
