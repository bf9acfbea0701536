import { describe, expect, it } from 'vitest';
import { useTestApp, createText, createLayer, writeGloss } from '../helpers/test-app.ts';

describe('a first walk through the API', () => {
  const t = useTestApp();

  it('creates a text, a layer and a gloss, and lists it with its anchor', async () => {
    const ada = await t.signup('ada');
    const slug = await createText(ada, { title: 'Light', content: 'Let there be light.\n\nAnd there was light.' });
    const layer = await createLayer(ada, slug, { name: 'Notes' });
    const gloss = await writeGloss(ada, slug, layer, { exact: 'there was light' });
    expect(gloss.anchor).toMatchObject({ status: 'exact', start: 24, end: 39, exact: 'there was light' });
    const list = await t.visitor().get(`/api/texts/${slug}/glosses`);
    expect(list.status).toBe(200);
    expect(list.body.glosses.map((g: { id: number }) => g.id)).toEqual([gloss.id]);
  });
});
