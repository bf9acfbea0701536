/**
 * A Markdown text keeps its structure (README, "Command line" and "The API"): lists, quotes and
 * headings stay such in the document, each item a block of the projection that glosses anchor in,
 * and an opening heading that repeats the title is left out, on creation and on a new version.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';

const ethics = '# Nicomachean Ethics\n\nThree kinds of friendship:\n\n- utility\n- pleasure\n- the *good*\n\n> Friendship is a single soul.\n';

describe('Markdown texts', () => {
  const t = useTestApp();
  let ada: TestClient;

  beforeAll(async () => {
    ada = await t.signup('ada');
  });

  it('keeps lists and quotes, drops a heading that repeats the title, and anchors glosses in list items', async () => {
    const slug = await createText(ada, { title: 'Nicomachean  ethics', content: ethics });
    const text = (await ada.get(`/api/texts/${slug}`)).body;
    expect(text.doc.content.map((n: { type: string }) => n.type)).toEqual(['paragraph', 'bullet_list', 'blockquote']);
    expect(text.text).toBe('Three kinds of friendship:\nutility\npleasure\nthe good\nFriendship is a single soul.');
    const layer = await createLayer(ada, slug, { name: 'Notes' });
    const g = await writeGloss(ada, slug, layer, { exact: 'pleasure' });
    expect(g.anchor).toMatchObject({ status: 'exact', exact: 'pleasure', start: text.text.indexOf('pleasure') });
    // A new version from the same source, with an item added: the gloss stays on its word.
    const v2 = await ada.post(`/api/texts/${slug}/versions`, { format: 'markdown', content: ethics.replace('- pleasure', '- honour\n- pleasure') });
    expect(v2.status).toBe(201);
    expect(v2.body.anchors).toMatchObject({ exact: 1 });
    const now = (await ada.get(`/api/texts/${slug}`)).body.text;
    expect(now.startsWith('Three kinds')).toBe(true);
    const listed = (await ada.get(`/api/texts/${slug}/glosses`)).body.glosses[0];
    expect(now.slice(listed.anchor.start, listed.anchor.end)).toBe('pleasure');
  });

  it('keeps an opening heading that is not the title, and a document that is nothing else', async () => {
    const other = await createText(ada, { title: 'Friendship', content: ethics });
    expect((await ada.get(`/api/texts/${other}`)).body.text.startsWith('Nicomachean Ethics\n')).toBe(true);
    const only = await createText(ada, { title: 'Nicomachean Ethics', content: '# Nicomachean Ethics' });
    expect((await ada.get(`/api/texts/${only}`)).body.text).toBe('Nicomachean Ethics');
  });
});
