/**
 * Reading plans (`GET`/`PUT`/`DELETE /api/groups/:slug/plan`): a group's owners and moderators
 * set a plan for a text — dated passages, or N segments a day or a week from a date — and
 * whoever may see the group and read the text reads it, expanded into passages, with the passage
 * of today (by the app's clock) and the next one. Refusals answer in the error shape and write
 * nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshot, snapshotDiff } from '../helpers/access-world.ts';
import { expectError } from '../helpers/expect-error.ts';
import { createText, useTestApp, type TestClient } from '../helpers/test-app.ts';

/** A small book: chapter 1 has five verses, chapter 2 three (refs 1:1 … 2:3). */
const book = {
  title: 'Small Book',
  text: [
    ['One one.', 'One two.', 'One three.', 'One four.', 'One five.'],
    ['Two one.', 'Two two.', 'Two three.'],
  ],
};
const weekly = { kind: 'pace', segments: 3, every: 'week', start: '2026-12-10' } as const;

describe('reading plans', () => {
  /** The app's clock, which each test sets: "now" is read by it. */
  let clock = new Date('2026-12-18T09:00:00Z');
  const t = useTestApp({ options: { clock: () => clock } });
  let rivka: TestClient; // owner of both groups
  let shmuel: TestClient; // moderator of the public group
  let pnina: TestClient; // member of both
  let otto: TestClient; // in no group
  let pub: string; // a public text with segments
  let mine: string; // rivka's private text
  let closedText: string; // a text of the private group, members only
  let flat: string; // a public text without segments

  beforeAll(async () => {
    [rivka, shmuel, pnina, otto] = await Promise.all(['rivka', 'shmuel', 'pnina', 'otto'].map((h) => t.signup(h)));
    expect((await rivka.post('/api/groups', { slug: 'avot', name: 'Avot', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await rivka.post('/api/groups', { slug: 'hidden', name: 'Hidden', visibility: 'private', joinPolicy: 'invite' })).status).toBe(201);
    for (const c of [shmuel, pnina]) expect((await c.post('/api/groups/avot/join')).status).toBe(200);
    expect((await rivka.patch('/api/groups/avot/members/shmuel', { role: 'moderator' })).status).toBe(200);
    const inv = await rivka.post('/api/groups/hidden/invitations', {});
    expect((await pnina.post(`/api/invitations/${inv.body.token}/accept`)).status).toBe(200);
    pub = await createText(rivka, { title: 'Small Book', slug: 'small-book', format: 'sefaria', content: book });
    mine = await createText(rivka, { title: 'Mine', slug: 'mine', format: 'sefaria', content: book, visibility: 'private' });
    closedText = await createText(rivka, { title: 'Closed Book', slug: 'closed-book', format: 'sefaria', content: book, visibility: 'group', group: 'hidden' });
    flat = await createText(rivka, { title: 'Flat', slug: 'flat', content: 'No segments here.' });
  });

  beforeEach(async () => {
    clock = new Date('2026-12-18T09:00:00Z');
    for (const slug of ['avot', 'hidden']) await rivka.delete(`/api/groups/${slug}/plan`);
  });

  it('sets a weekly pace, and everyone who sees the group reads it with this week’s passage', async () => {
    const set = await shmuel.put('/api/groups/avot/plan', { text: pub, schedule: weekly });
    expect(set.status).toBe(200);
    const expected = {
      group: 'avot',
      text: { slug: pub, title: 'Small Book', language: 'en', direction: 'ltr' },
      schedule: { ...weekly, from: null },
      passages: [
        { from: '1:1', to: '1:3', start: '2026-12-10', end: '2026-12-16', title: null },
        { from: '1:4', to: '2:1', start: '2026-12-17', end: '2026-12-23', title: null },
        { from: '2:2', to: '2:3', start: '2026-12-24', end: '2026-12-30', title: null },
      ],
      today: '2026-12-18',
      now: { from: '1:4', to: '2:1', start: '2026-12-17', end: '2026-12-23', title: null },
      next: { from: '2:2', to: '2:3', start: '2026-12-24', end: '2026-12-30', title: null },
      updated: '2026-12-18T09:00:00.000Z',
    };
    expect(set.body).toEqual(expected);
    for (const c of [rivka, pnina, otto, t.visitor()]) {
      const got = await c.get('/api/groups/avot/plan');
      expect(got.status).toBe(200);
      expect(got.body).toEqual(expected);
    }
    // The group's page says there is one, so the page asks for it.
    expect((await otto.get('/api/groups/avot')).body.hasPlan).toBe(true);
    // The audit log says who set it, and on which text.
    const audit = await rivka.get('/api/groups/avot/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'plan.set', actor: 'shmuel', reason: 'Small Book' });
  });

  it('reads "now" by the app’s clock: nothing before the plan starts or after it ends', async () => {
    expect((await rivka.put('/api/groups/avot/plan', { text: pub, schedule: weekly })).status).toBe(200);
    const at = async (iso: string) => {
      clock = new Date(iso);
      const { body } = await pnina.get('/api/groups/avot/plan');
      return { today: body.today, now: body.now?.from ?? null, next: body.next?.from ?? null };
    };
    expect(await at('2026-12-09T23:59:59Z')).toEqual({ today: '2026-12-09', now: null, next: '1:1' });
    expect(await at('2026-12-10T00:00:00Z')).toEqual({ today: '2026-12-10', now: '1:1', next: '1:4' });
    expect(await at('2026-12-16T23:59:59Z')).toEqual({ today: '2026-12-16', now: '1:1', next: '1:4' });
    expect(await at('2026-12-30T12:00:00Z')).toEqual({ today: '2026-12-30', now: '2:2', next: null });
    expect(await at('2026-12-31T00:00:00Z')).toEqual({ today: '2026-12-31', now: null, next: null });
  });

  it('replaces the plan with dated passages, each read until the next', async () => {
    expect((await rivka.put('/api/groups/avot/plan', { text: pub, schedule: weekly })).status).toBe(200);
    const schedule = {
      kind: 'dates',
      passages: [
        { from: '1:1', to: '1:2', date: '2026-12-03', title: 'The chain' },
        { from: '1:3', to: '1:5', date: '2026-12-17' },
        { from: '2:1', date: '2026-12-24', title: 'Chapter two' },
      ],
    };
    const set = await shmuel.put('/api/groups/avot/plan', { text: pub, schedule });
    expect(set.status).toBe(200);
    const got = await otto.get('/api/groups/avot/plan');
    expect(got.body).toEqual(set.body);
    expect(got.body.schedule).toEqual({ kind: 'dates' });
    expect(got.body.passages).toEqual([
      { from: '1:1', to: '1:2', start: '2026-12-03', end: '2026-12-16', title: 'The chain' },
      { from: '1:3', to: '1:5', start: '2026-12-17', end: '2026-12-23', title: null },
      { from: '2:1', to: '2:1', start: '2026-12-24', end: '2026-12-30', title: 'Chapter two' },
    ]);
    expect(got.body.now).toEqual(got.body.passages[1]);
    expect(got.body.next).toEqual(got.body.passages[2]);
    expect(await t.database.db.selectFrom('reading_plan').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 1 });
  });

  it('lets only owners and moderators set or remove it; a private group stays unknown to outsiders', async () => {
    const body = { text: pub, schedule: weekly };
    expectError(await pnina.put('/api/groups/avot/plan', body), 403, 'forbidden');
    expectError(await otto.put('/api/groups/avot/plan', body), 403, 'forbidden');
    expectError(await t.visitor().put('/api/groups/avot/plan', body), 401, 'unauthenticated');
    expectError(await pnina.put('/api/groups/hidden/plan', { text: closedText, schedule: weekly }), 403, 'forbidden');
    expectError(await otto.put('/api/groups/hidden/plan', { text: closedText, schedule: weekly }), 404, 'not_found');
    expectError(await shmuel.put('/api/groups/hidden/plan', { text: pub, schedule: weekly }), 404, 'not_found');
    expectError(await t.visitor().put('/api/groups/no-such-group/plan', body), 401, 'unauthenticated');
    expectError(await rivka.put('/api/groups/no-such-group/plan', body), 404, 'not_found');

    expect((await rivka.put('/api/groups/hidden/plan', { text: closedText, schedule: weekly })).status).toBe(200);
    expect((await pnina.get('/api/groups/hidden/plan')).body.text.slug).toBe(closedText);
    const unknown = await otto.get('/api/groups/hidden/plan');
    expectError(unknown, 404, 'not_found');
    expect(unknown.text).not.toContain('Closed Book');
    expectError(await t.visitor().get('/api/groups/hidden/plan'), 404, 'not_found');

    expect((await shmuel.put('/api/groups/avot/plan', body)).status).toBe(200);
    expectError(await pnina.delete('/api/groups/avot/plan'), 403, 'forbidden');
    expectError(await t.visitor().delete('/api/groups/avot/plan'), 401, 'unauthenticated');
    expect((await shmuel.delete('/api/groups/avot/plan')).status).toBe(204);
    expectError(await pnina.get('/api/groups/avot/plan'), 404, 'not_found');
    expectError(await shmuel.delete('/api/groups/avot/plan'), 404, 'not_found');
    expect((await pnina.get('/api/groups/avot')).body.hasPlan).toBe(false);
    expect((await rivka.get('/api/groups/avot/audit')).body.entries[0]).toMatchObject({ action: 'plan.removed', actor: 'shmuel' });
  });

  it('reads only a text every member may read', async () => {
    // A private text, even the owner's own; another group's text; a text one may not read at all.
    expectError(await rivka.put('/api/groups/avot/plan', { text: mine, schedule: weekly }), 409, 'text_not_shared');
    expectError(await rivka.put('/api/groups/avot/plan', { text: closedText, schedule: weekly }), 409, 'text_not_shared');
    expectError(await shmuel.put('/api/groups/avot/plan', { text: closedText, schedule: weekly }), 404, 'not_found');
    expectError(await shmuel.put('/api/groups/avot/plan', { text: 'no-such-text', schedule: weekly }), 404, 'not_found');
    // A public group may read a public text or its own; the private group a public text too.
    expect((await rivka.put('/api/groups/hidden/plan', { text: pub, schedule: weekly })).status).toBe(200);
  });

  it('shows a plan on a members-only text to the members alone', async () => {
    expect((await rivka.post('/api/groups', { slug: 'open-doors', name: 'Open doors', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await pnina.post('/api/groups/open-doors/join')).status).toBe(200);
    const own = await createText(rivka, { title: 'Members Book', slug: 'members-book', format: 'sefaria', content: book, visibility: 'group', group: 'open-doors' });
    expect((await rivka.put('/api/groups/open-doors/plan', { text: own, schedule: weekly })).status).toBe(200);
    expect((await pnina.get('/api/groups/open-doors/plan')).status).toBe(200);
    // Others see the group, but not its text: for them it has no plan, in the same words.
    expect((await pnina.get('/api/groups/open-doors')).body.hasPlan).toBe(true);
    for (const c of [otto, t.visitor()]) {
      expect((await c.get('/api/groups/open-doors')).body.hasPlan).toBe(false);
      const res = await c.get('/api/groups/open-doors/plan');
      expectError(res, 404, 'not_found');
      expect(res.body.error.message).toBe((await c.get('/api/groups/avot/plan')).body.error.message.replace('avot', 'open-doors'));
      expect(res.text).not.toContain('Members Book');
    }
  });

  it('refuses a malformed plan (400) and one the text cannot hold (422), writing nothing', async () => {
    expect((await rivka.put('/api/groups/avot/plan', { text: pub, schedule: weekly })).status).toBe(200);
    const before = await snapshot(t);
    const bad = [
      { text: pub },
      { text: pub, schedule: { kind: 'monthly', segments: 1, start: '2026-12-10' } },
      { text: pub, schedule: { ...weekly, segments: 0 } },
      { text: pub, schedule: { ...weekly, every: 'month' } },
      { text: pub, schedule: { ...weekly, start: '2026-02-30' } },
      { text: pub, schedule: { ...weekly, start: '10/12/2026' } },
      { text: pub, schedule: { ...weekly, extra: true } },
      { text: pub, schedule: { kind: 'dates', passages: [] } },
      { text: pub, schedule: { kind: 'dates', passages: [{ from: '1:1', date: '2026-12-17' }, { from: '1:2', date: '2026-12-10' }] } },
      { text: pub, schedule: { kind: 'dates', passages: [{ from: '1:1', date: '2026-12-10', title: 'x'.repeat(201) }] } },
      { text: pub, schedule: { kind: 'dates', passages: [{ from: '', date: '2026-12-10' }] } },
      { text: 'Not A Slug', schedule: weekly },
    ];
    for (const body of bad) expectError(await rivka.put('/api/groups/avot/plan', body), 400, 'invalid_request');
    expectError(await rivka.put('/api/groups/avot/plan', 'not json', { 'content-type': 'application/json' }), 400, 'invalid_json');

    const unknown = await rivka.put('/api/groups/avot/plan', { text: pub, schedule: { kind: 'dates', passages: [{ from: '1:1', date: '2026-12-10' }, { from: '3:1', to: '3:4', date: '2026-12-17' }] } });
    expectError(unknown, 422, 'unknown_ref');
    expect(unknown.body.error.message).toBe('Passage 2 (2026-12-17): the text has no passage "3:1"');
    expectError(await rivka.put('/api/groups/avot/plan', { text: pub, schedule: { ...weekly, from: '9:9' } }), 422, 'unknown_ref');
    expectError(await rivka.put('/api/groups/avot/plan', { text: pub, schedule: { kind: 'dates', passages: [{ from: '2:1', to: '1:1', date: '2026-12-10' }] } }), 422, 'reversed_passage');
    const noSegments = await rivka.put('/api/groups/avot/plan', { text: flat, schedule: weekly });
    expectError(noSegments, 422, 'no_segments');
    expect(noSegments.body.error.message).toMatch(/no numbered passages/);

    expect(snapshotDiff(before, await snapshot(t))).toEqual([]);
    expect((await pnina.get('/api/groups/avot/plan')).body.schedule).toEqual({ ...weekly, from: null });
  });

  it('walks a pace over the text as it is now: a new version re-expands it', async () => {
    expect((await rivka.put('/api/groups/avot/plan', { text: pub, schedule: { kind: 'pace', segments: 4, every: 'day', start: '2026-12-18', from: '1:3' } })).status).toBe(200);
    expect((await pnina.get('/api/groups/avot/plan')).body.passages.map((p: { from: string; to: string }) => `${p.from}-${p.to}`)).toEqual(['1:3-2:1', '2:2-2:3']);
    const longer = { ...book, text: [...book.text, ['Three one.', 'Three two.']] };
    expect((await rivka.post(`/api/texts/${pub}/versions`, { format: 'sefaria', content: longer })).status).toBe(201);
    const { body } = await pnina.get('/api/groups/avot/plan');
    expect(body.passages.map((p: { from: string; to: string; start: string }) => `${p.from}-${p.to} ${p.start}`)).toEqual(['1:3-2:1 2026-12-18', '2:2-3:2 2026-12-19']);
    expect(body.now.from).toBe('1:3');
  });
});
