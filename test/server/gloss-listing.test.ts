/**
 * The gloss listing is written by SQL (server/storage/gloss-listing.ts). These tests hold it
 * to valid JSON whatever the words contain, and to the same gloss whichever door it comes
 * through: the listing, the single read and the event payload.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';

const tricky = 'He said "stop" \\ then\ttabbed\nnew line, a bell \u0007, 😀 𝔸 and </script><b>bold</b> ״ק״';

describe('the SQL-written gloss listing', () => {
  const t = useTestApp();
  let ada: TestClient;
  let slug: string;
  let glossId: number;
  beforeAll(async () => {
    ada = await t.signup('ada');
    slug = await createText(ada, { title: 'Tricky', content: `Before. ${tricky.replace(/\n/g, ' ')} After.` });
    await createLayer(ada, slug, { name: 'Notes', slug: 'notes' });
    const gloss = await writeGloss(ada, slug, 'notes', { exact: 'said "stop" \\ then' }, `Body: ${tricky.replace(/\n/g, '  \n')}`);
    glossId = gloss.id;
    const reply = await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: `Reply: ${tricky}` } });
    expect(reply.status).toBe(201);
  });

  it('escapes quotes, backslashes, control characters and astral characters', async () => {
    const res = await t.visitor().get(`/api/texts/${slug}/glosses`);
    expect(res.status).toBe(200);
    expect(typeof res.body).toBe('object'); // parsed: the bytes are valid JSON
    const [g] = res.body.glosses;
    expect(g.target.exact).toBe('said "stop" \\ then');
    expect(g.anchor.exact).toBe('said "stop" \\ then');
    expect(g.body.text).toContain('😀 𝔸');
    expect(g.body.text).toContain('\u0007');
    expect(g.replies[0].body.text).toContain('He said "stop" \\ then\ttabbed');
    expect(g.replies[0].author).toEqual({ handle: 'ada', name: 'ada' });
  });

  it('gives the same gloss through the listing, the single read and the event log', async () => {
    const listed = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses[0];
    const single = (await t.visitor().get(`/api/glosses/${glossId}`)).body;
    expect(single).toEqual(listed);
    const events = await t.database.db.selectFrom('event').select(['kind', 'payload']).orderBy('id').execute();
    const created = JSON.parse(events.find((e) => e.kind === 'gloss.created')!.payload);
    expect({ ...created, replies: listed.replies }).toEqual(listed);
    const replied = JSON.parse(events.find((e) => e.kind === 'reply.created')!.payload);
    expect(replied).toEqual(listed.replies[0]);
  });
});
