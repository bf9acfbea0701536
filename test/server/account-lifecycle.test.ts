/**
 * A person's account from the outside (README, "Accounts"): their page shows what the viewer may
 * see and nothing more; their sessions can be listed and ended one by one; their writing can be
 * taken away as W3C JSON-LD; and the account can be deleted, leaving everything others wrote in
 * place (tombstones where others answered) and nothing of theirs readable.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, useTestApp, createText, TestClient, writeGloss } from '../helpers/test-app.ts';

const password = 'correct horse battery';
const words = 'Who is wise? One who learns from every person. Who is strong? One who masters himself.';

describe('a person’s page, sessions, export and deletion', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let cy: TestClient;
  let text: string;
  let open: string;
  let circleLayer: string;
  /** Ada's glosses: in the public layer, the private group's layer, her notebook. */
  const g: Record<string, number> = {};

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    cy = await t.signup('cy');
    text = await createText(ada, { title: 'Avot 4', content: words });
    open = await createLayer(ada, text, { name: 'Open notes' });
    const notebook = await createLayer(ada, text, { name: 'My notebook', visibility: 'private' });
    expect((await ada.post('/api/groups', { slug: 'circle', name: 'The Circle', visibility: 'private', joinPolicy: 'open' })).status).toBe(201);
    expect((await ada.post('/api/groups', { slug: 'square', name: 'The Square', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const invitation = await ada.post('/api/groups/circle/invitations', {});
    expect((await cy.post(`/api/invitations/${invitation.body.token}/accept`)).status).toBe(200);
    const made = await ada.post(`/api/texts/${text}/layers`, { name: 'Circle readings', visibility: 'group', group: 'circle' });
    expect(made.status, made.text).toBe(201);
    circleLayer = made.body.slug;
    g.open = (await writeGloss(ada, text, open, { exact: 'Who is wise?' }, 'Ben Zoma’s question.')).id;
    g.circle = (await writeGloss(ada, text, circleLayer, { exact: 'every person' }, 'Only for the circle.')).id;
    g.notebook = (await writeGloss(ada, text, notebook, { exact: 'masters himself' }, 'Mine alone.')).id;
  });

  describe('the page of a person', () => {
    const page = (client: TestClient, handle = 'ada', query = '') => client.get(`/api/users/${handle}${query}`);
    const ids = (res: { body: { glosses: { id: number }[] } }) => res.body.glosses.map((x) => x.id);

    it('shows each viewer only the glosses and groups they could find anyway', async () => {
      const visitor = await page(t.visitor());
      expect(visitor.status).toBe(200);
      expect(visitor.body).toMatchObject({ handle: 'ada', name: 'ada', joined: expect.any(String), next: null });
      expect(ids(visitor)).toEqual([g.open]);
      expect(visitor.body.groups).toEqual([{ slug: 'square', name: 'The Square', role: 'owner' }]);
      expect(visitor.body.glosses[0]).toEqual({
        id: g.open,
        text,
        textTitle: 'Avot 4',
        layer: open,
        layerName: 'Open notes',
        ref: null,
        quote: 'Who is wise?',
        excerpt: 'Ben Zoma’s question.',
        created: expect.any(String),
      });
      expect(ids(await page(bob))).toEqual([g.open]);
      // A member of the private circle sees the circle and its gloss; never the notebook.
      const member = await page(cy);
      expect(ids(member)).toEqual([g.circle, g.open]);
      expect(member.body.groups.map((x: { slug: string }) => x.slug)).toEqual(['circle', 'square']);
      // Her own page shows her everything, with each gloss's state.
      const own = await page(ada);
      expect(ids(own)).toEqual([g.notebook, g.circle, g.open]);
      expect(own.body.glosses.every((x: { status?: string }) => x.status === 'active')).toBe(true);
      // Cy's page shows Ada nothing of the circle either way, and the handle's case does not matter.
      expect((await page(bob, 'CY')).body).toMatchObject({ handle: 'cy', glosses: [], groups: [] });
    });

    it('pages twenty glosses at a time, and answers 404 for nobody', async () => {
      const many = await createLayer(bob, text, { name: 'Many' });
      const written: number[] = [];
      for (let i = 0; i < 23; i++) written.push((await writeGloss(bob, text, many, { exact: 'Who is strong?' }, `Note ${i}`)).id);
      const first = await page(t.visitor(), 'bob');
      expect(ids(first)).toEqual(written.slice(3).reverse());
      const second = await page(t.visitor(), 'bob', `?before=${first.body.next}`);
      expect(ids(second)).toEqual(written.slice(0, 3).reverse());
      expect(second.body.next).toBeNull();
      expectError(await page(t.visitor(), 'nobody'), 404, 'not_found');
      expectError(await page(t.visitor(), 'bob', '?before=x'), 400, 'invalid_request');
    });
  });

  describe('sessions', () => {
    it('lists one’s sessions with their browsers, ends another one, and not someone else’s', async () => {
      const dana = await t.signup('dana');
      const phone = new TestClient(t.app);
      const ua = 'Mozilla/5.0 (Linux; Android 14) Firefox/131.0';
      expect((await phone.post('/api/auth/login', { handle: 'dana', password }, { 'user-agent': ua })).status).toBe(200);
      const listed = await dana.get('/api/sessions');
      expect(listed.status).toBe(200);
      expect(listed.body.sessions).toHaveLength(2);
      const [newest, first] = listed.body.sessions;
      expect(newest).toMatchObject({ id: expect.any(Number), userAgent: ua, current: false, created: expect.any(String), lastSeen: expect.any(String), expires: expect.any(String) });
      expect(first.current).toBe(true);
      expect(JSON.stringify(listed.body)).not.toMatch(/token|hash/i);
      expectError(await bob.delete(`/api/sessions/${newest.id}`), 404, 'not_found');
      expect((await phone.get('/api/me')).status).toBe(200);
      expect((await dana.delete(`/api/sessions/${newest.id}`)).status).toBe(204);
      expectError(await phone.get('/api/me'), 401, 'unauthenticated');
      expect((await dana.get('/api/sessions')).body.sessions.map((s: { id: number }) => s.id)).toEqual([first.id]);
      expectError(await t.visitor().get('/api/sessions'), 401, 'unauthenticated');
    });
  });

  describe('export', () => {
    it('gives a person everything they wrote, as a W3C collection, and nothing of others', async () => {
      const reply = await bob.post(`/api/glosses/${g.open}/replies`, { body: { markdown: 'Bob answers.' } });
      expect(reply.status, reply.text).toBe(201);
      const mine = await ada.post(`/api/glosses/${g.open}/replies`, { body: { markdown: 'Ada answers *Bob*.' }, parent: reply.body.id });
      expect(mine.status, mine.text).toBe(201);
      const res = await ada.get('/api/me/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/ld+json');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="daf-ada-\d{4}-\d\d-\d\d\.jsonld"$/);
      const doc = JSON.parse(res.text);
      expect(doc).toMatchObject({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', total: 4, creator: { nickname: 'ada', type: 'Person' } });
      const items = doc.first.items as Record<string, any>[];
      const bodies = items.map((a) => a.body?.value);
      expect(bodies).toEqual(['Ben Zoma’s question.', 'Only for the circle.', 'Mine alone.', 'Ada answers *Bob*.']);
      expect(items[0].target.selector[0]).toEqual({ type: 'TextQuoteSelector', exact: 'Who is wise?', prefix: '', suffix: expect.any(String) });
      const glossUrl = `http://daf.test/annotations/${text}/${open}/${g.open}`;
      expect(items[0].id).toBe(glossUrl);
      expect(items[3]).toMatchObject({ motivation: 'replying', target: `${glossUrl}#reply-${reply.body.id}`, id: `${glossUrl}#reply-${mine.body.id}` });
      expect(res.text).not.toContain('Bob answers.');
      expectError(await t.visitor().get('/api/me/export'), 401, 'unauthenticated');
    });
  });

  describe('deleting an account', () => {
    it('refuses a wrong password, and the only owner of a group, deleting nothing', async () => {
      expectError(await ada.request('DELETE', '/api/me', { password: 'not it' }), 403, 'wrong_password');
      const sole = await ada.request('DELETE', '/api/me', { password });
      expectError(sole, 409, 'sole_owner');
      expect(sole.body.error.message).toContain('“The Circle”, “The Square”');
      expectError(await ada.request('DELETE', '/api/me', {}), 400, 'invalid_request');
      expect((await ada.get('/api/me')).status).toBe(200);
      expect((await t.visitor().get('/api/users/ada')).body.glosses).toHaveLength(1);
    });

    it('removes what the person wrote, keeps what others wrote beneath it, and frees nothing private', async () => {
      // Cy owns the circle with Ada; Bob joins the square and owns it with her.
      expect((await ada.patch('/api/groups/circle/members/cy', { role: 'owner' })).status).toBe(200);
      expect((await bob.post('/api/groups/square/join')).status).toBe(200);
      expect((await ada.patch('/api/groups/square/members/bob', { role: 'owner' })).status).toBe(200);
      // Bob's gloss with an answer from Ada; a private text of Ada's; a token of hers.
      const bobsLayer = await createLayer(bob, text, { name: 'Bob’s readings' });
      const bobsGloss = (await writeGloss(bob, text, bobsLayer, { exact: 'One who learns' }, 'Bob on learning.')).id;
      // Bob's gloss on her open gloss, quoting her words.
      const onHers = (await bob.post(`/api/texts/${text}/layers/${bobsLayer}/glosses`, { target: { gloss: g.open, exact: 'Zoma’s question' }, body: { markdown: 'Bob on her question.' } })).body;
      expect(onHers.anchor).toMatchObject({ status: 'exact', exact: 'Zoma’s question' });
      expect((await ada.post(`/api/glosses/${bobsGloss}/replies`, { body: { markdown: 'Ada’s words to go.' } })).status).toBe(201);
      const secret = await createText(ada, { title: 'Diary', content: 'A private diary of study.', visibility: 'private' });
      const token = (await ada.post('/api/tokens', { name: 'script' })).body.token as string;
      const scripted = new TestClient(t.app);
      scripted.bearer = token;
      scripted.origin = null;
      const other = new TestClient(t.app);
      expect((await other.post('/api/auth/login', { handle: 'ada', password })).status).toBe(200);
      // An address with a confirmation link still out.
      expect((await ada.patch('/api/me', { email: 'ada@example.org' })).status).toBe(200);
      const link = await t.database.db.selectFrom('user').select('email_token_hash').where('handle', '=', 'ada').executeTakeFirstOrThrow();
      expect(link.email_token_hash).not.toBeNull();

      const res = await ada.request('DELETE', '/api/me', { password });
      expect(res.status, res.text).toBe(200);
      // Her three glosses and two replies: the open gloss has Bob's reply beneath it, so it stays as a tombstone.
      expect(res.body).toEqual({ deletedPosts: 4, tombstones: 1, privateTexts: 1, groupsLeft: 2 });

      // Every way in is closed.
      expectError(await ada.get('/api/me'), 401, 'unauthenticated');
      expectError(await other.get('/api/me'), 401, 'unauthenticated');
      expectError(await scripted.get('/api/me'), 401, 'bad_token');
      expectError(await t.visitor().post('/api/auth/login', { handle: 'ada', password }), 401, 'bad_credentials');
      expectError(await bob.get('/api/users/ada'), 404, 'not_found');
      // Nothing of hers is left in the row: no name, no address, no link that could still confirm one.
      const row = await t.database.db.selectFrom('user').selectAll().where('display_name', '=', 'Deleted account').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ email: null, email_verified_at: null, email_token_hash: null, email_token_expires_at: null, deleted_at: expect.any(String) });
      expect(row.handle).toMatch(/^deleted-\d+$/);

      // The thread stands: her gloss is a tombstone under Bob's reply, her replies are gone, his stay.
      const listed = (await bob.get(`/api/texts/${text}/glosses`)).body.glosses as Record<string, any>[];
      const tomb = listed.find((x) => x.id === g.open)!;
      expect(tomb).toMatchObject({ status: 'deleted', author: null, body: null });
      expect(tomb.replies.map((r: { body: { markdown?: string } | null }) => JSON.stringify(r.body))).toEqual([expect.stringContaining('Bob answers.')]);
      const bobs = listed.find((x) => x.id === bobsGloss)!;
      expect(bobs.replies).toEqual([]);
      expect(listed.some((x) => x.id === g.circle)).toBe(false);
      expect(JSON.stringify(listed)).not.toMatch(/Ada answers|Ada’s words|Ben Zoma|Zoma’s question/);
      // Bob's gloss on hers stays, without her words in its quote.
      expect(listed.find((x) => x.id === onHers.id)).toMatchObject({ body: { text: 'Bob on her question.' }, target: { gloss: g.open, exact: '' } });
      // Her public text stays for the others who wrote on it; her private one is gone.
      expect((await bob.get(`/api/texts/${text}`)).status).toBe(200);
      const diary = await t.database.db.selectFrom('text').select('id').where('slug', '=', secret).executeTakeFirst();
      expect(diary).toBeUndefined();
      // Search finds none of her words; the groups go on with their other owners.
      expect((await bob.get('/api/search?q=Zoma')).body.results).toEqual([]);
      expect((await cy.get('/api/search?q=circle')).body.results.filter((r: { kind: string }) => r.kind === 'gloss')).toEqual([]);
      const members = (await cy.get('/api/groups/circle/members')).body.members.map((m: { handle: string }) => m.handle);
      expect(members).toEqual(['cy']);
      // The handle is free again, for a new person with nothing of hers.
      const again = await t.signup('ada');
      expect((await again.get('/api/users/ada')).body).toMatchObject({ glosses: [], groups: [] });
    });
  });
});
