/**
 * When a post was changed by its author (README, "The reader"): `edited` is null until the author
 * edits its body, then the time of that edit, in single reads and in listings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('edited times', () => {
  const t = useTestApp();
  let ada: TestClient;
  let slug: string;
  let layer: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    slug = await createText(ada, { title: 'Light', content: 'And God said, Let there be light.' });
    layer = await createLayer(ada, slug, { name: 'Notes' });
  });

  it('marks a gloss and a reply edited only once their author changes them', async () => {
    const g = await writeGloss(ada, slug, layer, { exact: 'light' });
    expect(g.edited).toBeNull();
    expect(g.attribution).toBeNull();
    const reply = (await ada.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'First.' } })).body;
    expect(reply.edited).toBeNull();
    const edited = (await ada.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Changed.' } })).body;
    expect(edited.edited).toEqual(expect.any(String));
    expect(Date.parse(edited.edited)).toBeGreaterThanOrEqual(Date.parse(g.created));
    const replyEdited = (await ada.patch(`/api/replies/${reply.id}`, { body: { markdown: 'Second.' } })).body;
    expect(replyEdited.edited).toEqual(expect.any(String));
    const listed = (await t.visitor().get(`/api/texts/${slug}/glosses`)).body.glosses[0];
    expect(listed.edited).toBe(edited.edited);
    expect(listed.replies[0].edited).toBe(replyEdited.edited);
  });
});
