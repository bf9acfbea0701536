/**
 * A read-first layer in a real browser (docs/deliberation.md §4): four members have written a
 * dozen readings on a chapter; a newcomer to the group sees none of them, and the page says how
 * many wait; she writes her own reading, and the others' appear without a reload. The same on a
 * phone. Screenshots in test-results/screenshots.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import { dragAcross, screenshotDir, signUpInto, useChromium, usePage } from './browser.ts';

const text = 'pirkei-avot-en';
const layer = 'first-thoughts';

/** The words of each segment of a ProseMirror document, in order. */
function segmentTexts(doc: { content?: { content?: { text?: string }[] }[] }): string[] {
  return (doc.content ?? []).map((segment) => (segment.content ?? []).map((n) => n.text ?? '').join(''));
}

describe('a read-first layer', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  const { page } = usePage(browser);

  it('hides the others’ readings from a newcomer until she writes hers, then shows them all', async () => {
    const moira = await signupOver(server.url, 'moira', undefined, 'Moira');
    expect((await moira.post('/api/groups', { slug: 'readers', name: 'Thursday readers', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const made = await moira.post(`/api/texts/${text}/layers`, { name: 'First thoughts', slug: layer, group: 'readers', visibility: 'public', readFirst: true });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    // Four members, three readings each, on the chapter's first segments.
    const segments = segmentTexts((await moira.get(`/api/texts/${text}`)).body.doc).filter((s) => s.split(' ').length > 8);
    let written = 0;
    for (const [i, who] of ['ruth', 'sam', 'tova', 'uri'].entries()) {
      const member = await signupOver(server.url, who, undefined, who[0].toUpperCase() + who.slice(1));
      expect((await member.post('/api/groups/readers/join')).status).toBe(200);
      for (let k = 0; k < 3; k++) {
        const words = segments[i * 3 + k].split(' ').slice(2, 6).join(' ');
        const res = await member.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: words }, body: { markdown: `${who} reads “${words}” as a rule for teachers.` } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        written++;
      }
    }

    const lena = await signUpInto(page.context(), server.url, 'lena', { displayName: 'Lena' });
    expect((await lena.post('/api/groups/readers/join')).status).toBe(200);
    await page.goto(`${server.url}/t/${text}`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const textPage = page.locator('daf-text-page');
    const inLayer = textPage.locator(`daf-gloss-card[data-layers~="${layer}"]`);
    const note = textPage.locator('ul.read-first li');
    expect(await note.textContent()).toContain(`First thoughts: ${written} glosses hidden until you write your own reading there.`);
    expect(await inLayer.count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, 'read-first-hidden.png') });

    // She writes her own reading in the layer, from the page.
    const phrase = segments[0].split(' ').slice(-4).join(' ').replace(/[.;:,]$/, '');
    await dragAcross(page, textPage.locator('.text'), phrase);
    await textPage.locator('.popover').getByRole('button', { name: 'Comment' }).click();
    const composer = textPage.locator('daf-composer');
    await composer.locator('select').first().selectOption({ label: 'First thoughts' });
    await composer.locator('daf-editor .ProseMirror').click();
    await page.keyboard.type('Lena: the chain of teachers is a chain of trust.');
    await page.keyboard.press('Control+Enter');

    // Her reading, and everyone's, without a reload; the note is gone.
    await expect.poll(() => inLayer.count(), { timeout: 15_000 }).toBe(written + 1);
    expect(await note.count()).toBe(0);
    expect(await textPage.locator('daf-gloss-card', { hasText: 'Lena: the chain of teachers' }).count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir, 'read-first-revealed.png') });
  });

  it('says so on a phone, to a reader who may not write there', async () => {
    const moira = await signupOver(server.url, 'moira', undefined, 'Moira');
    expect((await moira.post('/api/groups', { slug: 'readers', name: 'Thursday readers', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await moira.post(`/api/texts/${text}/layers`, { name: 'First thoughts', slug: layer, group: 'readers', visibility: 'public', readFirst: true })).status).toBe(201);
    const ruth = await signupOver(server.url, 'ruth');
    expect((await ruth.post('/api/groups/readers/join')).status).toBe(200);
    expect((await ruth.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'raise up many disciples' }, body: { markdown: 'Many, not a few.' } })).status).toBe(201);
    // A visitor on a phone does not see it, and is told why.
    await page.setViewportSize({ width: 375, height: 780 });
    await page.goto(`${server.url}/t/${text}`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const textPage = page.locator('daf-text-page');
    expect(await textPage.locator('ul.read-first li').textContent()).toContain('First thoughts: 1 gloss hidden from those who have not written there.');
    expect(await textPage.locator(`daf-gloss-card[data-layers~="${layer}"]`).count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, 'read-first-phone.png') });
  });
});
