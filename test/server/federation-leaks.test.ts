/**
 * The leak matrix of federation (docs/federation.md §4): nothing a visitor could not read ever
 * leaves. One Daf server with federation on, and one Fedify peer on loopback following every
 * group while each was public and federated, so that each group has a follower to leak to. Then
 * the groups take their places on the axes — public or private, federated or not — and posts are
 * written through the HTTP API in every combination of
 *
 *   group (public/private × federated or not) × layer visibility (public, group, private) ×
 *   layer federation (off, publish, publish+replies) × post status (active, pending, hidden,
 *   deleted) × post kind (a gloss on the text, a gloss on a gloss, a reply),
 *
 * less what cannot be (a notebook — a group's private layer — is not pre-moderated, so nothing in
 * it is pending), plus a public read-first layer of the public federated group, and, in every
 * public layer that publishes (elsewhere they could not leave even under a published gloss),
 * posts under what stopped being readable: a reply and a gloss under a hidden gloss,
 * under a tombstone, and under a gloss made pending again by its author's edit, and an answer to a
 * deleted reply. Which posts may leave is worked out here from the axes, by hand, not by asking
 * `federablePost`. The peer must have received a Create for exactly those; no delivery may name
 * any other post or carry its words; the Note door and the group's outbox serve exactly those;
 * when a publishing layer is closed to its group, each of its posts is deleted where it went; and
 * so is a published post deleted, hidden or made pending, or one under a gloss that is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Follow } from '@fedify/fedify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { FediPeer, freePort, type Delivery } from '../helpers/fedi-peer.ts';

const as2 = 'application/activity+json';
const textSlug = 'leaks';

// ---------------------------------------------------------------------------------------------
// The axes.
// ---------------------------------------------------------------------------------------------

type GroupKey = 'pubFed' | 'pubUnfed' | 'privFed' | 'privUnfed';
const groups: Record<GroupKey, { slug: string; visibility: 'public' | 'private'; federated: boolean }> = {
  pubFed: { slug: 'lk-pub-fed', visibility: 'public', federated: true },
  pubUnfed: { slug: 'lk-pub-unfed', visibility: 'public', federated: false },
  // The API keeps a federated group from closing (docs/federation.md §1): set in the row below.
  privFed: { slug: 'lk-priv-fed', visibility: 'private', federated: true },
  privUnfed: { slug: 'lk-priv-unfed', visibility: 'private', federated: false },
};
const groupKeys = Object.keys(groups) as GroupKey[];
const layerVisibilities = ['public', 'group', 'private'] as const;
const federations = ['off', 'publish', 'publish+replies'] as const;
const statuses = ['active', 'pending', 'hidden', 'deleted'] as const;
const shapes = ['gloss on text', 'gloss on gloss', 'reply'] as const;
type Status = (typeof statuses)[number];

interface LayerDef {
  slug: string;
  group: GroupKey;
  visibility: (typeof layerVisibilities)[number];
  federation: (typeof federations)[number];
  readFirst: boolean;
}
const layers: LayerDef[] = [];
for (const group of groupKeys) {
  for (const visibility of layerVisibilities) {
    for (const federation of federations) {
      layers.push({ slug: `${groups[group].slug}-${visibility}-${federation.replace('+', '-')}`, group, visibility, federation, readFirst: false });
    }
  }
}
// A public layer a visitor reads without its glosses: read-first shows them only to those who wrote there.
layers.push({ slug: 'lk-pub-fed-read-first', group: 'pubFed', visibility: 'public', federation: 'publish+replies', readFirst: true });

/** What a post hangs under, for a gloss on a gloss or a reply: a published gloss, or one hidden, deleted (a tombstone) or pending again. */
type Under = 'published' | 'hidden' | 'tombstone' | 'pending again';

interface Post {
  /** Where it is and what it is, for the messages. */
  name: string;
  kind: 'gloss' | 'reply';
  id: number;
  marker: string;
  layer: LayerDef;
  /** Its status at the end, as the matrix means it to be (checked against the rows). */
  status: Status;
  /** What it comments on or answers; null for a gloss on the text. */
  under: Under | null;
  /** A deleted post with nothing under it is gone; one with answers stays as a tombstone. */
  gone?: boolean;
  /** A reply answering a reply that was deleted (a tombstone). */
  answersTombstone?: boolean;
}

