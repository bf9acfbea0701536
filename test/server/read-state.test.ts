/**
 * Read state (docs/notifications.md §5): what others wrote on a text since a reader last read it
 * is marked `unread` in their listings and counted as `new` in the library and on the group page;
 * `POST /api/texts/:slug/read` marks it all read. Only what the reader may read is counted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('read state', () => {
  // Each write's moment is a second after the last, all after the accounts were made.
  let tick = 0;
  const start = Date.now() + 3_600_000;
  const t = useTestApp({ options: { clock: () => new Date(start + 1000 * tick++) } });
  let ada: TestClient;
  let bob: TestClient;
  let text: string;
  let notes: string;

  const listing = async (client: TestClient) => (await client.get(`/api/texts/${text}/glosses`)).body.glosses as { id: number; unread?: boolean; replies: { id: number; unread?: boolean }[] }[];
  const newIn = async (client: TestClient) => ((await client.get('/api/texts')).body.texts as { slug: string; new?: number }[]).find((x) => x.slug === text)?.new;

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    expect((await ada.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await bob.post('/api/groups/circle/join')).status).toBe(200);
    text = await createText(ada, { title: 'Light', content: 'Let there be light. And there was light.', group: 'circle', visibility: 'public' });
    notes = await createLayer(ada, text, { name: 'Notes', writePolicy: 'signed_in' });
  });

  it('marks what others wrote since one last read as unread, and counts it as new, until one reads', async () => {
    const first = await writeGloss(ada, text, notes, { exact: 'Let there be light.' }, 'Ada’s first.');
    const own = await writeGloss(bob, text, notes, { exact: 'And there was light.' }, 'Bob’s own.');
    const reply = await ada.post(`/api/glosses/${own.id}/replies`, { body: { markdown: 'Ada answers Bob.' } });
    expect(reply.status).toBe(201);

    // Bob never read the text: everything others wrote since he joined is new; his own is not.
    const before = await listing(bob);
    expect(before.find((g) => g.id === first.id)?.unread).toBe(true);
    expect(before.find((g) => g.id === own.id)?.unread).toBe(false);
    expect(before.find((g) => g.id === own.id)?.replies[0]).toMatchObject({ id: reply.body.id, unread: true });
    expect(await newIn(bob)).toBe(2);
    expect(((await bob.get('/api/groups/circle')).body.texts as { slug: string; new?: number }[])[0]).toMatchObject({ slug: text, new: 2 });

    const read = await bob.post(`/api/texts/${text}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ text, read: expect.any(String) });
    expect((await listing(bob)).every((g) => g.unread === false && g.replies.every((r) => r.unread === false))).toBe(true);
    expect(await newIn(bob)).toBe(0);

    // Something new after the reading.
    const later = await writeGloss(ada, text, notes, { exact: 'there was light' }, 'Later.');
    expect((await listing(bob)).filter((g) => g.unread).map((g) => g.id)).toEqual([later.id]);
    expect(await newIn(bob)).toBe(1);
    // Ada's own posts are never new to her; Bob's are, as she has not read the text.
    const adas = await listing(ada);
    expect(adas.filter((g) => g.unread).map((g) => g.id)).toEqual([own.id]);
  });

  it('counts nothing the reader may not read', async () => {
    const mine = await createLayer(ada, text, { name: 'Ada alone', visibility: 'private' });
    const [bobBefore, adaBefore] = [await newIn(bob), await newIn(ada)];
    await writeGloss(ada, text, mine, { exact: 'Let there be' }, 'Private.');
    expect(await newIn(bob)).toBe(bobBefore);
    // Ada's own private post is hers: not new to her either.
    expect(await newIn(ada)).toBe(adaBefore);
  });

  it('says nothing of read state to a visitor, and refuses to mark for one', async () => {
    const visitor = t.visitor();
    const texts = (await visitor.get('/api/texts')).body.texts as Record<string, unknown>[];
    expect(texts.every((x) => !('new' in x))).toBe(true);
    const glosses = (await visitor.get(`/api/texts/${text}/glosses`)).body.glosses as Record<string, unknown>[];
    expect(glosses.every((g) => !('unread' in g))).toBe(true);
    expectError(await visitor.post(`/api/texts/${text}/read`), 401, 'unauthenticated');
    expectError(await bob.post('/api/texts/no-such-text/read'), 404, 'not_found');
  });
});
