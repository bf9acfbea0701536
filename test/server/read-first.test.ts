/**
 * Read-first layers (docs/deliberation.md §4): until a member has a gloss of their own in the
 * layer, they see there only their own; once they have written, all; its moderators always. The
 * rule holds at every door a gloss can be read through (the access matrix covers each door for
 * every person; this file follows one member through the change, and the refusals).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('read-first layers', () => {
  const t = useTestApp();
  let mod: TestClient;
  let ruth: TestClient;
  let sam: TestClient;
  let late: TestClient;
  let text: string;
  const layer = 'first-thoughts';
  const marks = { ruth: 'zzruthreadingqx', sam: 'zzsamreadingqx', reply: 'zzruthreplyqx' };
  let ruthGloss: number;
  let samGloss: number;

  const listedIds = async (c: TestClient) => ((await c.get(`/api/texts/${text}/glosses`)).body.glosses as { id: number }[]).map((g) => g.id).sort();
  const layerOf = async (c: TestClient) => (await c.get(`/api/texts/${text}/layers/${layer}`)).body as { readFirst: boolean; glossCount: number; hiddenUntilYouWrite: number };

  beforeAll(async () => {
    mod = await t.signup('moira');
    ruth = await t.signup('ruth');
    sam = await t.signup('sam');
    late = await t.signup('lena');
    expect((await mod.post('/api/groups', { slug: 'council', name: 'Council', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    for (const c of [ruth, sam, late]) expect((await c.post('/api/groups/council/join')).status).toBe(200);
    text = await createText(mod, { title: 'Platform', content: 'Every street shall have trees. Every child shall have a library.', group: 'council', visibility: 'public' });
    const made = await mod.post(`/api/texts/${text}/layers`, { name: 'First thoughts', slug: layer, group: 'council', visibility: 'public', readFirst: true });
    expect(made.status, made.text).toBe(201);
    expect(made.body.readFirst).toBe(true);
    ruthGloss = (await writeGloss(ruth, text, layer, { exact: 'Every street' }, `${marks.ruth}: trees cost water.`)).id;
    const r = await ruth.post(`/api/glosses/${ruthGloss}/replies`, { body: { markdown: `${marks.reply} and shade.` } });
    expect(r.status, r.text).toBe(201);
  });

  it('shows a member who has not written only their own, and says how many wait', async () => {
    expect(await listedIds(sam)).toEqual([]);
    expect(await layerOf(sam)).toMatchObject({ readFirst: true, glossCount: 0, hiddenUntilYouWrite: 1 });
    expectError(await sam.get(`/api/glosses/${ruthGloss}`), 404, 'not_found');
    // Not through its thread, its stance, its search hits, its W3C annotation, its passage, its feed.
    expectError(await sam.post(`/api/glosses/${ruthGloss}/replies`, { body: { markdown: 'A peek.' } }), 404, 'not_found');
    expectError(await sam.put(`/api/glosses/${ruthGloss}/stance`, { stance: 'agree' }), 404, 'not_found');
    for (const c of [sam, t.visitor()]) {
      for (const url of [
        `/api/search?q=${marks.ruth}`,
        `/api/search?q=${marks.reply}`,
        `/annotations/${text}/${layer}/`,
        `/api/texts/${text}/passage?from=1&to=2`,
        `/feeds/texts/${text}/layers/${layer}.atom`,
        `/t/${text}`,
      ]) {
        const res = await c.get(url);
        expect(res.status, url).toBeLessThan(400);
        expect(res.text, url).not.toContain(marks.ruth);
        expect(res.text, url).not.toContain(marks.reply);
      }
    }
    expect((await t.visitor().get(`/api/texts/${text}/layers/${layer}`)).body.hiddenUntilYouWrite).toBe(1);
  });

  it('shows the others’ once the member has written, and moderators always', async () => {
    expect(await listedIds(mod)).toEqual([ruthGloss]);
    expect((await layerOf(mod)).hiddenUntilYouWrite).toBe(0);
    samGloss = (await writeGloss(sam, text, layer, { exact: 'Every child' }, `${marks.sam}: libraries need staff.`)).id;
    expect(await listedIds(sam)).toEqual([ruthGloss, samGloss].sort());
    expect(await layerOf(sam)).toMatchObject({ glossCount: 2, hiddenUntilYouWrite: 0 });
    expect((await sam.get(`/api/glosses/${ruthGloss}`)).body.replies).toHaveLength(1);
    const found = await sam.get(`/api/search?q=${marks.reply}`);
    expect(found.text).toContain(marks.reply);
    // Ruth, who wrote first, now sees Sam's; a member who has not written sees neither.
    expect(await listedIds(ruth)).toEqual([ruthGloss, samGloss].sort());
    expect(await listedIds(late)).toEqual([]);
    expect((await layerOf(late)).hiddenUntilYouWrite).toBe(2);
  });

  it('keeps replies, stances and notifications with their gloss', async () => {
    // Sam answers Ruth and names Lena: Lena, who has not written, is not told.
    const r = await sam.post(`/api/glosses/${ruthGloss}/replies`, { body: { markdown: 'Shade saves water too, @lena @ruth.' } });
    expect(r.status, r.text).toBe(201);
    const told = async (c: TestClient) => ((await c.get('/api/notifications')).body.notifications as { gloss?: number; post?: { gloss: number } }[]).length;
    expect(await told(late)).toBe(0);
    expect(await told(ruth)).toBeGreaterThan(0);
    const mentions = await sam.get(`/api/texts/${text}/layers/${layer}/mentions?handles=lena,ruth,moira`);
    expect(mentions.body).toMatchObject({ reach: ['ruth', 'moira'], unreached: ['lena'] });
    // Once Lena writes, the thread is hers to read; she was not told of what she could not read then.
    await writeGloss(late, text, layer, { exact: 'shall have trees' }, 'Which trees?');
    expect((await late.get(`/api/glosses/${ruthGloss}`)).body.replies.map((x: { id: number }) => x.id)).toContain(r.body.id);
    expect(await told(late)).toBe(0);
  });

  it('counts a gloss awaiting a moderator as written, and a deleted one not', async () => {
    const nora = await t.signup('nora');
    expect((await nora.post('/api/groups/council/join')).status).toBe(200);
    const own = await writeGloss(nora, text, layer, { exact: 'a library' }, 'Open late, please.');
    expect((await listedIds(nora)).length).toBeGreaterThan(1);
    expect((await nora.delete(`/api/glosses/${own.id}`)).status).toBe(200);
    expect(await listedIds(nora)).toEqual([]);
  });

  it('lets only the layer’s owners turn it on or off, and turns it off for all', async () => {
    expectError(await ruth.patch(`/api/texts/${text}/layers/${layer}`, { readFirst: false }), 403, 'forbidden');
    expectError(await mod.patch(`/api/texts/${text}/layers/${layer}`, { readFirst: 'yes' }), 400, 'invalid_request');
    const off = await mod.patch(`/api/texts/${text}/layers/${layer}`, { readFirst: false });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ readFirst: false, hiddenUntilYouWrite: 0 });
    expect((await t.visitor().get(`/api/texts/${text}/glosses`)).body.glosses.length).toBeGreaterThan(1);
    expect((await mod.patch(`/api/texts/${text}/layers/${layer}`, { readFirst: true })).body.readFirst).toBe(true);
    expect(await listedIds(t.visitor())).toEqual([]);
  });

  it('refuses commentary from another layer on its glosses, which would show them to those who have not written', async () => {
    const other = await mod.post(`/api/texts/${text}/layers`, { name: 'Open notes', slug: 'open-notes', group: 'council', visibility: 'public' });
    expect(other.status, other.text).toBe(201);
    expectError(
      await mod.post(`/api/texts/${text}/layers/open-notes/glosses`, { target: { gloss: samGloss, exact: 'libraries need staff' }, body: { markdown: 'Agreed.' } }),
      409,
      'visibility_mismatch',
    );
    // And a layer already commented on from elsewhere cannot become read-first.
    const plain = await mod.post(`/api/texts/${text}/layers`, { name: 'Plain', slug: 'plain', group: 'council', visibility: 'public' });
    expect(plain.status).toBe(201);
    const base = await writeGloss(mod, text, 'plain', { exact: 'Every street' }, 'Base reading.');
    await writeGloss(mod, text, 'open-notes', { gloss: base.id, exact: 'Base reading' }, 'On the base reading.');
    expectError(await mod.patch(`/api/texts/${text}/layers/plain`, { readFirst: true }), 409, 'layer_has_dependents');
    expect((await mod.get(`/api/texts/${text}/layers/plain`)).body.readFirst).toBe(false);
  });
});
