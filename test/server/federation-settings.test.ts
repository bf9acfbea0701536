/**
 * The two federation opt-ins as the API sets and shows them: a group's `federated` (owners only,
 * public groups only: a federated group is not made private until it stops federating) and a
 * layer's `federation` (`off`, `publish`, `publish+replies`; whoever may change the layer, whatever
 * its visibility). Refusals change nothing in any table; what is set reads back from every route
 * that shows the group or the layer, and flows into the layer's event and the exports unharmed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshot, snapshotDiff } from '../helpers/access-world.ts';
import { expectError } from '../helpers/expect-error.ts';
import { createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';
import { findGroupBySlug, updateGroup } from '../../server/storage/groups.ts';

describe('federation settings', () => {
  const t = useTestApp();
  let olga: TestClient; // owner of both groups
  let mark: TestClient; // moderator of open-study
  let mina: TestClient; // member of open-study
  let otis: TestClient; // outsider
  let text: string;

  beforeAll(async () => {
    [olga, mark, mina, otis] = await Promise.all(['olga', 'mark', 'mina', 'otis'].map((h) => t.signup(h)));
    for (const [slug, visibility] of [['open-study', 'public'], ['closed-study', 'private']]) {
      const res = await olga.post('/api/groups', { slug, name: slug, visibility, joinPolicy: 'open' });
      expect(res.status, res.text).toBe(201);
    }
    for (const c of [mark, mina]) expect((await c.post('/api/groups/open-study/join')).status).toBe(200);
    expect((await olga.patch('/api/groups/open-study/members/mark', { role: 'moderator' })).status).toBe(200);
    text = await createText(olga, { title: 'Psalms', slug: 'psalms', content: 'The heavens declare the glory. The firmament shows the handiwork.' });
    for (const layer of [
      { name: 'Study notes', slug: 'study-notes', group: 'open-study', visibility: 'public' },
      { name: 'Study circle', slug: 'study-circle', group: 'open-study', visibility: 'group' },
      { name: 'Diary', slug: 'diary', visibility: 'private' },
    ]) {
      const res = await olga.post(`/api/texts/${text}/layers`, layer);
      expect(res.status, res.text).toBe(201);
    }
  });

  /** Runs a request that must be refused, and checks it changed nothing. */
  async function refused(req: () => Promise<any>, status: number, code: string) {
    const before = await snapshot(t);
    const res = await req();
    expectError(res, status, code);
    expect(snapshotDiff(before, await snapshot(t))).toEqual([]);
    return res;
  }
  const group = async (slug: string, who: TestClient = olga) => (await who.get(`/api/groups/${slug}`)).body;
  const listedGroup = async (slug: string, who: TestClient = olga) => ((await who.get('/api/groups')).body.groups as any[]).find((g) => g.slug === slug);
  const layer = async (slug: string, who: TestClient = olga) => (await who.get(`/api/texts/${text}/layers/${slug}`)).body;
  const listedLayer = async (slug: string, who: TestClient = olga) => ((await who.get(`/api/texts/${text}/layers`)).body.layers as any[]).find((l) => l.slug === slug);

  describe('a group’s federated flag', () => {
    it('is false by default, wherever the group is shown', async () => {
      const made = await olga.post('/api/groups', { slug: 'fresh', name: 'Fresh', visibility: 'public', joinPolicy: 'open' });
      expect(made.body.federated).toBe(false);
      expect((await group('fresh', otis)).federated).toBe(false);
      expect((await listedGroup('fresh', t.visitor())).federated).toBe(false);
      expect((await group('closed-study')).federated).toBe(false);
    });

    it('is set and cleared by an owner of a public group, and reads back', async () => {
      const on = await olga.patch('/api/groups/open-study', { federated: true });
      expect(on.status, on.text).toBe(200);
      expect(on.body).toMatchObject({ slug: 'open-study', visibility: 'public', federated: true });
      for (const who of [olga, mina, otis, t.visitor()]) {
        expect((await group('open-study', who)).federated).toBe(true);
        expect((await listedGroup('open-study', who)).federated).toBe(true);
      }
      // Saying it again is no change, and other settings travel with it.
      const again = await olga.patch('/api/groups/open-study', { federated: true, description: 'Federated.' });
      expect(again.body).toMatchObject({ federated: true, description: 'Federated.' });
      const audit = (await olga.get('/api/groups/open-study/audit')).body.entries as any[];
      expect(audit.find((e) => e.action === 'group.updated' && JSON.parse(e.reason).federated === true)).toBeDefined();

      const off = await olga.patch('/api/groups/open-study', { federated: false });
      expect(off.body.federated).toBe(false);
      expect((await group('open-study', otis)).federated).toBe(false);
    });

    it('is the owners’ alone to change: others are refused as for any setting', async () => {
      for (const c of [mark, mina, otis]) await refused(() => c.patch('/api/groups/open-study', { federated: true }), 403, 'forbidden');
      await refused(() => t.visitor().patch('/api/groups/open-study', { federated: true }), 401, 'unauthenticated');
      // A private group one does not belong to is not there at all.
      await refused(() => otis.patch('/api/groups/closed-study', { federated: true }), 404, 'not_found');
      expect((await group('open-study')).federated).toBe(false);
    });

    it('refuses anything but a boolean (400), changing nothing', async () => {
      for (const federated of ['yes', 1, 0, null, 'true']) {
        await refused(() => olga.patch('/api/groups/open-study', { federated }), 400, 'invalid_request');
      }
      // Nothing half-written: a good field beside a bad one is not stored either.
      await refused(() => olga.patch('/api/groups/open-study', { name: 'Renamed', federated: 'yes' }), 400, 'invalid_request');
      expect(await group('open-study')).toMatchObject({ name: 'open-study', federated: false });
    });

    it('refuses to federate a private group (409), changing nothing', async () => {
      const res = await refused(() => olga.patch('/api/groups/closed-study', { federated: true }), 409, 'group_not_public');
      expect(res.body.error.message).toMatch(/public/);
      await refused(() => olga.patch('/api/groups/closed-study', { federated: true, name: 'Renamed' }), 409, 'group_not_public');
      // Nor a public one that the same request makes private.
      await refused(() => olga.patch('/api/groups/open-study', { federated: true, visibility: 'private' }), 409, 'group_not_public');
      expect(await group('closed-study')).toMatchObject({ name: 'closed-study', visibility: 'private', federated: false });
      expect(await group('open-study')).toMatchObject({ visibility: 'public', federated: false });
      // Stopping what never started is no change; a request that makes the group public may federate it.
      expect((await olga.patch('/api/groups/closed-study', { federated: false })).body.federated).toBe(false);
      const both = await olga.patch('/api/groups/fresh', { visibility: 'private' });
      expect(both.status).toBe(200);
      const opened = await olga.patch('/api/groups/fresh', { visibility: 'public', federated: true });
      expect(opened.status, opened.text).toBe(200);
      expect(opened.body).toMatchObject({ visibility: 'public', federated: true });
    });

    it('refuses to make a federated group private until it stops federating (409), changing nothing', async () => {
      expect((await olga.patch('/api/groups/open-study', { federated: true })).body.federated).toBe(true);
      const res = await refused(() => olga.patch('/api/groups/open-study', { visibility: 'private' }), 409, 'group_federated');
      expect(res.body.error.message).toMatch(/stop federating/i);
      await refused(() => olga.patch('/api/groups/open-study', { visibility: 'private', description: 'Closed now.', federated: true }), 409, 'group_not_public');
      await refused(() => olga.patch('/api/groups/open-study', { visibility: 'private', description: 'Closed now.' }), 409, 'group_federated');
      expect(await group('open-study')).toMatchObject({ visibility: 'public', federated: true, description: 'Federated.' });
      // Staying public is no change of visibility.
      expect((await olga.patch('/api/groups/open-study', { visibility: 'public' })).status).toBe(200);
      // In one request: stop federating and close.
      const closed = await olga.patch('/api/groups/fresh', { visibility: 'private', federated: false });
      expect(closed.status, closed.text).toBe(200);
      expect(closed.body).toMatchObject({ visibility: 'private', federated: false });
      expect((await group('fresh')).federated).toBe(false);
    });

    it('holds as the row is written, so two owners’ changes at once cannot close a federated group', async () => {
      // What each of two requests read before the other wrote: the group public and not federated.
      const race = await olga.post('/api/groups', { slug: 'race', name: 'Race', visibility: 'public', joinPolicy: 'open' });
      expect(race.status).toBe(201);
      const { id } = (await findGroupBySlug(t.ctx.db, 'race'))!;
      expect(await updateGroup(t.ctx.db, id, { federated: 1 })).toBe(true);
      // The other request, which saw it unfederated, closes it: held back, and nothing changes.
      const before = await snapshot(t);
      expect(await updateGroup(t.ctx.db, id, { visibility: 'private', name: 'Closed race' })).toBe(false);
      expect(snapshotDiff(before, await snapshot(t))).toEqual([]);
      // And the other way round: closed first, then federated by a request that saw it public.
      expect(await updateGroup(t.ctx.db, id, { visibility: 'private', federated: 0 })).toBe(true);
      expect(await updateGroup(t.ctx.db, id, { federated: 1 })).toBe(false);
      expect(await group('race')).toMatchObject({ name: 'Race', visibility: 'private', federated: false });
    });
  });

  describe('a layer’s federation setting', () => {
    it('is "off" by default, wherever the layer is shown', async () => {
      const made = await olga.post(`/api/texts/${text}/layers`, { name: 'Fresh layer', slug: 'fresh-layer', visibility: 'public' });
      expect(made.body.federation).toBe('off');
      for (const slug of ['study-notes', 'study-circle', 'diary', 'fresh-layer']) {
        expect((await layer(slug)).federation).toBe('off');
        expect((await listedLayer(slug)).federation).toBe('off');
      }
      expect((await layer('study-notes', t.visitor())).federation).toBe('off');
    });

    it('takes each of its values from whoever may change the layer, and reads back', async () => {
      for (const federation of ['publish', 'publish+replies', 'off', 'publish+replies'] as const) {
        const res = await olga.patch(`/api/texts/${text}/layers/study-notes`, { federation });
        expect(res.status, res.text).toBe(200);
        expect(res.body).toMatchObject({ slug: 'study-notes', federation });
        expect((await layer('study-notes')).federation).toBe(federation);
        expect((await listedLayer('study-notes', otis)).federation).toBe(federation);
        expect((await layer('study-notes', t.visitor())).federation).toBe(federation);
      }
      // With other settings at once.
      const both = await olga.patch(`/api/texts/${text}/layers/study-notes`, { description: 'Sent out.', federation: 'publish' });
      expect(both.body).toMatchObject({ description: 'Sent out.', federation: 'publish' });
      // A person's own layer: its owner may set it too.
      const own = await otis.post(`/api/texts/${text}/layers`, { name: 'Otis reads', slug: 'otis-reads', visibility: 'public' });
      expect(own.status).toBe(201);
      expect((await otis.patch(`/api/texts/${text}/layers/otis-reads`, { federation: 'publish' })).body.federation).toBe('publish');
    });

    it("is recorded in the group's audit log with the layer's name, as every change of a group layer is, and not for a person's own layer", async () => {
      expect((await olga.patch(`/api/texts/${text}/layers/study-notes`, { federation: 'publish+replies', name: 'Study notes, sent out' })).status).toBe(200);
      const entries = (await mark.get('/api/groups/open-study/audit')).body.entries as { action: string; actor: string; reason: string }[];
      const entry = entries.find((e) => e.action === 'layer.updated')!;
      expect(entry.actor).toBe('olga');
      expect(JSON.parse(entry.reason)).toEqual({ layer: 'Study notes', federation: 'publish+replies', name: 'Study notes, sent out' });
      const rows = await t.database.db.selectFrom('audit_log').select('group_id').where('action', '=', 'layer.updated').execute();
      expect((await olga.patch(`/api/texts/${text}/layers/diary`, { description: 'Mine.' })).status).toBe(200);
      expect(await t.database.db.selectFrom('audit_log').select('group_id').where('action', '=', 'layer.updated').execute()).toHaveLength(rows.length);
      expect((await olga.patch(`/api/texts/${text}/layers/study-notes`, { name: 'Study notes', federation: 'publish' })).status).toBe(200);
    });

    it('is stored whatever the layer’s visibility', async () => {
      for (const slug of ['study-circle', 'diary']) {
        const res = await olga.patch(`/api/texts/${text}/layers/${slug}`, { federation: 'publish' });
        expect(res.status, res.text).toBe(200);
        expect(res.body.federation).toBe('publish');
        expect((await layer(slug)).federation).toBe('publish');
      }
      expect((await layer('study-circle', mina)).federation).toBe('publish');
    });

    it('refuses any other value (400), changing nothing', async () => {
      for (const federation of ['on', 'PUBLISH', 'publish replies', 'replies', '', null, true, 1]) {
        await refused(() => olga.patch(`/api/texts/${text}/layers/study-notes`, { federation }), 400, 'invalid_request');
      }
      await refused(() => olga.patch(`/api/texts/${text}/layers/study-notes`, { name: 'Renamed', federation: 'everywhere' }), 400, 'invalid_request');
      expect(await layer('study-notes')).toMatchObject({ name: 'Study notes', federation: 'publish' });
    });

    it('is refused to those who may not change the layer, as any change is', async () => {
      for (const c of [mark, mina, otis]) {
        await refused(() => c.patch(`/api/texts/${text}/layers/study-notes`, { federation: 'off' }), 403, 'forbidden');
      }
      await refused(() => t.visitor().patch(`/api/texts/${text}/layers/study-notes`, { federation: 'off' }), 401, 'unauthenticated');
      // A layer one may not read is not there at all.
      await refused(() => otis.patch(`/api/texts/${text}/layers/study-circle`, { federation: 'off' }), 404, 'not_found');
      await refused(() => mina.patch(`/api/texts/${text}/layers/diary`, { federation: 'off' }), 404, 'not_found');
      expect((await layer('study-notes')).federation).toBe('publish');
    });

    it('travels in the layer’s event, and the exports still answer', async () => {
      await writeGloss(olga, text, 'study-notes', { exact: 'The heavens declare' }, 'Sent out, one day.');
      expect((await olga.patch(`/api/texts/${text}/layers/study-notes`, { federation: 'publish+replies' })).status).toBe(200);
      const last = await t.ctx.db.selectFrom('event').select(['kind', 'payload']).where('kind', '=', 'layer.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(JSON.parse(last.payload)).toMatchObject({ slug: 'study-notes', federation: 'publish+replies' });
      const w3c = await otis.get(`/annotations/${text}/study-notes/`);
      expect(w3c.status, w3c.text).toBe(200);
      expect(w3c.text).not.toContain('federation');
      const account = await olga.get('/api/me/export');
      expect(account.status).toBe(200);
      expect(account.text).toContain('Sent out, one day.');
    });
  });
});