/**
 * May the post leave, worked out by hand from the axes: a visitor reads it (a public layer that
 * is not read-first, the post published, and what it hangs under still shown: a published gloss,
 * or a tombstone, whose place everyone sees — access-matrix.test.ts, rOnDeleted and rChild), and
 * its layer publishes in a public, federated group.
 */
function mayLeave(p: Post): boolean {
  const group = groups[p.layer.group];
  const visitorReads = p.layer.visibility === 'public' && !p.layer.readFirst && p.status === 'active' && (p.under === null || p.under === 'published' || p.under === 'tombstone');
  return visitorReads && group.visibility === 'public' && group.federated && p.layer.federation !== 'off';
}

/** A word no other post's body holds, and that holds no other's: fixed width between fences. */
const markerOf = (n: number) => `zq${String(n).padStart(4, '0')}qz`;

describe(`federation's leak matrix on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let peer: FediPeer;
  let base: string;
  let olive: Client;
  let penny: Client;
  const posts: Post[] = [];
  /** The deliveries the peer had when the matrix was published (before the layers are closed). */
  let published: Delivery[] = [];
  let counter = 0;

  const noteUrl = (p: Pick<Post, 'kind' | 'id'>) => `${base}/ap/notes/${p.kind === 'gloss' ? 'g' : 'r'}${p.id}`;
  const groupActor = (key: GroupKey) => `${base}/ap/actors/group.${groups[key].slug}`;
  /**
   * Lets the publisher read the whole log and waits for Fedify's queue to empty, as
   * `settleFederation` does, but as long as a thousand posts take on a busy machine: a pass may
   * also stop at a gap in event ids (a transaction still open on PostgreSQL), so it passes again
   * until the publisher's cursor is at the log's end.
   */
  async function settle() {
    const db = daf.database.db;
    for (let i = 0; ; i++) {
      await daf.publisher!.pass();
      const last = await db.selectFrom('event').select((eb) => eb.fn.max<number | null>('id').as('id')).executeTakeFirstOrThrow();
      const cursor = await db.selectFrom('fed_cursor').select('last_event_id').where('name', '=', 'publisher').executeTakeFirst();
      const queued = await db.selectFrom('fed_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(cursor?.last_event_id ?? -1) >= Number(last.id ?? 0) && Number(queued.n) === 0) return;
      if (i === 1200) throw new Error('the publisher did not reach the end of the log, or the federation queue did not empty');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Keeps the publisher from reading the log while the matrix is written, as another process
   * holding its cursor would (docs/federation.md §5), so that it sees only where each post ends:
   * a post published for a moment before it was hidden is rightly created and then deleted
   * elsewhere, and "no delivery names it" would not hold of it.
   */
  async function holdPublisher() {
    await settle();
    const held = await daf.database.db
      .updateTable('fed_cursor')
      .set({ holder: 'federation-leaks.test', leased_until: Date.now() + 60 * 60 * 1000 })
      .where('name', '=', 'publisher')
      .executeTakeFirst();
    expect(Number(held.numUpdatedRows)).toBe(1);
  }
  async function releasePublisher() {
    await daf.database.db.updateTable('fed_cursor').set({ holder: null, leased_until: 0 }).where('name', '=', 'publisher').execute();
  }

  // --- writing, through the HTTP API ---

  function record(p: Omit<Post, 'name'>, what: string): Post {
    const post = { ...p, name: `${p.layer.slug}: ${what}` };
    posts.push(post);
    return post;
  }
  const bodyOf = (marker: string) => ({ markdown: `${marker} has quotable words.` });

  /** A gloss on the text, or on gloss `on`, by `who`; it must come back with `status`. */
  async function gloss(layer: LayerDef, who: Client, on: Post | null, status: 'active' | 'pending'): Promise<{ id: number; marker: string }> {
    const marker = markerOf(++counter);
    const target = on === null ? { exact: 'opened the book' } : { gloss: on.id, exact: 'quotable words' };
    const made = await ok(who.request('POST', `/api/texts/${textSlug}/layers/${layer.slug}/glosses`, { target, body: bodyOf(marker) }));
    expect(made.status, `a gloss in ${layer.slug}`).toBe(status);
    return { id: made.id, marker };
  }
  async function reply(layer: LayerDef, who: Client, to: Post, status: 'active' | 'pending', parent?: Post): Promise<{ id: number; marker: string }> {
    const marker = markerOf(++counter);
    const made = await ok(who.request('POST', `/api/glosses/${to.id}/replies`, { body: bodyOf(marker), ...(parent ? { parent: parent.id } : {}) }));
    expect(made.status, `a reply in ${layer.slug}`).toBe(status);
    return { id: made.id, marker };
  }
  const route = (p: Post) => `/api/${p.kind === 'gloss' ? 'glosses' : 'replies'}/${p.id}`;
  const hide = (p: Post) => ok(olive.request('POST', `${route(p)}/hide`, { reason: 'Matrix' }), 200);
  const remove = async (p: Post, tombstone: boolean) => expect(await ok(olive.request('DELETE', route(p)), 200)).toEqual({ tombstone });

  /** Every status of every kind of post in `layer`, under one published gloss. */
  async function writeMatrix(layer: LayerDef) {
    const parent = record({ kind: 'gloss', ...(await gloss(layer, olive, null, 'active')), layer, status: 'active', under: null }, 'the published gloss others hang under');
    for (const shape of shapes) {
      for (const status of statuses) {
        // A notebook is not pre-moderated (services/moderation.ts, initialStatus): nothing in it is pending.
        if (status === 'pending' && layer.visibility === 'private') continue;
        const who = status === 'pending' ? penny : olive;
        const first = status === 'pending' ? 'pending' : 'active';
        const made =
          shape === 'gloss on text' ? await gloss(layer, who, null, first) : shape === 'gloss on gloss' ? await gloss(layer, who, parent, first) : await reply(layer, who, parent, first);
        const post = record(
          { kind: shape === 'reply' ? 'reply' : 'gloss', ...made, layer, status, under: shape === 'gloss on text' ? null : 'published', gone: status === 'deleted' },
          `${shape}, ${status}`,
        );
        if (status === 'hidden') await hide(post);
        if (status === 'deleted') await remove(post, false);
      }
    }
  }

  /** In a public layer: posts under what stopped being readable after they were written. */
  async function writeUnder(layer: LayerDef) {
    // A reply and a gloss on a gloss that is then hidden: the gloss on it is hidden with it.
    const hidden = record({ kind: 'gloss', ...(await gloss(layer, olive, null, 'active')), layer, status: 'hidden', under: null }, 'a hidden gloss with posts under it');
    record({ kind: 'reply', ...(await reply(layer, olive, hidden, 'active')), layer, status: 'active', under: 'hidden' }, 'a reply under a hidden gloss');
    record({ kind: 'gloss', ...(await gloss(layer, olive, hidden, 'active')), layer, status: 'hidden', under: 'hidden' }, 'a gloss on a hidden gloss');
    await hide(hidden);
    // A reply and a gloss on a gloss that is then deleted: it stays as a tombstone, they stay readable.
    const deleted = record({ kind: 'gloss', ...(await gloss(layer, olive, null, 'active')), layer, status: 'deleted', under: null }, 'a tombstone with posts under it');
    record({ kind: 'reply', ...(await reply(layer, olive, deleted, 'active')), layer, status: 'active', under: 'tombstone' }, 'a reply under a tombstone');
    record({ kind: 'gloss', ...(await gloss(layer, olive, deleted, 'active')), layer, status: 'active', under: 'tombstone' }, 'a gloss on a tombstone');
    await remove(deleted, true);
    // An answer to a reply that is then deleted.
    const root = posts.find((p) => p.layer === layer && p.under === null && p.status === 'active' && p.kind === 'gloss')!;
    const answered = record({ kind: 'reply', ...(await reply(layer, olive, root, 'active')), layer, status: 'deleted', under: 'published' }, 'a deleted reply with an answer');
    record({ kind: 'reply', ...(await reply(layer, olive, root, 'active', answered)), layer, status: 'active', under: 'published', answersTombstone: true }, 'an answer to a deleted reply');
    await remove(answered, true);
    // A gloss approved, answered, then edited by its author, who is not trusted: pending again,
    // and the gloss on it held with it (services/moderation.ts, statusAfterEdit).
    const again = record({ kind: 'gloss', ...(await gloss(layer, penny, null, 'pending')), layer, status: 'pending', under: null }, 'a gloss pending again after an edit');
    await ok(olive.request('POST', `/api/glosses/${again.id}/approve`, {}), 200);
    record({ kind: 'reply', ...(await reply(layer, olive, again, 'active')), layer, status: 'active', under: 'pending again' }, 'a reply under a gloss pending again');
    record({ kind: 'gloss', ...(await gloss(layer, olive, again, 'active')), layer, status: 'hidden', under: 'pending again' }, 'a gloss on a gloss pending again');
    const edited = await ok(penny.request('PATCH', `/api/glosses/${again.id}`, { body: { markdown: `${again.marker} has quotable words, edited.` } }), 200);
    expect(edited.status).toBe('pending');
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-federation-leaks-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Two people write about a thousand posts and moderations: the write limit is lifted, as test apps' is.
    const limits = { writesPerMinute: 1e9 };
    daf = await startServer({ dbPath: made.location, port, demo: false, baseUrl: base, limits, federation: { allowPrivateAddress: true } });
    peer = await FediPeer.start();

    olive = new Client(daf.url);
    penny = new Client(daf.url);
    await ok(olive.request('POST', '/api/auth/signup', { handle: 'olive', password: 'correct horse battery' }));
    await ok(penny.request('POST', '/api/auth/signup', { handle: 'penny', password: 'correct horse battery' }));
    await ok(olive.request('POST', '/api/texts', { title: 'Leaks', slug: textSlug, language: 'en', format: 'markdown', content: 'Once upon a time someone opened the book and read it.' }));
    // Every group pre-moderates, and penny, a plain member, is never trusted: her posts wait.
    for (const key of groupKeys) {
      await ok(olive.request('POST', '/api/groups', { slug: groups[key].slug, name: `Group ${key}`, visibility: 'public', joinPolicy: 'open', premoderation: true, trustAfter: 1000 }));
      await ok(penny.request('POST', `/api/groups/${groups[key].slug}/join`), 200);
    }
    for (const layer of layers) {
      await ok(
        olive.request('POST', `/api/texts/${textSlug}/layers`, { name: layer.slug, slug: layer.slug, visibility: layer.visibility, group: groups[layer.group].slug, readFirst: layer.readFirst }),
      );
    }
    // The two opt-ins (docs/federation.md §1), through the API.
    for (const layer of layers) await ok(olive.request('PATCH', `/api/texts/${textSlug}/layers/${layer.slug}`, { federation: layer.federation }), 200);
    // Each group is followed while it is public and federated, so each has a follower to leak to.
    for (const key of groupKeys) await ok(olive.request('PATCH', `/api/groups/${groups[key].slug}`, { federated: true }), 200);
    await Promise.all(groupKeys.map((key) => peer.follow(groupActor(key))));
    for (const key of groupKeys) await peer.waitFor((d) => d.type === 'Accept' && d.actor === groupActor(key));
    // Then each group takes its place on the axes. A federated group may not be made private
    // (409); the row is set so directly, the state the publisher must refuse however it arises.
    await ok(olive.request('PATCH', `/api/groups/${groups.pubUnfed.slug}`, { federated: false }), 200);
    await ok(olive.request('PATCH', `/api/groups/${groups.privUnfed.slug}`, { federated: false, visibility: 'private' }), 200);
    await ok(olive.request('PATCH', `/api/groups/${groups.privFed.slug}`, { visibility: 'private' }), 409);
    const db = daf.database.db;
    await db.updateTable('reading_group').set({ visibility: 'private' }).where('slug', '=', groups.privFed.slug).execute();
    for (const key of groupKeys) {
      const row = await db.selectFrom('reading_group').select(['visibility', 'federated']).where('slug', '=', groups[key].slug).executeTakeFirstOrThrow();
      expect(row, key).toEqual({ visibility: groups[key].visibility, federated: groups[key].federated ? 1 : 0 });
    }

    await holdPublisher();
    const parallel = 4;
    for (let i = 0; i < layers.length; i += parallel) {
      await Promise.all(
        layers.slice(i, i + parallel).map(async (layer) => {
          await writeMatrix(layer);
          if (layer.visibility === 'public' && layer.federation !== 'off') await writeUnder(layer);
        }),
      );
    }
    await releasePublisher();
    await settle();
    published = [...peer.deliveries];
    // About a thousand writes: 10 to 40 s, more on a very busy machine than hooks are given by default.
  }, 300_000);

  afterAll(async () => {
    await peer?.close();
    await daf?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the world the matrix describes: every post in the status it is meant to have', async () => {
    const db = daf.database.db;
    const rows = new Map<string, string>();
    for (const g of await db.selectFrom('gloss').select(['id', 'status']).execute()) rows.set(`gloss:${g.id}`, g.status);
    for (const r of await db.selectFrom('reply').select(['id', 'status']).execute()) rows.set(`reply:${r.id}`, r.status);
    const wrong = posts
      .map((p) => ({ p, now: rows.get(`${p.kind}:${p.id}`) ?? 'gone' }))
      .filter(({ p, now }) => now !== (p.gone ? 'gone' : p.status))
      .map(({ p, now }) => `${p.name}: ${now}, meant ${p.gone ? 'gone' : p.status}`);
    expect(wrong).toEqual([]);
    expect(rows.size).toBe(posts.filter((p) => !p.gone).length);
    // Every value of every axis is there.
    for (const key of groupKeys) expect(posts.some((p) => p.layer.group === key)).toBe(true);
    for (const v of layerVisibilities) expect(posts.some((p) => p.layer.visibility === v)).toBe(true);
    for (const f of federations) expect(posts.some((p) => p.layer.federation === f)).toBe(true);
    for (const s of statuses) expect(posts.some((p) => p.status === s)).toBe(true);
    expect(posts.filter(mayLeave).length).toBeGreaterThan(0);
  });

  it('refuses a follow of a group that is not public and federated: no actor, no inbox, and no Accept', async () => {
    const before = peer.deliveries.filter((d) => d.type === 'Accept').length;
    for (const key of groupKeys.filter((k) => k !== 'pubFed')) {
      // The peer may still hold the actor's document from its first follow; its inbox is gone too.
      await expect(peer.follow(groupActor(key))).rejects.toThrow(/No actor|404 Not Found/);
      expect((await fetch(groupActor(key), { headers: { accept: as2 } })).status).toBe(404);
      // A Follow sent to the shared inbox anyway is taken (202) and answered with nothing.
      await peer.send(`${base}/ap/inbox`, new Follow({ id: new URL(`${peer.alice.href}#again/${groups[key].slug}`), actor: peer.alice, object: new URL(groupActor(key)) }));
    }
    await settle();
    expect(peer.deliveries.filter((d) => d.type === 'Accept').length).toBe(before);
    // The followers are the four of the first follows, one of each group, and no other.
    const followers = await daf.database.db.selectFrom('fed_follower').select('follow_uri').execute();
    expect(followers.map((f) => f.follow_uri).sort()).toEqual(groupKeys.map((key) => `${peer.alice.href}#follows/${encodeURIComponent(groupActor(key))}`).sort());
  });

  it('delivers a Create for exactly the posts that may leave', () => {
    const created = new Set(published.filter((d) => d.type === 'Create').map((d) => String(d.json.object?.id)));
    const expected = posts.filter(mayLeave).map(noteUrl);
    expect([...created].sort()).toEqual([...expected].sort());
    // Each from its author (olive), announced by its group, the one public federated group.
    for (const d of published.filter((x) => x.type === 'Create')) expect(d.actor).toBe(`${base}/ap/actors/user.olive`);
    for (const d of published.filter((x) => x.type === 'Announce')) expect(d.actor).toBe(groupActor('pubFed'));
    expect(new Set(published.map((d) => d.type))).toEqual(new Set(['Accept', 'Create', 'Announce']));
  });

  /**
   * What `deliveries` say of posts they may not: the words of any post `may` refuses, and every
   * Note they name (in ids, objects, inReplyTo, or escaped inside an activity's id) that `may`
   * refuses — but a tombstone's, as what a post that may leave answers: a tombstone's place is
   * everyone's to see.
   */
  function strangers(deliveries: Delivery[], may: (p: Post) => boolean): string[] {
    const problems: string[] = [];
    const others = posts.filter((p) => !may(p));
    const byNote = new Map(posts.map((p) => [`${p.kind === 'gloss' ? 'g' : 'r'}${p.id}`, p]));
    for (const d of deliveries) {
      const json = JSON.stringify(d.json);
      for (const p of others) if (json.includes(p.marker)) problems.push(`${d.type} ${d.id} carries the words of ${p.name}`);
      walk(d.json, null, (key, value) => {
        let text = value;
        try {
          text = decodeURIComponent(value);
        } catch {
          /* not escaped */
        }
        for (const m of text.matchAll(/\/ap\/notes\/([gr][0-9]+)(?![0-9])/g)) {
          const p = byNote.get(m[1]);
          if (p === undefined) problems.push(`${d.type} ${d.id} names ${m[1]}, no post of the matrix`);
          else if (!may(p) && !(key === 'inReplyTo' && p.status === 'deleted' && !p.gone)) problems.push(`${d.type} ${d.id} names ${p.name} (at ${key})`);
        }
      });
    }
    return problems;
  }

  it('names no other post in any delivery, and carries none of its words', () => {
    expect(published.filter((d) => d.type !== 'Accept').length).toBeGreaterThan(0);
    expect(strangers(published, mayLeave)).toEqual([]);
  });

  it('serves the Note of exactly the posts that may leave; 404 for any other, to servers and browsers alike', async () => {
    const problems: string[] = [];
    for (let i = 0; i < posts.length; i += 8) {
      await Promise.all(
        posts.slice(i, i + 8).map(async (p) => {
          const server = await fetch(noteUrl(p), { headers: { accept: as2 } });
          const json = (await server.json()) as Record<string, unknown>;
          const browser = await fetch(noteUrl(p), { headers: { accept: 'text/html' }, redirect: 'manual' });
          await browser.body?.cancel();
          const expected = mayLeave(p) ? [200, 303] : [404, 404];
          if (server.status !== expected[0] || browser.status !== expected[1]) problems.push(`${p.name}: ${server.status} and ${browser.status}, expected ${expected.join(' and ')}`);
          if (server.status === 200 && json.id !== noteUrl(p)) problems.push(`${p.name}: the Note is ${String(json.id)}`);
        }),
      );
    }
    expect(problems).toEqual([]);
  });

  it("lists in the group's outbox exactly the posts that may leave; the other groups have no actor, outbox page or followers", async () => {
    const listed: string[] = [];
    const outbox = (await (await fetch(`${groupActor('pubFed')}/outbox`, { headers: { accept: as2 } })).json()) as Record<string, any>;
    expect(outbox.totalItems).toBe(posts.filter(mayLeave).length);
    for (let page: string | undefined = outbox.first; page !== undefined; ) {
      const res = await fetch(page, { headers: { accept: as2 } });
      expect(res.status).toBe(200);
      const json = (await res.json()) as Record<string, any>;
      for (const item of json.orderedItems ?? []) listed.push(String(item.object?.id));
      expect(strangers([{ type: 'OrderedCollectionPage', id: page, actor: null, json }], mayLeave)).toEqual([]);
      page = json.next;
    }
    expect(listed.sort()).toEqual(posts.filter(mayLeave).map(noteUrl).sort());
    for (const key of groupKeys.filter((k) => k !== 'pubFed')) {
      for (const door of ['', '/outbox', '/outbox?cursor=', '/followers']) {
        expect((await fetch(`${groupActor(key)}${door}`, { headers: { accept: as2 } })).status, `${key}${door}`).toBe(404);
      }
    }
  });

  it('deletes where it went every post of a publishing layer closed to its group', async () => {
    const open = layers.filter((l) => l.group === 'pubFed' && l.visibility === 'public' && !l.readFirst && l.federation !== 'off');
    expect(open.length).toBe(2);
    const from = posts.filter((p) => mayLeave(p) && open.includes(p.layer));
    expect(from.length).toBe(posts.filter(mayLeave).length);
    const before = peer.deliveries.length;
    for (const layer of open) await ok(olive.request('PATCH', `/api/texts/${textSlug}/layers/${layer.slug}`, { visibility: 'group' }), 200);
    await settle();
    const after = peer.deliveries.slice(before);
    const deleted = new Set(after.filter((d) => d.type === 'Delete').map((d) => String(d.json.object?.id)));
    expect([...deleted].sort()).toEqual(from.map(noteUrl).sort());
    expect(new Set(after.map((d) => d.type))).toEqual(new Set(['Delete', 'Announce']));
    expect(strangers(after, (p) => from.includes(p))).toEqual([]);
    for (const p of from) expect((await fetch(noteUrl(p), { headers: { accept: as2 } })).status, p.name).toBe(404);
  });


  it('deletes where it went a published post deleted, hidden or made pending, and what hangs under it; publishes it again, under a new id, when it is restored', async () => {
    const layer: LayerDef = { slug: 'lk-pub-fed-later', group: 'pubFed', visibility: 'public', federation: 'publish+replies', readFirst: false };
    await ok(olive.request('POST', `/api/texts/${textSlug}/layers`, { name: layer.slug, slug: layer.slug, visibility: 'public', group: groups.pubFed.slug }));
    await ok(olive.request('PATCH', `/api/texts/${textSlug}/layers/${layer.slug}`, { federation: layer.federation }), 200);
    const post = (kind: 'gloss' | 'reply', made: { id: number; marker: string }, name: string): Post => ({ kind, ...made, layer, status: 'active', under: null, name });
    const hidden = post('gloss', await gloss(layer, olive, null, 'active'), 'a gloss then hidden');
    const underHidden = post('reply', await reply(layer, olive, hidden, 'active'), 'a reply under the hidden gloss');
    const onHidden = post('gloss', await gloss(layer, olive, hidden, 'active'), 'a gloss on the hidden gloss, hidden with it');
    const deleted = post('gloss', await gloss(layer, olive, null, 'active'), 'a gloss then deleted');
    const deletedReply = post('reply', await reply(layer, olive, deleted, 'active'), 'a reply then deleted');
    const tombstone = post('gloss', await gloss(layer, olive, null, 'active'), 'a gloss then deleted, a tombstone');
    const underTombstone = post('reply', await reply(layer, olive, tombstone, 'active'), 'a reply under the tombstone');
    const again = post('gloss', await gloss(layer, penny, null, 'pending'), 'a gloss made pending again by an edit');
    await ok(olive.request('POST', `/api/glosses/${again.id}/approve`, {}), 200);
    const underAgain = post('reply', await reply(layer, olive, again, 'active'), 'a reply under the gloss pending again');
    const gone = [hidden, underHidden, onHidden, deleted, deletedReply, tombstone, again, underAgain];
    await settle();
    for (const p of [...gone, underTombstone]) await peer.waitFor((d) => d.type === 'Create' && d.json.object?.id === noteUrl(p));
    const before = peer.deliveries.length;
    await remove(deletedReply, false);
    await remove(deleted, false);
    await remove(tombstone, true);
    await hide(hidden);
    await ok(penny.request('PATCH', `/api/glosses/${again.id}`, { body: { markdown: `${again.marker} has quotable words, edited.` } }), 200);
    await settle();
    const deletes = peer.deliveries.slice(before).filter((d) => d.type === 'Delete');
    expect([...new Set(deletes.map((d) => String(d.json.object?.id)))].sort()).toEqual(gone.map(noteUrl).sort());
    // Restored, the hidden gloss and what was hidden with it go out again, each under its second id.
    const restored = peer.deliveries.length;
    await ok(olive.request('POST', `/api/glosses/${hidden.id}/restore`, {}), 200);
    await settle();
    const creates = peer.deliveries.slice(restored).filter((d) => d.type === 'Create');
    expect(creates.map((d) => String(d.json.object?.id)).sort()).toEqual([hidden, underHidden, onHidden].map((p) => `${noteUrl(p)}.2`).sort());
  });
});

/** Calls `visit(key, value)` for every string in `json`, with the key it is under (null at the top or in an array at the top). */
function walk(json: unknown, key: string | null, visit: (key: string | null, value: string) => void): void {
  if (typeof json === 'string') visit(key, json);
  else if (Array.isArray(json)) for (const item of json) walk(item, key, visit);
  else if (json !== null && typeof json === 'object') for (const [k, v] of Object.entries(json)) walk(v, k, visit);
}
