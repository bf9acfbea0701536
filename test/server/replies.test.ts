/**
 * Replies: the conversation under a gloss. Nesting through `parent`, threads kept apart,
 * authorship, and tombstones for replies that have answers.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';


describe('replies', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let cy: TestClient;
  let slug: string;
  let layer: string;
  let gloss: any;
  let otherGloss: any;

  const reply = (client: TestClient, glossId: number, markdown: string, parent?: number) =>
    client.post(`/api/glosses/${glossId}/replies`, { body: { markdown }, ...(parent === undefined ? {} : { parent }) });
  const thread = async (glossId: number) => (await t.visitor().get(`/api/glosses/${glossId}`)).body.replies as any[];

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    cy = await t.signup('cy');
    slug = await createText(ada, { title: 'Thread', content: 'In the beginning was the word, and the word was with God.' });
    // An owner-only layer: others may not gloss in it, but anyone signed in may reply.
    layer = await createLayer(ada, slug, { name: 'Notes' });
    gloss = await writeGloss(ada, slug, layer, { exact: 'the word' }, 'Logos.');
    otherGloss = await writeGloss(ada, slug, layer, { exact: 'with God' }, 'Pros ton theon.');
  });

  it('adds a reply with 201 and lists it in the gloss’s thread', async () => {
    const res = await reply(bob, gloss.id, 'Which *word*?');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      gloss: gloss.id,
      parent: null,
      status: 'active',
      author: { handle: 'bob', name: 'bob' },
      body: { text: 'Which word?' },
    });
    expect(JSON.stringify(res.body.body.doc)).toContain('"type":"em"');
    expect((await thread(gloss.id)).map((r) => r.id)).toEqual([res.body.id]);
    expect(await thread(otherGloss.id)).toEqual([]);
    const listed = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses.find((g: any) => g.id === gloss.id);
    expect(listed.replies.map((r: any) => r.id)).toEqual([res.body.id]);
  });

  it('nests replies through parent, oldest first', async () => {
    const top = (await reply(cy, gloss.id, 'Top.')).body;
    const mid = (await reply(ada, gloss.id, 'Middle.', top.id)).body;
    const deep = (await reply(bob, gloss.id, 'Deep.', mid.id)).body;
    expect(mid.parent).toBe(top.id);
    expect(deep.parent).toBe(mid.id);
    const ids = (await thread(gloss.id)).map((r) => [r.id, r.parent]);
    expect(ids.slice(-3)).toEqual([
      [top.id, null],
      [mid.id, top.id],
      [deep.id, mid.id],
    ]);
  });

  it('refuses a parent from another gloss’s thread, or one that does not exist, with 422', async () => {
    const elsewhere = (await reply(bob, otherGloss.id, 'Elsewhere.')).body;
    const before = (await thread(gloss.id)).length;
    expectError(await reply(bob, gloss.id, 'Cross-thread.', elsewhere.id), 422, 'parent_not_found');
    expectError(await reply(bob, gloss.id, 'Ghost parent.', 999999), 422, 'parent_not_found');
    expect((await thread(gloss.id)).length).toBe(before);
  });

  it('refuses visitors, empty bodies, unknown glosses and bad parents', async () => {
    expectError(await reply(t.visitor(), gloss.id, 'Anonymous.'), 401, 'unauthenticated');
    expectError(await reply(bob, gloss.id, '   '), 422, 'empty_body');
    expectError(await reply(bob, 999999, 'To nothing.'), 404, 'not_found');
    expectError(await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'x' }, parent: 0 }), 400, 'invalid_request');
    expectError(await bob.post(`/api/glosses/${gloss.id}/replies`, { body: { markdown: 'x'.repeat(32 * 1024 + 1) } }), 400, 'invalid_request');
  });

  it('lets only the author edit a reply', async () => {
    const r = (await reply(bob, gloss.id, 'First draft.')).body;
    expectError(await ada.patch(`/api/replies/${r.id}`, { body: { markdown: 'Edited by the gloss author.' } }), 403, 'forbidden');
    expectError(await t.visitor().patch(`/api/replies/${r.id}`, { body: { markdown: 'x' } }), 401, 'unauthenticated');
    const ok = await bob.patch(`/api/replies/${r.id}`, { body: { markdown: 'Second draft.' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: r.id, status: 'active', body: { text: 'Second draft.' } });
    expect((await thread(gloss.id)).find((x) => x.id === r.id).body.text).toBe('Second draft.');
    expectError(await bob.patch(`/api/replies/999999`, { body: { markdown: 'x' } }), 404, 'not_found');
  });

  it('lets only the author delete a reply; one without answers disappears', async () => {
    const r = (await reply(bob, gloss.id, 'Leaf.')).body;
    expectError(await ada.delete(`/api/replies/${r.id}`), 403, 'forbidden');
    expect((await thread(gloss.id)).map((x) => x.id)).toContain(r.id);
    const res = await bob.delete(`/api/replies/${r.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tombstone: false });
    expect((await thread(gloss.id)).map((x) => x.id)).not.toContain(r.id);
    expectError(await bob.delete(`/api/replies/${r.id}`), 404, 'not_found');
  });

  it('leaves a tombstone when a deleted reply has answers, keeping the answers', async () => {
    const q = (await reply(cy, gloss.id, 'A question with a secretword.')).body;
    const a = (await reply(bob, gloss.id, 'An answer.', q.id)).body;
    const res = await cy.delete(`/api/replies/${q.id}`);
    expect(res.body).toEqual({ tombstone: true });
    const replies = await thread(gloss.id);
    expect(replies.find((x) => x.id === q.id)).toMatchObject({ status: 'deleted', body: null, author: null, parent: null });
    expect(replies.find((x) => x.id === a.id)).toMatchObject({ status: 'active', parent: q.id, body: { text: 'An answer.' } });
    // Its words are gone: from the database and from search.
    const row = await t.database.db.selectFrom('reply').select('body_text').where('id', '=', q.id).executeTakeFirstOrThrow();
    expect(row.body_text).toBe('');
    expect((await t.visitor().get('/api/search?q=secretword')).body.results).toEqual([]);
    // A tombstone can be neither edited nor deleted again.
    expectError(await cy.patch(`/api/replies/${q.id}`, { body: { markdown: 'Back.' } }), 409, 'reply_deleted');
    expectError(await cy.delete(`/api/replies/${q.id}`), 409, 'reply_deleted');
  });

  it('closes the thread of a deleted gloss', async () => {
    const g = await writeGloss(ada, slug, layer, { exact: 'In the beginning' }, 'Bereshit.');
    const r = (await reply(bob, g.id, 'Keeps it alive.')).body;
    expect((await ada.delete(`/api/glosses/${g.id}`)).body).toEqual({ tombstone: true });
    expectError(await reply(bob, g.id, 'Too late.'), 409, 'gloss_deleted');
    // The replies already there may still be edited by their author.
    expect((await bob.patch(`/api/replies/${r.id}`, { body: { markdown: 'Edited after.' } })).status).toBe(200);
  });

  it('answers a database fault while loading a reply with 500, not a 404 that hides it', async () => {
    const r = (await reply(bob, gloss.id, 'Still here.')).body;
    await sql`ALTER TABLE layer RENAME TO layer_away`.execute(t.database.db);
    try {
      const res = await bob.patch(`/api/replies/${r.id}`, { body: { markdown: 'Edited.' } });
      expectError(res, 500, 'internal');
      expect(t.errors).toHaveLength(1);
      // SQLite: "no such table: layer"; PostgreSQL: 'relation "layer" does not exist'.
      expect(String(t.errors[0])).toMatch(/no such table: layer|relation "layer" does not exist/);
    } finally {
      await sql`ALTER TABLE layer_away RENAME TO layer`.execute(t.database.db);
      t.errors.length = 0;
    }
    expect((await bob.patch(`/api/replies/${r.id}`, { body: { markdown: 'Edited.' } })).status).toBe(200);
  });
});
