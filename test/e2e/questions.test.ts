/**
 * Questions in a real browser (docs/deliberation.md): a member asks, another answers with the
 * stance "answers", the asker accepts it from the card, and the thread shows it first, marked;
 * the question says it is answered; stances, decisions and the decisions a newer one superseded.
 * Screenshots in test-results/screenshots.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import { screenshotDir, signUpInto, unfold, useChromium, usePage } from './browser.ts';

const text = 'pirkei-avot-en';

describe('questions', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  const { page } = usePage(browser);

  it('answers a question with a stance, and lets the asker accept the answer, shown first', async () => {
    const ana = await signupOver(server.url, 'ana', undefined, 'Ana');
    expect((await ana.post(`/api/texts/${text}/layers`, { name: 'Questions', slug: 'questions', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    const asker = await signUpInto(page.context(), server.url, 'asher', { displayName: 'Asher' });
    const q = await asker.post(`/api/texts/${text}/layers/questions/glosses`, { target: { exact: 'raise up many disciples' }, body: { markdown: 'How many is many?' }, motivation: 'questioning' });
    expect(q.status).toBe(201);
    // An early reply, then the answer, written from Ana's side.
    expect((await ana.post(`/api/glosses/${q.body.id}/replies`, { body: { markdown: 'Good question.' } })).status).toBe(201);

    await page.goto(`${server.url}/t/${text}#g-${q.body.id}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${q.body.id}"]`);
    await card.locator('xpath=self::*[@unfolded]').waitFor();
    expect(await card.locator('.tag.open').textContent()).toBe('Open');

    // Asher answers himself too, choosing the stance in the composer.
    await card.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer = card.locator('daf-composer');
    await composer.locator('.ProseMirror').waitFor();
    await composer.locator('select').selectOption('answers');
    await composer.locator('.ProseMirror').click();
    await page.keyboard.type('As many as will come.');
    await composer.getByRole('button', { name: 'Reply' }).click();
    const answer = card.locator('ol.thread > li', { hasText: 'As many as will come.' });
    await answer.waitFor();
    expect(await answer.locator('.tag.stance').textContent()).toBe('answers');

    await answer.getByRole('button', { name: 'Accept as the answer' }).click();
    await expect.poll(() => card.locator('.tag.answered').textContent()).toBe('Answered');
    const first = card.locator('ol.thread > li').first();
    expect(await first.textContent()).toContain('As many as will come.');
    expect(await first.locator('.tag.accepted').textContent()).toBe('accepted answer');
    await page.screenshot({ path: path.join(screenshotDir, 'question-answered.png') });

    // Someone else sees no Accept button.
    await page.context().clearCookies();
    await page.reload();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const again = page.locator(`daf-text-page daf-gloss-card[data-id="${q.body.id}"]`);
    await unfold(again);
    await again.locator('button.thread-toggle').click();
    await again.locator('ol.thread > li').first().waitFor();
    expect(await again.getByRole('button', { name: 'Accept as the answer' }).count()).toBe(0);
  });

  it('lets a reader agree, or disagree with a reason that stays beside the reading', async () => {
    const ana = await signupOver(server.url, 'ana', undefined, 'Ana');
    expect((await ana.post(`/api/texts/${text}/layers`, { name: 'Readings', slug: 'readings', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    const reading = await ana.post(`/api/texts/${text}/layers/readings/glosses`, { target: { exact: 'make a fence to the Thorah' }, body: { markdown: 'A fence means extra rules.' } });
    expect(reading.status).toBe(201);
    await signUpInto(page.context(), server.url, 'dov', { displayName: 'Dov' });
    await page.goto(`${server.url}/t/${text}#g-${reading.body.id}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${reading.body.id}"]`);
    await card.locator('xpath=self::*[@unfolded]').waitFor();
    const bar = card.locator('.stances');
    await bar.getByRole('button', { name: 'Disagree 0' }).click();
    await card.locator('form.reason input').fill('A fence can also be a teaching.');
    await card.locator('form.reason').getByRole('button', { name: 'Disagree' }).click();
    // The form gone, the card folds back in its column; opened again, it shows the reason.
    await expect.poll(() => card.locator('form.reason').count()).toBe(0);
    if ((await card.getAttribute('unfolded')) === null) await unfold(card);
    await expect.poll(() => card.locator('ul.reasons li').allTextContents()).toEqual([expect.stringContaining('disagrees: A fence can also be a teaching.')]);
    expect(await card.locator('.stances button[aria-pressed="true"]').textContent()).toBe('Disagree 1');
    await page.screenshot({ path: path.join(screenshotDir, 'stance-disagree.png') });
  });

  it('lets a layer’s owner record a decision, shown with the dissent beside the reading', async () => {
    const ana = await signUpInto(page.context(), server.url, 'ana', { displayName: 'Ana' });
    expect((await ana.post(`/api/texts/${text}/layers`, { name: 'Readings', slug: 'readings', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    const reading = await ana.post(`/api/texts/${text}/layers/readings/glosses`, { target: { exact: 'make a fence to the Thorah' }, body: { markdown: 'A fence means extra rules.' } });
    const dov = await signupOver(server.url, 'dov', undefined, 'Dov');
    expect((await dov.send('PUT', `/api/glosses/${reading.body.id}/stance`, { stance: 'disagree', reason: 'A fence can be a teaching.' })).status).toBe(200);
    await page.goto(`${server.url}/t/${text}#g-${reading.body.id}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${reading.body.id}"]`);
    await card.locator('xpath=self::*[@unfolded]').waitFor();
    await card.getByRole('button', { name: 'Record a decision' }).click();
    await card.locator('form.decide textarea').fill('We read the fence as extra rules.');
    await card.locator('form.decide').getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => card.locator('form.decide').count()).toBe(0);
    if ((await card.getAttribute('unfolded')) === null) await unfold(card);
    const decision = card.locator('.decision');
    await decision.waitFor();
    expect(await decision.textContent()).toContain('We read the fence as extra rules.');
    expect(await decision.textContent()).toContain('This reading is adopted.');
    expect(await decision.locator('ul.dissent li').allTextContents()).toEqual([expect.stringContaining('A fence can be a teaching.')]);
    await page.screenshot({ path: path.join(screenshotDir, 'decision-dissent.png') });
  });

  it('keeps the decisions a newer one superseded a press away', async () => {
    const ana = await signupOver(server.url, 'ana', undefined, 'Ana');
    expect((await ana.post(`/api/texts/${text}/layers`, { name: 'Readings', slug: 'readings', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    const reading = await ana.post(`/api/texts/${text}/layers/readings/glosses`, { target: { exact: 'make a fence to the Thorah' }, body: { markdown: 'A fence means extra rules.' } });
    for (const statement of ['First we read it strictly.', 'Then we read it gently.', 'Now we read it as a teaching.']) {
      expect((await ana.post(`/api/glosses/${reading.body.id}/decision`, { statement })).status).toBe(201);
    }
    await page.goto(`${server.url}/t/${text}#g-${reading.body.id}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${reading.body.id}"]`);
    await card.locator('xpath=self::*[@unfolded]').waitFor();
    const decision = card.locator('.decision');
    expect(await decision.locator('p').first().textContent()).toContain('Now we read it as a teaching.');
    const more = decision.getByRole('button', { name: 'Earlier decisions (2)' });
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.click();
    const earlier = decision.locator('ol.earlier-decisions > li');
    await expect.poll(() => earlier.count()).toBe(2);
    expect(await earlier.allTextContents()).toEqual([expect.stringContaining('Then we read it gently.'), expect.stringContaining('First we read it strictly.')]);
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    await page.screenshot({ path: path.join(screenshotDir, 'decision-history.png') });
    await more.click();
    await expect.poll(() => earlier.count()).toBe(0);
  });
});
