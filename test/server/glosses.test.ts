/**
 * Glosses: placing them by quote and offsets, in Hebrew, on other glosses to any depth,
 * re-anchoring children when a parent's body changes, authorship, tombstones, listing filters
 * and input bounds (README, "Anchoring" and "Reading groups").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/main.ts';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

const genesis11 = 'בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים אֵ֥ת הַשָּׁמַ֖יִם וְאֵ֥ת הָאָֽרֶץ׃';
const lightText = 'And God said, Let there be light: and there was light.\n\nAnd God saw the light, that it was good.';


describe('glosses', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let slug: string;
  let text: string;
  let notes: string;
  let open: string;
  const post = (client: TestClient, layer: string, body: unknown) => client.post(`/api/texts/${slug}/layers/${layer}/glosses`, body);

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    slug = await createText(ada, { title: 'Light', content: lightText });
    text = (await ada.get(`/api/texts/${slug}`)).body.text;
    notes = await createLayer(ada, slug, { name: 'Notes' });
    open = await createLayer(ada, slug, { name: 'Open', writePolicy: 'signed_in' });
  });

  describe('placing a gloss on the text', () => {
    it('creates a gloss with 201, Location, selectors and an exact anchor', async () => {
      const start = text.indexOf('Let there be light');
      const res = await post(ada, notes, { target: { exact: 'Let there be light', start, end: start + 18 }, body: { markdown: 'The *first* word.' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/api/glosses/${res.body.id}`);
      expect(res.body).toMatchObject({
        text: slug,
        layer: notes,
        target: { version: 1, gloss: null, exact: 'Let there be light', prefix: 'And God said, ', suffix: ': and there was light.\nAnd God s', start, end: start + 18 },
        anchor: { version: 1, start, end: start + 18, status: 'exact', score: 1, exact: 'Let there be light' },
        body: { text: 'The first word.' },
        bodyRevision: 1,
        motivation: 'commenting',
        status: 'active',
        author: { handle: 'ada', name: 'ada' },
        replies: [],
      });
      expect(JSON.stringify(res.body.body.doc)).toContain('"type":"em"');
      const again = await t.visitor().get(`/api/glosses/${res.body.id}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('finds the quote from `exact` alone', async () => {
      const g = await writeGloss(ada, slug, notes, { exact: 'it was good' });
      const start = text.indexOf('it was good');
      expect(g.anchor).toMatchObject({ status: 'exact', start, end: start + 11, exact: 'it was good' });
      expect(g.target).toMatchObject({ start, end: start + 11 });
    });

    it('finds the quote when the offsets are wrong', async () => {
      const g = await writeGloss(ada, slug, notes, { exact: 'saw the light', start: 0, end: 13 });
      const start = text.indexOf('saw the light');
      expect(g.anchor).toMatchObject({ start, end: start + 13, exact: 'saw the light' });
      expect(g.target).toMatchObject({ start, end: start + 13 });
    });

    it('uses the offsets to choose between repeated quotes', async () => {
      const second = text.indexOf('light', text.indexOf('there was'));
      const g = await writeGloss(ada, slug, notes, { exact: 'light', start: second, end: second + 5 });
      expect(g.anchor).toMatchObject({ start: second, end: second + 5 });
      const third = text.lastIndexOf('light');
      const byContext = await writeGloss(ada, slug, notes, { exact: 'light', prefix: 'And God saw the ', suffix: ', that it' });
      expect(byContext.anchor).toMatchObject({ start: third, end: third + 5 });
    });

    it.each([
      ['a quote that is not in the text', { exact: 'Let there be darkness' }],
      ['a quote inside a longer word only', { exact: 'ligh' }],
      ['offsets that fit the text, with an absent quote', { exact: 'nowhere at all', start: 10, end: 24 }],
    ])('refuses %s with 422 anchor_not_found', async (_, target) => {
      expectError(await post(ada, notes, { target, body: { markdown: 'x' } }), 422, 'anchor_not_found');
    });

    it('finds an unpointed Hebrew quote in a pointed text', async () => {
      const he = await createText(ada, { title: 'Bereshit', language: 'he', format: 'plain', content: genesis11 });
      const heText = (await ada.get(`/api/texts/${he}`)).body.text;
      const layer = await createLayer(ada, he, { name: 'Peshat' });
      const g = await writeGloss(ada, he, layer, { exact: 'ברא אלהים' }, 'Created.');
      const pointed = 'בָּרָ֣א אֱלֹהִ֑ים';
      const start = heText.indexOf(pointed);
      expect(start).toBeGreaterThan(0);
      expect(g.anchor).toMatchObject({ start, end: start + pointed.length, exact: pointed });
      expect(heText.slice(g.anchor.start, g.anchor.end)).toBe(pointed);
      // The stored quote is the text's own, pointed.
      expect(g.target.exact).toBe(pointed);
      // A word with a one-letter prefix: ואת contains את, but "את" alone must find the word את.
      const et = await writeGloss(ada, he, layer, { exact: 'את' });
      expect(heText.slice(et.anchor.start, et.anchor.end)).toBe('אֵ֥ת');
      expect(et.anchor.start).toBe(heText.indexOf('אֵ֥ת'));
    });

    it('takes the motivation, and refuses an unknown one', async () => {
      const q = await writeGloss(ada, slug, notes, { exact: 'God saw' }, 'Why saw?', 'questioning');
      expect(q.motivation).toBe('questioning');
      expect((await ada.get(`/api/glosses/${q.id}`)).body.motivation).toBe('questioning');
      const changed = await ada.patch(`/api/glosses/${q.id}`, { motivation: 'commenting' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ motivation: 'commenting', body: { text: 'Why saw?' }, bodyRevision: 1 });
      expectError(await post(ada, notes, { target: { exact: 'God' }, body: { markdown: 'x' }, motivation: 'shouting' }), 400, 'invalid_request');
    });

    it('refuses an empty body unless highlighting', async () => {
      expectError(await post(ada, notes, { target: { exact: 'God' }, body: { markdown: '   ' } }), 422, 'empty_body');
      const h = await post(ada, notes, { target: { exact: 'God' }, body: { markdown: '' }, motivation: 'highlighting' });
      expect(h.status).toBe(201);
      expect(h.body.motivation).toBe('highlighting');
    });

    it('refuses unsafe links and unknown nodes in a ProseMirror body with 422', async () => {
      const jsLink = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] };
      expectError(await post(ada, notes, { target: { exact: 'God' }, body: { doc: jsLink } }), 422, 'invalid_body');
      const segment = { type: 'doc', content: [{ type: 'segment', attrs: { ref: '1' }, content: [{ type: 'text', text: 'x' }] }] };
      expectError(await post(ada, notes, { target: { exact: 'God' }, body: { doc: segment } }), 422, 'invalid_body');
    });

    it('enforces who may write: 401 visitor, 403 outside an owner-only layer, 201 in an open one, 404 unknown layer', async () => {
      const body = { target: { exact: 'God' }, body: { markdown: 'x' } };
      expectError(await post(t.visitor(), notes, body), 401, 'unauthenticated');
      expectError(await post(bob, notes, body), 403, 'forbidden');
      expect((await post(bob, open, body)).status).toBe(201);
      expectError(await post(bob, 'no-such-layer', body), 404, 'not_found');
    });
  });

  describe('limits', () => {
    it('refuses a quote of 1001 characters with 400, and accepts 1000', async () => {
      const long = 'word '.repeat(200); // 1000 characters
      const big = await createText(ada, { title: 'Long', format: 'plain', content: `${long}end.` });
      const layer = await createLayer(ada, big, { name: 'L' });
      const bigText = (await ada.get(`/api/texts/${big}`)).body.text;
      expectError(await ada.post(`/api/texts/${big}/layers/${layer}/glosses`, { target: { exact: bigText.slice(0, 1001) }, body: { markdown: 'x' } }), 400, 'invalid_request');
      const ok = await ada.post(`/api/texts/${big}/layers/${layer}/glosses`, { target: { exact: bigText.slice(0, 1000), start: 0, end: 1000 }, body: { markdown: 'x' } });
      expect(ok.status).toBe(201);
    });

    it('refuses a Markdown body over 32 KiB with 400 or 413', async () => {
      const res = await post(ada, notes, { target: { exact: 'God' }, body: { markdown: 'a'.repeat(32 * 1024 + 1) } });
      expect([400, 413]).toContain(res.status);
      expect(res.body.error.code).toMatch(/^(invalid_request|body_too_large)$/);
      const before = (await ada.get(`/api/texts/${slug}/glosses`)).body.glosses.length;
      expect(before).toBeGreaterThan(0);
    });

    it('answers a request body over the limit with a real 413 in the JSON error shape', async () => {
      const res = await post(ada, notes, { target: { exact: 'God' }, body: { markdown: 'a'.repeat(100 * 1024) } });
      expectError(res, 413, 'body_too_large');
    });

    it('refuses a context over 1000 characters and negative offsets with 400', async () => {
      expectError(await post(ada, notes, { target: { exact: 'God', prefix: 'p'.repeat(1001) }, body: { markdown: 'x' } }), 400, 'invalid_request');
      expectError(await post(ada, notes, { target: { exact: 'God', start: -1, end: 2 }, body: { markdown: 'x' } }), 400, 'invalid_request');
      expectError(await post(ada, notes, { target: { exact: '' }, body: { markdown: 'x' } }), 400, 'invalid_request');
    });
  });

  describe('glosses on glosses', () => {
    let parent: any;
    let child: any;
    let grandchild: any;
    const parentBody = 'Light here means the first day, not the sun.';
    const childBody = 'Compare the fourth day, where the lights are made.';

    beforeAll(async () => {
      parent = await writeGloss(ada, slug, notes, { exact: 'there was light' }, parentBody);
    });

    it('anchors a gloss inside its parent’s body text', async () => {
      child = await writeGloss(bob, slug, open, { gloss: parent.id, exact: 'the first day' }, childBody);
      const start = parentBody.indexOf('the first day');
      expect(child.target).toMatchObject({ gloss: parent.id, version: 1, exact: 'the first day', start, end: start + 13, prefix: 'Light here means ', segment: null });
      expect(child.anchor).toMatchObject({ version: 1, status: 'exact', start, end: start + 13, exact: 'the first day' });
    });

    it('goes to depth 3', async () => {
      grandchild = await writeGloss(ada, slug, open, { gloss: child.id, exact: 'the lights' }, 'Plural: the luminaries.');
      const start = childBody.indexOf('the lights');
      expect(grandchild.target).toMatchObject({ gloss: child.id, start, end: start + 10 });
      expect(grandchild.anchor).toMatchObject({ status: 'exact', start, end: start + 10 });
      const list = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses;
      const byId = new Map(list.map((g: any) => [g.id, g]));
      expect((byId.get(grandchild.id) as any).target.gloss).toBe(child.id);
      expect((byId.get(child.id) as any).target.gloss).toBe(parent.id);
    });

    it('refuses a quote not in the parent body, and an unknown parent', async () => {
      expectError(await post(ada, notes, { target: { gloss: parent.id, exact: 'Let there be' }, body: { markdown: 'x' } }), 422, 'anchor_not_found');
      expectError(await post(ada, notes, { target: { gloss: 999999, exact: 'x' }, body: { markdown: 'x' } }), 422, 'target_not_found');
    });

    it('refuses a parent gloss from another text', async () => {
      const other = await createText(ada, { title: 'Other', content: 'Light elsewhere.' });
      const otherLayer = await createLayer(ada, other, { name: 'O' });
      const foreign = await writeGloss(ada, other, otherLayer, { exact: 'Light' }, 'Light elsewhere indeed.');
      expectError(await post(ada, notes, { target: { gloss: foreign.id, exact: 'elsewhere' }, body: { markdown: 'x' } }), 422, 'target_not_found');
    });

    it('re-anchors children when the parent’s body is edited', async () => {
      const inserted = 'Rashi: ';
      const res = await ada.patch(`/api/glosses/${parent.id}`, { body: { markdown: inserted + parentBody } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ bodyRevision: 2, body: { text: inserted + parentBody } });
      const now = (await ada.get(`/api/glosses/${child.id}`)).body;
      expect(now.anchor).toMatchObject({ version: 2, status: 'exact', start: child.anchor.start + inserted.length, end: child.anchor.end + inserted.length, exact: 'the first day' });
      // The selectors it was written with stay.
      expect(now.target).toMatchObject({ version: 1, start: child.anchor.start });
      // The grandchild's parent did not change: its anchor is untouched.
      expect((await ada.get(`/api/glosses/${grandchild.id}`)).body.anchor).toMatchObject({ version: 1, start: grandchild.anchor.start });

      // An edit that removes the child's quote leaves it unanchored, never elsewhere.
      await ada.patch(`/api/glosses/${parent.id}`, { body: { markdown: 'Rashi: Light here is a different thing entirely.' } });
      const gone = (await ada.get(`/api/glosses/${child.id}`)).body;
      expect(gone.anchor).toMatchObject({ version: 3, status: 'orphan', start: null, end: null });
    });

    it('lets only the author edit or delete a gloss', async () => {
      expectError(await bob.patch(`/api/glosses/${parent.id}`, { body: { markdown: 'Hijacked.' } }), 403, 'forbidden');
      expectError(await bob.delete(`/api/glosses/${parent.id}`), 403, 'forbidden');
      expectError(await t.visitor().patch(`/api/glosses/${parent.id}`, { body: { markdown: 'x' } }), 401, 'unauthenticated');
      expectError(await ada.patch(`/api/glosses/${parent.id}`, {}), 400, 'invalid_request');
      expect((await ada.get(`/api/glosses/${parent.id}`)).body.body.text).toBe('Rashi: Light here is a different thing entirely.');
    });

    it('turns a gloss with glosses beneath it into a tombstone when deleted', async () => {
      const res = await ada.delete(`/api/glosses/${parent.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ tombstone: true });
      const stone = (await t.visitor().get(`/api/glosses/${parent.id}`)).body;
      expect(stone).toMatchObject({ id: parent.id, status: 'deleted', body: null, author: null });
      expect((await ada.get(`/api/glosses/${child.id}`)).body.target.gloss).toBe(parent.id);
      expectError(await ada.delete(`/api/glosses/${parent.id}`), 409, 'gloss_deleted');
      expectError(await ada.patch(`/api/glosses/${parent.id}`, { body: { markdown: 'back' } }), 409, 'gloss_deleted');
      expectError(await post(ada, open, { target: { gloss: parent.id, exact: 'x' }, body: { markdown: 'x' } }), 409, 'target_deleted');
    });
  });

  describe('deleting', () => {
    it('leaves a tombstone with its replies when a gloss has a thread', async () => {
      const g = await writeGloss(ada, slug, notes, { exact: 'saw the light' }, 'To be deleted.');
      const r = await bob.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'An answer.' } });
      expect(r.status).toBe(201);
      const res = await ada.delete(`/api/glosses/${g.id}`);
      expect(res.body).toEqual({ tombstone: true });
      const stone = (await bob.get(`/api/glosses/${g.id}`)).body;
      expect(stone).toMatchObject({ status: 'deleted', body: null, author: null });
      expect(stone.replies).toEqual([expect.objectContaining({ id: r.body.id, status: 'active', body: expect.objectContaining({ text: 'An answer.' }) })]);
      const listed = (await bob.get(`/api/texts/${slug}/glosses`)).body.glosses.find((x: any) => x.id === g.id);
      expect(listed).toMatchObject({ status: 'deleted', body: null });
      expect(listed.replies).toHaveLength(1);
      // The words are gone from the database too, not only from the answer.
      const row = await t.database.db.selectFrom('gloss').select('body_text').where('id', '=', g.id).executeTakeFirstOrThrow();
      expect(row.body_text).toBe('');
      // And from the event log, which carried them when it was written.
      const events = await t.database.db.selectFrom('event').select('payload').where('text_id', '=', (await t.database.db.selectFrom('gloss').select('text_id').where('id', '=', g.id).executeTakeFirstOrThrow()).text_id).execute();
      expect(events.length).toBeGreaterThan(0);
      expect(JSON.stringify(events)).not.toContain('To be deleted.');
    });

    it("takes a deleted gloss's words out of the quotes of the glosses on it, wherever they are shown", async () => {
      const parent = await writeGloss(ada, slug, notes, { exact: 'God said' }, 'A hidden meaning inside.');
      const child = (await post(bob, open, { target: { gloss: parent.id, exact: 'hidden meaning' }, body: { markdown: 'Bob on it.' } })).body;
      expect(child.anchor).toMatchObject({ status: 'exact', exact: 'hidden meaning' });
      expect((await ada.delete(`/api/glosses/${parent.id}`)).body).toEqual({ tombstone: true });
      const shown = (await bob.get(`/api/glosses/${child.id}`)).body;
      expect(shown.body.text).toBe('Bob on it.');
      expect(shown.target).toMatchObject({ gloss: parent.id, exact: '', prefix: '', suffix: '' });
      expect(shown.anchor?.exact ?? null).toBeNull();
      const listed = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses.find((x: any) => x.id === child.id);
      const annotation = await t.visitor().get(`/annotations/${slug}/${open}/${child.id}`);
      expect(annotation.status).toBe(200);
      const stored = await t.database.db.selectFrom('gloss').select('selectors').where('id', '=', child.id).executeTakeFirstOrThrow();
      const anchors = await t.database.db.selectFrom('anchor').select('exact').where('gloss_id', '=', child.id).execute();
      // No event holds the words any more: the child's carry it as it now is, the parent's that carried them are gone.
      const events = await t.database.db.selectFrom('event').select(['item_id', 'payload']).where('item_kind', '=', 'gloss').where('item_id', 'in', [parent.id, child.id]).execute();
      expect(events.filter((e) => e.item_id === child.id).length).toBeGreaterThan(1);
      for (const where of [JSON.stringify(listed), annotation.text, stored.selectors, JSON.stringify(anchors), JSON.stringify(events)]) expect(where).not.toMatch(/hidden|meaning/);
    });

    it('removes a gloss with nothing beneath it outright', async () => {
      const g = await writeGloss(ada, slug, notes, { exact: 'God said' }, 'Short-lived.');
      const res = await ada.delete(`/api/glosses/${g.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ tombstone: false });
      expectError(await ada.get(`/api/glosses/${g.id}`), 404, 'not_found');
      expect((await ada.get(`/api/texts/${slug}/glosses`)).body.glosses.map((x: any) => x.id)).not.toContain(g.id);
      expectError(await ada.delete(`/api/glosses/${g.id}`), 404, 'not_found');
    });

    it('answers 404 for ids that cannot exist', async () => {
      for (const id of ['0', '-1', 'abc', '1e3', '99999999999999999999']) {
        expectError(await ada.get(`/api/glosses/${id}`), 404, 'not_found');
      }
    });
  });

  describe('re-attaching', () => {
    it('gives an orphan a new place in the current version; only its author may, and only to a quote that is there', async () => {
      const own = await createText(ada, { title: 'Moving', content: 'The quick brown fox jumps.\n\nA lazy dog sleeps.' });
      const layer = await createLayer(ada, own, { name: 'Moves', writePolicy: 'signed_in' });
      const g = (await ada.post(`/api/texts/${own}/layers/${layer}/glosses`, { target: { exact: 'brown fox' }, body: { markdown: 'Which fox?' } })).body;
      expect((await ada.post(`/api/texts/${own}/versions`, { format: 'markdown', content: 'A slow red hen walks.\n\nA lazy dog sleeps.' })).status).toBe(201);
      const orphan = (await ada.get(`/api/glosses/${g.id}`)).body;
      expect(orphan.anchor).toMatchObject({ version: 2, status: 'orphan', start: null });

      expectError(await bob.patch(`/api/glosses/${g.id}`, { target: { exact: 'red hen' } }), 403, 'forbidden');
      expectError(await ada.patch(`/api/glosses/${g.id}`, { target: { exact: 'purple cow' } }), 422, 'anchor_not_found');
      expectError(await ada.patch(`/api/glosses/${g.id}`, { target: { exact: 'red hen', gloss: 1 } }), 400, 'invalid_request');
      expect((await ada.get(`/api/glosses/${g.id}`)).body).toEqual(orphan);

      const res = await ada.patch(`/api/glosses/${g.id}`, { target: { exact: 'red hen', start: 7, end: 14 } });
      expect(res.status).toBe(200);
      expect(res.body.anchor).toEqual({ version: 2, start: 7, end: 14, status: 'exact', score: 1, exact: 'red hen' });
      expect(res.body.target).toMatchObject({ version: 2, exact: 'red hen', start: 7, end: 14 });
      expect(res.body.body.text).toBe('Which fox?');
      const listed = (await t.visitor().get(`/api/texts/${own}/glosses`)).body.glosses.find((x: any) => x.id === g.id);
      expect(listed.anchor).toMatchObject({ status: 'exact', start: 7, end: 14 });
    });
  });

  describe('re-attaching a gloss on a gloss', () => {
    it('checks the gloss it is on as writing would: a deleted one refuses, and tells nothing of what it held', async () => {
      const own = await createText(ada, { title: 'Nested moves', content: 'Plain words here.' });
      const layer = await createLayer(ada, own, { name: 'Nest', writePolicy: 'signed_in' });
      const parent = (await ada.post(`/api/texts/${own}/layers/${layer}/glosses`, { target: { exact: 'Plain words' }, body: { markdown: 'A secret phrase inside.' } })).body;
      const child = (await bob.post(`/api/texts/${own}/layers/${layer}/glosses`, { target: { exact: 'secret phrase', gloss: parent.id }, body: { markdown: 'On it.' } })).body;
      expect((await bob.patch(`/api/glosses/${child.id}`, { target: { exact: 'phrase inside' } })).status).toBe(200);
      // Ada deletes her gloss; Bob's stays under a tombstone, which has no words to re-attach to.
      expect((await ada.delete(`/api/glosses/${parent.id}`)).status).toBe(200);
      const before = (await bob.get(`/api/glosses/${child.id}`)).body;
      expectError(await bob.patch(`/api/glosses/${child.id}`, { target: { exact: 'secret phrase' } }), 409, 'target_deleted');
      expect((await bob.get(`/api/glosses/${child.id}`)).body).toEqual(before);
    });
  });

  describe('listing', () => {
    it('filters by ?layer=, one or several', async () => {
      const all = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body;
      expect(all).toMatchObject({ text: slug, version: 1 });
      const inNotes = (await t.visitor().get(`/api/texts/${slug}/glosses?layer=${notes}`)).body.glosses;
      const inOpen = (await t.visitor().get(`/api/texts/${slug}/glosses?layer=${open}`)).body.glosses;
      expect(inNotes.length).toBeGreaterThan(0);
      expect(inOpen.length).toBeGreaterThan(0);
      expect(inNotes.every((g: any) => g.layer === notes)).toBe(true);
      expect(inOpen.every((g: any) => g.layer === open)).toBe(true);
      expect(inNotes.length + inOpen.length).toBe(all.glosses.length);
      const both = (await t.visitor().get(`/api/texts/${slug}/glosses?layer=${notes},${open}`)).body.glosses;
      expect(both.map((g: any) => g.id)).toEqual(all.glosses.map((g: any) => g.id));
      const perLayer = (await t.visitor().get(`/api/texts/${slug}/layers/${open}/glosses`)).body.glosses;
      expect(perLayer.map((g: any) => g.id)).toEqual(inOpen.map((g: any) => g.id));
      expect((await t.visitor().get(`/api/texts/${slug}/glosses?layer=nothing-here`)).body.glosses).toEqual([]);
      expectError(await t.visitor().get(`/api/texts/${slug}/glosses?layer=Bad_Slug`), 400, 'invalid_request');
    });

    it('gives a new layer a colour no layer its creator can see has, and says nothing of hidden ones', async () => {
      const own = await createText(ada, { title: 'Colours', content: 'Red and blue.' });
      const first = (await ada.post(`/api/texts/${own}/layers`, { name: 'First', visibility: 'public', color: '#2e6f9e' })).body;
      const second = (await ada.post(`/api/texts/${own}/layers`, { name: 'Second', visibility: 'public' })).body;
      expect(second.color).not.toBe(first.color);
      // Ada's private layers take colours too, but Bob cannot see them: his choice ignores them.
      for (const name of ['Secret one', 'Secret two', 'Secret three']) await ada.post(`/api/texts/${own}/layers`, { name, visibility: 'private' });
      const bobs = (await bob.post(`/api/texts/${own}/layers`, { name: 'Bob', visibility: 'public' })).body;
      const carols = (await (await t.signup('carol')).post(`/api/texts/${own}/layers`, { name: 'Carol', visibility: 'public' })).body;
      expect(new Set([first.color, second.color, bobs.color, carols.color]).size).toBe(4);
      expect(bobs.color).toBe('#7a4fa3'); // the third colour, as if Ada's three private layers did not exist
    });

    it('counts active glosses in the layer list', async () => {
      const layers = (await t.visitor().get(`/api/texts/${slug}/layers`)).body.layers;
      const all = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses;
      for (const l of layers) {
        expect(l.glossCount).toBe(all.filter((g: any) => g.layer === l.slug && g.status === 'active').length);
      }
    });
  });
});

describe('an oversized gloss over a real socket', () => {
  it('gets a real 413 with the JSON error, not a reset connection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-413-'));
    const server = await startServer({ dbPath: path.join(dir, 'daf.db'), port: 0, demo: false });
    try {
      const headers = { 'content-type': 'application/json', origin: server.url };
      const signup = await fetch(`${server.url}/api/auth/signup`, { method: 'POST', headers, body: JSON.stringify({ handle: 'ada', password: 'correct horse battery' }) });
      expect(signup.status).toBe(201);
      const cookie = signup.headers.getSetCookie()[0].split(';')[0];
      const text = await fetch(`${server.url}/api/texts`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ title: 'T', format: 'plain', language: 'en', content: 'Some words.' }) });
      expect(text.status).toBe(201);
      const slug = (await text.json()).slug;
      const layer = await fetch(`${server.url}/api/texts/${slug}/layers`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ name: 'L', visibility: 'public' }) });
      expect(layer.status).toBe(201);
      const body = JSON.stringify({ target: { exact: 'words' }, body: { markdown: 'a'.repeat(1024 * 1024) } });
      const res = await fetch(`${server.url}/api/texts/${slug}/layers/${(await layer.json()).slug}/glosses`, { method: 'POST', headers: { ...headers, cookie }, body });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: expect.any(String) } });
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
