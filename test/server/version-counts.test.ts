/**
 * The anchor counts a new version reports are counts of what the reviser may see: a gloss in
 * someone else's private layer is not even counted (README, "Reading groups").
 */
import { describe, expect, it } from 'vitest';
import { createLayer, useTestApp, createText, writeGloss } from '../helpers/test-app.ts';

describe('counts in a new version', () => {
  const t = useTestApp();

  it('counts only glosses the reviser may see', async () => {
    const owner = await t.signup('owner');
    const reader = await t.signup('reader');
    const slug = await createText(owner, { title: 'Counted', content: 'First sentence here.\n\nSecond sentence there.' });
    await createLayer(owner, slug, { name: 'Public', slug: 'public' });
    await createLayer(reader, slug, { name: 'Mine', slug: 'mine', visibility: 'private' });
    await writeGloss(owner, slug, 'public', { exact: 'First sentence' });
    await writeGloss(reader, slug, 'mine', { exact: 'Second sentence' });
    await writeGloss(reader, slug, 'mine', { exact: 'sentence there' });

    const res = await owner.post(`/api/texts/${slug}/versions`, { format: 'markdown', content: 'Intro.\n\nFirst sentence here.\n\nSecond sentence there.' });
    expect(res.status).toBe(201);
    const total = Object.values(res.body.anchors as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(1);
    expect(res.body.anchors.exact).toBe(1);
    // The private glosses were re-anchored all the same.
    const mine = await reader.get(`/api/texts/${slug}/glosses?layer=mine`);
    expect(mine.body.glosses.map((g: { anchor: { version: number; exact: string } }) => [g.anchor.version, g.anchor.exact])).toEqual([
      [2, 'Second sentence'],
      [2, 'sentence there'],
    ]);
  });
});
