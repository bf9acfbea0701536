/**
 * Real payloads from Mastodon, Lemmy and Mitra (fixtures/federation/, whose README says where
 * each comes from and what was changed), replayed into a Daf server's inboxes over real HTTP,
 * each signed with its actor's key and checked by Daf. The servers elsewhere are played offline
 * (test/helpers/replay.ts): their documents come from the files, and a fetch of anything else
 * fails. Each payload is pointed at this server's posts and group (its `inReplyTo`, its
 * `object`) as it is sent, and delivered where its server would deliver it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { tableRows, tableRowsDiff } from '../helpers/db-snapshot.ts';
import { settleFederation } from '../helpers/fed-queue.ts';
import { freePort } from '../helpers/fedi-peer.ts';
import { federatedCircle } from '../helpers/federated-circle.ts';
import { Elsewhere, recorded } from '../helpers/replay.ts';
import { answered as ok, Client } from '../helpers/sse-client.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';

const felix = 'https://mastodon.madrid/users/felix';
const picard = 'https://enterprise.lemmy.ml/u/picard';

describe(`real payloads from elsewhere, replayed on ${testDialect}`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let daf: RunningServer;
  let ada: Client;
  let base: string;
  let groupActor: string;
  let errors: MockInstance;
  const elsewhere = new Elsewhere();
  let restoreFetch: () => void;
  /** What the server logged (an inbox listener that threw logs here). */
  const logs: string[] = [];

  const inboxes = {
    shared: () => `${base}/ap/inbox`,
    group: () => `${groupActor}/inbox`,
    ada: () => `${base}/ap/actors/user.ada/inbox`,
  };
  const note = (gloss: number) => `${base}/ap/notes/g${gloss}`;

  const settle = () => settleFederation(daf, () => `; the server logged: ${logs.join(' | ') || 'nothing'}`);

  /** Sends a recorded activity from its server to `inbox`, and waits until Daf has handled it. */
  async function replay(inbox: string, activity: Record<string, any>) {
    const res = await elsewhere.deliver(inbox, activity);
    expect(res.status, await res.clone().text()).toBe(202);
    await settle();
  }

  async function gloss(words: string): Promise<number> {
    const made = await ok(ada.request('POST', '/api/texts/light/layers/notes/glosses', { target: { exact: 'Let there be light' }, body: { markdown: words } }));
    await settle();
    return (made as { id: number }).id;
  }

  /** Gloss `id`'s thread as a visitor sees it. */
  async function thread(id: number) {
    const res = await new Client(daf.url).request('GET', `/api/glosses/${id}`);
    return (res.body as { replies: { status: string; author: { handle: string; name: string } | null; body: { text: string } | null }[] }).replies;
  }

  async function remoteReplies(gloss: number) {
    return daf.database.db.selectFrom('reply').select(['remote_uri', 'remote_audience', 'status']).where('gloss_id', '=', gloss).orderBy('id').execute();
  }

  /**
   * Every table but Fedify's store and the publisher's cursor (renewed every pass, whatever
   * comes in), and apart the keys of Fedify's store.
   */
  async function snapshot() {
    const rows = await tableRows(daf.database);
    rows.delete('fed_kv');
    rows.delete('fed_cursor');
    const kv = await daf.database.db.selectFrom('fed_kv').select('key').execute();
    return { rows, kv: new Set(kv.map((r) => r.key)) };
  }

  /**
   * What changed since `before`: rows, and keys of Fedify's store other than what it keeps of
   * any activity (that it was handled, the sender's public key).
   */
  async function changesSince(before: Awaited<ReturnType<typeof snapshot>>) {
    const after = await snapshot();
    const keys = [...after.kv].filter((k) => !before.kv.has(k) && !k.startsWith('["_fedify","activityIdempotence"') && !k.startsWith('["_fedify","publicKey"'));
    return [...tableRowsDiff(before.rows, after.rows), ...keys.map((k) => `fed_kv: new key ${k}`)];
  }

  beforeAll(async () => {
    restoreFetch = elsewhere.intercept();
    errors = vi.spyOn(console, 'error');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-replay-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    groupActor = `${base}/ap/actors/group.circle`;
    daf = await startServer({
      dbPath: made.location,
      port,
      demo: false,
      baseUrl: base,
      // Private addresses allowed: Fedify's own signed fetches skip their DNS check (there is no
      // DNS here) and reach the stand-in fetch, which answers from the same files.
      federation: { allowPrivateAddress: true, documentLoaderFactory: elsewhere.loader, contextLoaderFactory: elsewhere.loader },
    });
    daf.context.log = (line) => logs.push(line);
    ada = new Client(daf.url);
    await federatedCircle(ada, 'publish+replies');
  });

  afterEach(() => {
    // No inbox listener threw.
    expect(logs.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await daf?.close();
    restoreFetch?.();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(errors.mock.calls).toEqual([]);
    errors.mockRestore();
  });

  describe('Mastodon', () => {
    let replied: number;
    const createId = 'https://mastodon.madrid/users/felix/statuses/107224289116410645/activity';

    it("stores a Follow's follower and answers with an Accept signed by the group", async () => {
      const follow = recorded('https://mastodon.madrid/1ea87517-63c5-4118-8831-460ee641b2cf');
      follow.object = groupActor;
      await replay(inboxes.group(), follow);
      const followers = await daf.database.db.selectFrom('fed_follower').selectAll().execute();
      expect(followers).toMatchObject([{ actor_uri: felix, inbox_uri: `${felix}/inbox`, shared_inbox_uri: 'https://mastodon.madrid/inbox', follow_uri: follow.id }]);
      const accepts = elsewhere.deliveries.filter((d) => d.json.type === 'Accept');
      expect(accepts).toMatchObject([{ inbox: `${felix}/inbox`, keyId: `${groupActor}#main-key`, json: { actor: groupActor, object: { id: follow.id, type: 'Follow', actor: felix, object: groupActor } } }]);
    });

    it('takes a reply (create_note) to a published gloss into its thread, by felix@mastodon.madrid, unlisted as Mastodon addressed it', async () => {
      replied = await gloss('Provide yourself a teacher.');
      const create = recorded(createId);
      create.object.inReplyTo = note(replied);
      await replay(inboxes.shared(), create);
      expect(await thread(replied)).toMatchObject([
        {
          status: 'active',
          // The actor's name is empty: the handle is shown.
          author: { handle: 'felix@mastodon.madrid', name: 'felix@mastodon.madrid' },
          body: { text: '@retiolus i have never been disappointed by a thinkpad. if you want to save money, get a model from a few years ago, there isnt a huge difference anyway.' },
        },
      ]);
      // Public only in `cc`: unlisted, which a thread shows.
      expect(await remoteReplies(replied)).toEqual([{ remote_uri: create.object.id, remote_audience: 'unlisted', status: 'active' }]);
    });

    it('stores the same activity delivered twice once, again later or twice at once', async () => {
      const create = recorded(createId);
      create.object.inReplyTo = note(replied);
      await replay(inboxes.shared(), create);
      const twice = await Promise.all([elsewhere.deliver(inboxes.shared(), create), elsewhere.deliver(inboxes.group(), create)]);
      expect(twice.map((r) => r.status)).toEqual([202, 202]);
      await settle();
      expect(await remoteReplies(replied)).toHaveLength(1);
    });

    it("follows its author's Delete of that Note (a Tombstone, with a Linked Data signature that no longer verifies): the reply goes", async () => {
      const del = recorded('https://mastodon.madrid/users/felix/statuses/107224289116410645#delete');
      expect(del.signature.type).toBe('RsaSignature2017');
      await replay(inboxes.shared(), del);
      expect(await thread(replied)).toEqual([]);
      // Answered by nobody, it leaves no tombstone.
      expect(await remoteReplies(replied)).toEqual([]);
    });

    it('takes back nothing deleted here: the same Note delivered again under another activity id (a retry, a relay) stays out', async () => {
      const again = await gloss('Judge everyone favourably.');
      const create = recorded(createId);
      create.object.inReplyTo = note(again);
      // Another Note of felix's (the one above was deleted there), first delivered here.
      create.object.id = `${create.object.id}1`;
      create.id = `${create.object.id}/activity`;
      await replay(inboxes.shared(), create);
      const [reply] = await thread(again);
      expect(reply).toMatchObject({ status: 'active', author: { handle: 'felix@mastodon.madrid' } });
      const [row] = await daf.database.db.selectFrom('reply').select('id').where('gloss_id', '=', again).execute();
      // A moderator here (the group's owner) deletes it: answered by nobody, its row goes.
      await ok(ada.request('DELETE', `/api/replies/${row.id}`), 200);
      expect(await remoteReplies(again)).toEqual([]);
      create.id = `${create.object.id}/activity#again`;
      await replay(inboxes.shared(), create);
      expect(await thread(again)).toEqual([]);
      expect(await remoteReplies(again)).toEqual([]);
    });

    it('flags each post a Flag from the instance actor names into the moderation queue, passing over the account it names', async () => {
      const [one, two] = [await gloss('First of two.'), await gloss('Second of two.')];
      const flag = recorded('https://activitypub.academy/ccb4f39a-506a-490e-9a8c-71831c7713a4');
      flag.object = [`${base}/ap/actors/user.ada`, note(one), note(two)];
      flag.to = `${base}/ap/actors/user.ada`;
      await replay(inboxes.ada(), flag);
      const queue = await ok(ada.request('GET', '/api/groups/circle/moderation'), 200);
      const reason = 'Please take a look at this user and their posts';
      expect((queue as { flags: unknown[] }).flags).toMatchObject([
        { kind: 'gloss', item: one, reason, flagger: 'mastodon.internal@activitypub.academy' },
        { kind: 'gloss', item: two, reason, flagger: 'mastodon.internal@activitypub.academy' },
      ]);
    });

    it('answers a Like 202 and changes nothing', async () => {
      const liked = await gloss('Liked, and nothing more.');
      // Ada's keys, which her inbox fetches with, are made the first time they are asked for.
      expect((await fetch(`${base}/ap/actors/user.ada`, { headers: { accept: 'application/activity+json' } })).status).toBe(200);
      const before = await snapshot();
      const like = recorded('https://mastodon.madrid/users/felix#likes/212340');
      like.object = note(liked);
      await replay(inboxes.ada(), like);
      expect(await changesSince(before)).toEqual([]);
    });

    it('forgets the follower on Undo of the Follow', async () => {
      const undo = recorded('https://mastodon.madrid/users/felix#follows/449/undo');
      undo.object.object = groupActor;
      await replay(inboxes.group(), undo);
      expect(await daf.database.db.selectFrom('fed_follower').selectAll().execute()).toEqual([]);
    });
  });

  describe('Lemmy', () => {
    it('takes a comment (create_comment) answering a published gloss as a reply by picard@enterprise.lemmy.ml, read from its Markdown', async () => {
      const answered = await gloss('What is a teacher?');
      const create = recorded('https://enterprise.lemmy.ml/activities/create/1e77d67c-44ac-45ed-bf2a-460e21f60236');
      create.object.inReplyTo = note(answered);
      await replay(inboxes.group(), create);
      expect(await thread(answered)).toMatchObject([{ status: 'active', author: { handle: 'picard@enterprise.lemmy.ml', name: 'Jean-Luc Picard' }, body: { text: 'hello' } }]);
      expect(await remoteReplies(answered)).toEqual([{ remote_uri: create.object.id, remote_audience: 'public', status: 'active' }]);
    });

    it("takes nothing from the community's Announce of a Create of a Page (a post there, answering nothing here)", async () => {
      const before = await snapshot();
      const announce = recorded('https://enterprise.lemmy.ml/activities/announce/8030b171-803a-4108-94b1-342688f375cf');
      expect(announce.object.object.type).toBe('Page');
      await replay(inboxes.shared(), announce);
      expect(await changesSince(before)).toEqual([]);
      // The Create inside was fetched from its origin, to be trusted, and so was read.
      expect(elsewhere.fetched.map((f) => f.url)).toContain(announce.object.id);
    });

    it("takes a reply from the community's Announce of a Create of a Note answering a published gloss", async () => {
      const answered = await gloss('And what is a friend?');
      const announce = recorded('https://enterprise.lemmy.ml/activities/announce/8030b171-803a-4108-94b1-342688f375cf-note');
      announce.object.object.inReplyTo = note(answered);
      await replay(inboxes.shared(), announce);
      expect(await thread(answered)).toMatchObject([{ status: 'active', author: { handle: 'picard@enterprise.lemmy.ml' }, body: { text: 'first comment!' } }]);
      expect(await remoteReplies(answered)).toEqual([{ remote_uri: 'https://enterprise.lemmy.ml/comment/38741', remote_audience: 'public', status: 'active' }]);
    });

    it('flags the post a report (report_page) names into the moderation queue', async () => {
      const reported = await gloss('Reported from a Lemmy community.');
      const report = recorded('https://enterprise.lemmy.ml/activities/flag/98b0933f-5e45-4a95-a15f-e0dc86361ba4');
      report.object = note(reported);
      report.to = [groupActor];
      await replay(inboxes.group(), report);
      const queue = (await ok(ada.request('GET', '/api/groups/circle/moderation'), 200)) as { flags: { item: number }[] };
      expect(queue.flags.filter((f) => f.item === reported)).toMatchObject([{ kind: 'gloss', item: reported, flagger: 'picard@enterprise.lemmy.ml' }]);
    });
  });

  describe('Mitra', () => {
    const createId = 'https://mitra.social/activities/create/019f57cf-693a-77f2-b006-c4c76338956a';

    it('reads the recorded Create (with its data-integrity proof, which cannot be checked here) and drops it: it answers nothing here', async () => {
      const before = await snapshot();
      const create = recorded(createId);
      expect(create.proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-jcs-2022' });
      await replay(inboxes.shared(), create);
      expect(await changesSince(before)).toEqual([]);
      expect(elsewhere.fetched.map((f) => f.url)).toContain('https://w3id.org/security/data-integrity/v2');
    });

    it('takes the Create, its proof stripped and its inReplyTo a published gloss, as a reply by test@mitra.social', async () => {
      const answered = await gloss('A post from Mitra answers this.');
      const create = recorded(`${createId}-reply`);
      expect(create.proof).toBeUndefined();
      create.object.inReplyTo = note(answered);
      await replay(inboxes.shared(), create);
      expect(await thread(answered)).toMatchObject([{ status: 'active', author: { handle: 'test@mitra.social' }, body: { text: 'Remote post 5' } }]);
      expect(await remoteReplies(answered)).toEqual([{ remote_uri: create.object.id, remote_audience: 'public', status: 'active' }]);
    });
  });

  it('asked for nothing the recorded servers do not hold, and delivered only to the inboxes their actors name', async () => {
    expect(elsewhere.missing).toEqual([]);
    expect(elsewhere.refused).toEqual([]);
    expect(new Set(elsewhere.deliveries.map((d) => d.inbox))).toEqual(new Set([`${felix}/inbox`, 'https://mastodon.madrid/inbox']));
    // Each actor was read from its recorded document (its key by the key's id, `…#main-key`).
    const read = new Set(elsewhere.fetched.map((f) => f.url.replace(/#.*/, '')));
    const actors = [felix, picard, 'https://enterprise.lemmy.ml/c/tenforward', 'https://activitypub.academy/actor', 'https://mitra.social/users/test'];
    expect(actors.filter((a) => !read.has(a))).toEqual([]);
  });
});
