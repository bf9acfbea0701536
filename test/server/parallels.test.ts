/**
 * Parallel texts (README, "The API"): pairing a text with its translation, and who may see and
 * change the pairing. A private translation shows through no door to those who may not read it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, createText, type TestClient } from '../helpers/test-app.ts';
import { expectError } from '../helpers/expect-error.ts';

describe('parallel texts', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let he: string;
  let en: string;
  let secret: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    he = await createText(ada, { title: 'Avot', language: 'he', format: 'plain', content: 'משה קבל תורה מסיני' });
    en = await createText(ada, { title: 'Avot (English)', content: 'Moses received the Torah at Sinai' });
    secret = await createText(ada, { title: 'Draft translation', content: 'Moses took the Torah', visibility: 'private' });
  });

  it('pairs a text with its translation, listed to every reader', async () => {
    const res = await ada.post(`/api/texts/${he}/parallels`, { text: en });
    expect(res.status).toBe(201);
    expect(res.body.parallels).toEqual([expect.objectContaining({ slug: en, title: 'Avot (English)', language: 'en', direction: 'ltr' })]);
    expect((await t.visitor().get(`/api/texts/${he}/parallels`)).body.parallels.map((p: { slug: string }) => p.slug)).toEqual([en]);
    // One way: the translation does not list the original unless paired too.
    expect((await t.visitor().get(`/api/texts/${en}/parallels`)).body.parallels).toEqual([]);
  });

  it('refuses pairing twice (409), with itself (400), with an unknown or unreadable text (404), and by others (403)', async () => {
    expectError(await ada.post(`/api/texts/${he}/parallels`, { text: en }), 409, 'already_paired');
    expectError(await ada.post(`/api/texts/${he}/parallels`, { text: he }), 400, 'invalid_request');
    expectError(await ada.post(`/api/texts/${he}/parallels`, { text: 'no-such-text' }), 404, 'not_found');
    expectError(await ada.post(`/api/texts/${he}/parallels`, { text: 'Not A Slug' }), 400, 'invalid_request');
    expectError(await bob.post(`/api/texts/${he}/parallels`, { text: en }), 403, 'forbidden');
    const bobs = await createText(bob, { title: 'Mine', content: 'x' });
    expectError(await bob.post(`/api/texts/${bobs}/parallels`, { text: secret }), 404, 'not_found');
    expectError(await t.visitor().post(`/api/texts/${he}/parallels`, { text: en }), 401, 'unauthenticated');
  });

  it('shows a private parallel only to those who may read it', async () => {
    expect((await ada.post(`/api/texts/${he}/parallels`, { text: secret })).status).toBe(201);
    expect((await ada.get(`/api/texts/${he}/parallels`)).body.parallels.map((p: { slug: string }) => p.slug)).toEqual([en, secret]);
    expect((await bob.get(`/api/texts/${he}/parallels`)).body.parallels.map((p: { slug: string }) => p.slug)).toEqual([en]);
  });

  it('unpairs (204), once (404), and only for those who may revise the text (403)', async () => {
    expectError(await bob.delete(`/api/texts/${he}/parallels/${secret}`), 403, 'forbidden');
    expect((await ada.delete(`/api/texts/${he}/parallels/${secret}`)).status).toBe(204);
    expectError(await ada.delete(`/api/texts/${he}/parallels/${secret}`), 404, 'not_found');
    expect((await ada.get(`/api/texts/${he}/parallels`)).body.parallels.map((p: { slug: string }) => p.slug)).toEqual([en]);
  });

  it('tells an editor who cannot read the other text nothing of its pairing: 404 in the same words as no pairing', async () => {
    // carol moderates a group with bob; she pairs the group's text with her private draft.
    const carol = await t.signup('carol');
    expect((await bob.post('/api/groups', { slug: 'pair-circle', name: 'Pair circle', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await carol.post('/api/groups/pair-circle/join')).status).toBe(200);
    expect((await bob.patch('/api/groups/pair-circle/members/carol', { role: 'moderator' })).status).toBe(200);
    const shared = await bob.post('/api/texts', { title: 'Shared', format: 'markdown', language: 'en', content: 'A shared text', group: 'pair-circle' });
    expect(shared.status).toBe(201);
    const draft = await createText(carol, { title: 'Carol’s draft', content: 'Hers alone', visibility: 'private' });
    expect((await carol.post(`/api/texts/${shared.body.slug}/parallels`, { text: draft })).status).toBe(201);
    // bob may revise the shared text but not read the draft: its pairing is as absent as none.
    const probe = await bob.delete(`/api/texts/${shared.body.slug}/parallels/${draft}`);
    const none = await bob.delete(`/api/texts/${shared.body.slug}/parallels/no-such-text`);
    expectError(probe, 404, 'not_found');
    expect(probe.body.error.message.replace(draft, 'X')).toBe(none.body.error.message.replace('no-such-text', 'X'));
    // And the pairing stands.
    expect((await carol.get(`/api/texts/${shared.body.slug}/parallels`)).body.parallels.map((p: { slug: string }) => p.slug)).toEqual([draft]);
  });
});
