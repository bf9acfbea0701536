/**
 * Hiding a gloss hides the published glosses that comment on it, at any depth, and restoring it
 * restores them (services/moderation.ts). The walk down the thread is one recursive statement
 * (storage/moderation.ts `hideGlossesBelow`), not one query per level: hiding the root of a
 * 50-deep chain of comments-on-comments costs the database as many statements as hiding the root
 * of a chain of two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createTestApp, createText, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';

const depth = 50;

describe('hiding a gloss hides the thread beneath it, in one statement whatever its depth', () => {
  let t: TestApp;
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

  /**
   * Runs `request` and counts the SQL statements it prepares, leaving out the write of a
   * session's "last used", which happens only when that has gone stale (a minute boundary).
   */
  async function statementsOf(request: () => Promise<TestResponse>): Promise<{ res: TestResponse; statements: number }> {
    const sqlite = t.database.sqlite;
    const prepare = sqlite.prepare;
    let statements = 0;
    sqlite.prepare = function (this: typeof sqlite, source: string) {
      if (!/^update "session"/i.test(source)) statements++;
      return prepare.call(this, source);
    } as typeof prepare;
    try {
      return { res: await request(), statements };
    } finally {
      sqlite.prepare = prepare;
    }
  }

  const statusFor = async (client: TestClient, id: number) => (await client.get(`/api/glosses/${id}`)).body.status;

  beforeAll(async () => {
    t = await createTestApp();
    ann = await t.signup('ann');
    bob = await t.signup('bob');
    expect((await ann.post('/api/groups', { slug: 'deep', name: 'Deep', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await bob.post('/api/groups/deep/join')).status).toBe(200);
    text = await createText(ann, { title: 'Beginnings', content: 'In the beginning there was a word.' });
    expect((await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Deep notes', visibility: 'public', group: 'deep' })).status).toBe(201);
  });
  afterAll(async () => {
    expect(t.errors).toEqual([]);
    await t.close();
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
    const short = await statementsOf(() => ann.post(`/api/glosses/${shallow}/hide`, { reason: 'Off topic.' }));
    const long = await statementsOf(() => ann.post(`/api/glosses/${deep}/hide`, { reason: 'Off topic.' }));
    expect([short.res.status, long.res.status]).toEqual([200, 200]);
    expect(long.statements).toBe(short.statements);
    const shortBack = await statementsOf(() => ann.post(`/api/glosses/${shallow}/restore`));
    const longBack = await statementsOf(() => ann.post(`/api/glosses/${deep}/restore`));
    expect([shortBack.res.status, longBack.res.status]).toEqual([200, 200]);
    expect(longBack.statements).toBe(shortBack.statements);
  });
});
