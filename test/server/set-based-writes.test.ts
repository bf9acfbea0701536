/**
 * Writes that reach over a whole thread or a whole account are set-based: each step is one
 * statement however much it covers (storage/moderation.ts, storage/account-deletion.ts), not a
 * query per level or per row, and does what the step-by-step version did.
 *
 * - Hiding a gloss hides the published glosses that comment on it, at any depth, and restoring it
 *   restores them (services/moderation.ts): hiding the root of a 50-deep chain of
 *   comments-on-comments costs as many statements as hiding the root of a chain of two.
 * - Deleting an account (services/account-deletion.ts) keeps as a tombstone exactly the reply or
 *   gloss of theirs that someone else's answer hangs beneath, at any depth, deletes the rest with
 *   their own answers to themselves, and their empty notebooks and private texts: apart from the
 *   one removal event per post that live readers are told of, an account that wrote dozens of
 *   posts, notebooks and texts takes as many statements to delete as one that wrote one gloss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';

/**
 * Runs `request` and gives the SQL statements the database runs meanwhile (on either dialect),
 * leaving out those that `skip` matches, and always the write of a session's "last used", which
 * comes only when that has gone stale (at a minute's boundary).
 */
async function statementsOf(t: TestApp, request: () => Promise<TestResponse>, skip?: RegExp): Promise<{ res: TestResponse; statements: string[] }> {
  const { result, statements } = await t.statementsDuring(request);
  return { res: result, statements: statements.map((s) => s.sql).filter((sql) => !/^update "session"/i.test(sql) && !skip?.test(sql)) };
}

/** Expects as many statements in `more` as in `fewer`, else says which statements `more` ran more often. */
function expectAsMany(more: string[], fewer: string[]) {
  const extra = new Map<string, number>();
  for (const sql of more) extra.set(sql, (extra.get(sql) ?? 0) + 1);
  for (const sql of fewer) extra.set(sql, (extra.get(sql) ?? 0) - 1);
  const differ = [...extra].filter(([, n]) => n !== 0).map(([sql, n]) => `${n > 0 ? '+' : ''}${n} × ${sql.slice(0, 200)}`);
  expect(more.length, differ.join('\n')).toBe(fewer.length);
}

const depth = 50;
const password = 'correct horse battery';
/** The event each removed post is announced by: one per post, on purpose. */
const removalEvent = /^insert into "event"/i;
const words = 'Hillel said: do not separate yourself from the community, and do not trust yourself until the day of your death.';

