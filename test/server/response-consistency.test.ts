/**
 * A resource answers the same way whichever route gives it: a layer listed, created, changed or
 * asked for alone; a group listed, shown, created or changed. A client that keeps what one route
 * answered must not lose a field (or read a wrong one) because another route left it out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('one resource, one answer', () => {
  const t = useTestApp();
  let owner: TestClient;
  let text: string;

  beforeAll(async () => {
    owner = await t.signup('ruth');
    await owner.post('/api/groups', { slug: 'shiur', name: 'Shiur', visibility: 'public', joinPolicy: 'open' });
    text = await createText(owner, { title: 'Ruth', content: 'Whither thou goest, I will go.' });
  });

  const listed = async (client: TestClient, slug: string) =>
    ((await client.get(`/api/texts/${text}/layers`)).body.layers as { slug: string }[]).find((l) => l.slug === slug);

  it('a group layer: created, alone, changed and listed, with its owner, group, count and permissions', async () => {
    const created = await owner.post(`/api/texts/${text}/layers`, { name: 'Our reading', group: 'shiur', visibility: 'public' });
    expect(created.status).toBe(201);
    const slug = created.body.slug as string;
    expect(created.body).toEqual(await listed(owner, slug));
    expect(created.body).toMatchObject({ owner: 'ruth', group: 'shiur', glossCount: 0, you: { write: true, manage: true } });

    await writeGloss(owner, text, slug, { exact: 'I will go' });
    const alone = (await owner.get(`/api/texts/${text}/layers/${slug}`)).body;
    expect(alone).toEqual(await listed(owner, slug));
    expect(alone).toMatchObject({ group: 'shiur', glossCount: 1 });

    const changed = await owner.patch(`/api/texts/${text}/layers/${slug}`, { name: 'Our reading, again' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(await listed(owner, slug));
    expect(changed.body).toMatchObject({ name: 'Our reading, again', owner: 'ruth', group: 'shiur', glossCount: 1 });

    // A visitor sees the same layer with a visitor's permissions.
    const visitor = t.visitor();
    expect((await visitor.get(`/api/texts/${text}/layers/${slug}`)).body).toEqual(await listed(visitor, slug));
  });

  it('a group: changed as it is listed and shown, member count included', async () => {
    const other = await t.signup('naomi');
    await other.post('/api/groups/shiur/join');
    const changed = await owner.patch('/api/groups/shiur', { description: 'We read slowly.' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ description: 'We read slowly.', memberCount: 2 });
    const shown = (await owner.get('/api/groups/shiur')).body;
    const inList = ((await owner.get('/api/groups')).body.groups as { slug: string }[]).find((g) => g.slug === 'shiur');
    // The group's page adds what it lists (texts, layers, whether an owner is the only one).
    expect(shown).toMatchObject(changed.body);
    expect(inList).toEqual(changed.body);
  });
});