describe('hiding a gloss hides the thread beneath it, in one statement whatever its depth', () => {
  const t = useTestApp();
  let ann: TestClient; // owns the group, so moderates it
  let bob: TestClient; // a member, whose posts go straight through
  let text: string;
  const layer = 'deep-notes';

  /** A chain of `length` glosses by bob: the first on the text, each other on the one before it. */
  async function chain(length: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < length; i++) {
      const target = i === 0 ? { exact: 'a word' } : { exact: 'the one before', gloss: ids[i - 1] };
      const res = await bob.post(`/api/texts/${text}/layers/${layer}/glosses`, { target, body: { markdown: `Gloss ${i}, on the one before.` } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.status).toBe('active');
      ids.push(res.body.id);
    }
    return ids;
  }

  const statusFor = async (client: TestClient, id: number) => (await client.get(`/api/glosses/${id}`)).body.status;

  beforeAll(async () => {
    ann = await t.signup('ann');
    bob = await t.signup('bob');
    expect((await ann.post('/api/groups', { slug: 'deep', name: 'Deep', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await bob.post('/api/groups/deep/join')).status).toBe(200);
    text = await createText(ann, { title: 'Beginnings', content: 'In the beginning there was a word.' });
    expect((await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Deep notes', visibility: 'public', group: 'deep' })).status).toBe(201);
  });

  it(`hides all ${depth - 1} glosses beneath the root of a ${depth}-deep chain, and restoring the root restores them all`, async () => {
    const [root, ...below] = await chain(depth);
    const hidden = await ann.post(`/api/glosses/${root}/hide`, { reason: 'Off topic.' });
    expect(hidden.status, hidden.text).toBe(200);
    for (const id of [root, ...below]) expectError(await t.visitor().get(`/api/glosses/${id}`), 404, 'not_found');
    for (const id of below) {
      expect((await bob.get(`/api/glosses/${id}`)).body).toMatchObject({ status: 'hidden', moderationNote: expect.stringContaining(String(root)) });
    }
    expect((await ann.post(`/api/glosses/${root}/restore`)).status).toBe(200);
    for (const id of [root, ...below]) expect(await statusFor(t.visitor(), id), `gloss ${id}`).toBe('active');
  });

  it(`takes as many statements for a ${depth}-deep chain as for a chain of two`, async () => {
    const [shallow] = await chain(2);
    const [deep] = await chain(depth);
    const short = await statementsOf(t, () => ann.post(`/api/glosses/${shallow}/hide`, { reason: 'Off topic.' }));
    const long = await statementsOf(t, () => ann.post(`/api/glosses/${deep}/hide`, { reason: 'Off topic.' }));
    expect([short.res.status, long.res.status]).toEqual([200, 200]);
    expectAsMany(long.statements, short.statements);
    const shortBack = await statementsOf(t, () => ann.post(`/api/glosses/${shallow}/restore`));
    const longBack = await statementsOf(t, () => ann.post(`/api/glosses/${deep}/restore`));
    expect([shortBack.res.status, longBack.res.status]).toEqual([200, 200]);
    expectAsMany(longBack.statements, shortBack.statements);
  });
});

describe('deleting an account in deep threads', () => {
  const t = useTestApp();
  /** Ada leaves; Bob and Cy answer her. */
  let ada: TestClient, bob: TestClient, cy: TestClient;
  /** Bob's text, and his layer open to everyone signed in. */
  let text: string, open: string;
  /** Ada's posts by name, and what each must become: gone, or a tombstone. */
  const replies: Record<string, { id: number; fate: 'gone' | 'tombstone' }> = {};
  const glosses: Record<string, { id: number; fate: 'gone' | 'tombstone' }> = {};
  /** Posts of Bob's and Cy's, which stay as they are. */
  const others: { kind: 'gloss' | 'reply'; id: number }[] = [];

  const reply = async (client: TestClient, gloss: number, markdown: string, parent?: number) => {
    const res = await client.post(`/api/glosses/${gloss}/replies`, { body: { markdown }, ...(parent ? { parent } : {}) });
    expect(res.status, res.text).toBe(201);
    return res.body.id as number;
  };
  const onGloss = async (client: TestClient, layer: string, target: number, markdown: string) => {
    const res = await client.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'these words', gloss: target }, body: { markdown } });
    expect(res.status, res.text).toBe(201);
    return res.body.id as number;
  };


  beforeAll(async () => {
    [ada, bob, cy] = await Promise.all(['ada', 'bob', 'cy'].map((h) => t.signup(h)));
    text = await createText(bob, { title: 'Avot 2', content: words });
    open = await createLayer(bob, text, { name: 'Open to all', writePolicy: 'signed_in' });
    const base = (await writeGloss(bob, text, open, { exact: 'the community' }, 'Bob opens, on these words.')).id;
    others.push({ kind: 'gloss', id: base });

    // Replies on Bob's gloss. Ada answering herself: all of it goes.
    replies.a1 = { id: await reply(ada, base, 'Ada first.'), fate: 'gone' };
    replies.a2 = { id: await reply(ada, base, 'Ada to herself.', replies.a1.id), fate: 'gone' };
    replies.a3 = { id: await reply(ada, base, 'Ada again.', replies.a2.id), fate: 'gone' };
    // Ada, Bob beneath her, Ada beneath him: the top stays, the bottom goes.
    replies.b1 = { id: await reply(ada, base, 'Ada asks.'), fate: 'tombstone' };
    const bobs = await reply(bob, base, 'Bob answers her.', replies.b1.id);
    replies.b2 = { id: await reply(ada, base, 'Ada thanks him.', bobs), fate: 'gone' };
    // Ada, Ada, then Cy two levels down: both of hers stay.
    replies.c1 = { id: await reply(ada, base, 'Ada starts.'), fate: 'tombstone' };
    replies.c2 = { id: await reply(ada, base, 'Ada goes on.', replies.c1.id), fate: 'tombstone' };
    const cys = await reply(cy, base, 'Cy joins.', replies.c2.id);
    others.push({ kind: 'reply', id: bobs }, { kind: 'reply', id: cys });

    // Glosses on glosses, in Bob's layer. Ada on Ada on Ada: all go.
    glosses.g1 = { id: (await writeGloss(ada, text, open, { exact: 'do not separate' }, 'Ada, on these words.')).id, fate: 'gone' };
    glosses.g2 = { id: await onGloss(ada, open, glosses.g1.id, 'Ada on herself, on these words.'), fate: 'gone' };
    glosses.g3 = { id: await onGloss(ada, open, glosses.g2.id, 'Ada once more, on these words.'), fate: 'gone' };
    // Ada, Ada, then Bob: both of hers stay.
    glosses.h1 = { id: (await writeGloss(ada, text, open, { exact: 'trust yourself' }, 'Ada on trust, on these words.')).id, fate: 'tombstone' };
    glosses.h2 = { id: await onGloss(ada, open, glosses.h1.id, 'Ada on her trust, on these words.'), fate: 'tombstone' };
    const bobsOn = await onGloss(bob, open, glosses.h2.id, 'Bob on her, on these words.');
    // Ada, Bob, Ada: the top stays, the bottom goes.
    glosses.k3 = { id: await onGloss(ada, open, bobsOn, 'Ada answers Bob, on these words.'), fate: 'gone' };
    // Ada's gloss under which only a reply of Cy's to a reply of Ada's stands: gloss and reply stay.
    glosses.m1 = { id: (await writeGloss(ada, text, open, { exact: 'the day of your death' }, 'Ada on the day.')).id, fate: 'tombstone' };
    replies.m2 = { id: await reply(ada, glosses.m1.id, 'Ada on her own gloss.'), fate: 'tombstone' };
    const cyOnM = await reply(cy, glosses.m1.id, 'Cy answers.', replies.m2.id);
    others.push({ kind: 'gloss', id: bobsOn }, { kind: 'reply', id: cyOnM });

    // Ada's notebooks and private texts: the empty ones go, many at once.
    for (let i = 0; i < 4; i++) {
      const notebook = await createLayer(ada, text, { name: `Notebook ${i}`, visibility: 'private' });
      if (i < 2) glosses[`n${i}`] = { id: (await writeGloss(ada, text, notebook, { exact: 'Hillel said' }, `Note ${i}.`)).id, fate: 'gone' };
      await createText(ada, { title: `Diary ${i}`, content: `Private words of study, day ${i}.`, visibility: 'private' });
    }
  });

  it('keeps as tombstones exactly the posts others answered beneath, at any depth, and deletes the rest', async () => {
    const res = await ada.request('DELETE', '/api/me', { password });
    expect(res.status, res.text).toBe(200);
    const all = [...Object.values(replies), ...Object.values(glosses)];
    expect(res.body).toEqual({
      deletedPosts: all.filter((p) => p.fate === 'gone').length,
      tombstones: all.filter((p) => p.fate === 'tombstone').length,
      privateTexts: 4,
      groupsLeft: 0,
    });

    const db = t.database.db;
    for (const [table, posts] of [['reply', replies], ['gloss', glosses]] as const) {
      const ids = Object.values(posts).map((p) => p.id);
      const rows = await db.selectFrom(table).select(['id', 'status', 'body_text']).where('id', 'in', ids).execute();
      const fate = Object.fromEntries(rows.map((r) => [r.id, r]));
      for (const [name, post] of Object.entries(posts)) {
        if (post.fate === 'gone') expect(fate[post.id], `${table} ${name}`).toBeUndefined();
        else expect(fate[post.id], `${table} ${name}`).toEqual({ id: post.id, status: 'deleted', body_text: '' });
      }
      // No event of hers carries her words any more (the rows stay, emptied, so the log's ids
      // have no gap), and no anchor of a deleted gloss is left.
      const events = await db.selectFrom('event').select('payload').where('item_kind', '=', table).where('item_id', 'in', ids).execute();
      expect(events.length, table).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.payload)), table).toEqual(new Set(['{}']));
    }
    const goneGlosses = Object.values(glosses).filter((g) => g.fate === 'gone').map((g) => g.id);
    expect(await db.selectFrom('anchor').select('gloss_id').where('gloss_id', 'in', goneGlosses).execute()).toEqual([]);
    // What others wrote stands, as it was.
    for (const o of others) {
      const row = await db.selectFrom(o.kind).select('status').where('id', '=', o.id).executeTakeFirst();
      expect(row, `${o.kind} ${o.id}`).toEqual({ status: 'active' });
    }
    // Her notebooks are gone (the ones that held her notes too, once those went); so are her diaries.
    const user = await db.selectFrom('user').select('id').where('display_name', '=', 'Deleted account').executeTakeFirstOrThrow();
    expect(await db.selectFrom('layer').select('id').where('owner_id', '=', user.id).execute()).toEqual([]);
    expect(await db.selectFrom('text').select('id').where('owner_id', '=', user.id).execute()).toEqual([]);
    // Search finds none of her words.
    for (const q of ['Ada', 'Diary', 'Private']) expect((await bob.get(`/api/search?q=${q}`)).body.results, q).toEqual([]);
    expect((await bob.get('/api/search?q=Cy')).body.results.length).toBeGreaterThan(0);
  });

  it('takes as many statements for an account that wrote much as for one that wrote one gloss', async () => {
    // Two more people: one writes a little, one a lot, on the same shapes as Ada above.
    const [dan, eve] = await Promise.all(['dan', 'eve'].map((h) => t.signup(h)));
    const one = await writeGloss(dan, text, open, { exact: 'the community' }, 'Dan, once, on these words.');
    expect(await reply(bob, one.id, 'Bob to Dan.')).toBeGreaterThan(0);
    const root = (await writeGloss(eve, text, open, { exact: 'the community' }, 'Eve, on these words.')).id;
    let below = root;
    for (let i = 0; i < 10; i++) below = await onGloss(eve, open, below, `Eve ${i}, on these words.`);
    let parent: number | undefined;
    for (let i = 0; i < 10; i++) parent = await reply(eve, root, `Eve replies ${i}.`, parent);
    await reply(bob, root, 'Bob beneath Eve.', parent);
    for (let i = 0; i < 5; i++) {
      const notebook = await createLayer(eve, text, { name: `Eve’s notebook ${i}`, visibility: 'private' });
      await writeGloss(eve, text, notebook, { exact: 'Hillel said' }, `Eve’s note ${i}.`);
      await createText(eve, { title: `Eve’s diary ${i}`, content: 'Private words.', visibility: 'private' });
    }

    const little = await statementsOf(t, () => dan.request('DELETE', '/api/me', { password }), removalEvent);
    const much = await statementsOf(t, () => eve.request('DELETE', '/api/me', { password }), removalEvent);
    expect(little.res.body).toEqual({ deletedPosts: 0, tombstones: 1, privateTexts: 0, groupsLeft: 0 });
    expect(much.res.body).toEqual({ deletedPosts: 15, tombstones: 11, privateTexts: 5, groupsLeft: 0 });
    expectAsMany(much.statements, little.statements);
  });
});
