/**
 * Deliberation on the page (docs/deliberation.md §5) in a real browser: a text with a study
 * group's worth of commentary — readings and questions by four people, a gloss on a gloss, two
 * readings on overlapping words with a decision adopting one — filtered to open questions, by
 * author and by kind, the filter kept in the URL and through a reload; the two readings shown
 * side by side as a dispute, the adopted one marked; on a phone too; axe on each. Screenshots in
 * test-results/screenshots.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver, type HttpClient } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { screenshotDir, unfold, useChromium, usePages } from './browser.ts';

const slug = 'sayings';
const content = [
  'Be deliberate in judgment, raise up many disciples, and make a fence around the Torah.',
  'The world stands on three things: on the Torah, on the service, and on deeds of kindness.',
  'Let your house be a meeting place for the wise; sit in the dust of their feet, and drink their words with thirst.',
  'Do not be like servants who serve their master for the sake of a reward.',
].join('\n\n');

/** What the journey seeds, by name. */
interface Seeded {
  ids: Record<string, number>;
  total: number;
}

/**
 * Four people read a text together: readings in one layer, questions in another, notes in a
 * third, one question answered, a gloss on a gloss, stances, two readings of "a fence around the
 * Torah" of which the layer's owner adopts Ana's, and two notes on "a meeting place".
 */
async function seed(base: string): Promise<Seeded> {
  const ana = await signupOver(base, 'ana', undefined, 'Ana');
  const dov = await signupOver(base, 'dov', undefined, 'Dov');
  const eli = await signupOver(base, 'eli', undefined, 'Eli');
  const noa = await signupOver(base, 'noa', undefined, 'Noa');
  const created = await ana.post('/api/texts', { title: 'Sayings', slug, language: 'en', format: 'plain', content });
  expect(created.status).toBe(201);
  for (const [name, layer] of [['Readings', 'readings'], ['Questions', 'questions']]) {
    expect((await ana.post(`/api/texts/${slug}/layers`, { name, slug: layer, visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
  }
  // Eli's notes, on the other side of the text from the readings.
  expect((await eli.post(`/api/texts/${slug}/layers`, { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
  const ids: Record<string, number> = {};
  const gloss = async (name: string, who: HttpClient, layer: string, exact: string, markdown: string, more: { motivation?: string; on?: string } = {}) => {
    const target = { exact, ...(more.on ? { gloss: ids[more.on] } : {}) };
    const res = await who.post(`/api/texts/${slug}/layers/${layer}/glosses`, { target, body: { markdown }, ...(more.motivation ? { motivation: more.motivation } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name] = res.body.id;
  };
  // Two readings of the same words, by Ana and by Dov: a dispute.
  await gloss('fence-ana', ana, 'readings', 'make a fence around the Torah', 'A fence is a rule that keeps one far from the transgression.');
  await gloss('fence-dov', dov, 'readings', 'a fence around the Torah', 'The fence is the teaching itself, which guards whoever keeps it.');
  await gloss('deliberate', eli, 'readings', 'Be deliberate in judgment', 'Take time before deciding; the first thought is not the last.');
  await gloss('three', noa, 'readings', 'three things', 'Three, like the legs of a stool.');
  await gloss('kindness', ana, 'readings', 'deeds of kindness', 'Kindness is counted with the Torah and the service.');
  await gloss('meeting', dov, 'readings', 'a meeting place for the wise', 'An open door, not a closed study.');
  await gloss('dust', eli, 'readings', 'sit in the dust of their feet', 'Students sat on the ground before their teachers.', { motivation: 'describing' });
  await gloss('reward', noa, 'readings', 'for the sake of a reward', 'Serving for a reward is still service, but a lesser one.', { motivation: 'assessing' });
  await gloss('disciples', dov, 'questions', 'raise up many disciples', 'How many is many?', { motivation: 'questioning' });
  await gloss('service', noa, 'questions', 'on the service', 'Which service is meant?', { motivation: 'questioning' });
  await gloss('thirst', eli, 'questions', 'drink their words with thirst', 'Why thirst, and not hunger?', { motivation: 'questioning' });
  await gloss('master', ana, 'questions', 'servants who serve their master', 'Who is the master here?', { motivation: 'questioning' });
  // A second dispute, in Eli's notes.
  await gloss('place-eli', eli, 'notes', 'a meeting place for the wise', 'Where the wise gather by chance, not a school.');
  await gloss('place-ana', ana, 'notes', 'meeting place', 'A place fixed for meeting, at set times.');
  // Noa comments on Ana's reading: a gloss on a gloss.
  await gloss('on-fence', noa, 'readings', 'keeps one far', 'Far, but not out of sight.', { on: 'fence-ana' });
  // Noa's question on the service is answered, and she accepts the answer.
  const answer = await ana.post(`/api/glosses/${ids.service}/replies`, { body: { markdown: 'The service of the Temple, and now prayer.' }, stance: 'answers' });
  expect(answer.status).toBe(201);
  expect((await noa.post(`/api/replies/${answer.body.id}/accept`)).status).toBe(200);
  // Stances on the two readings, and the layer's owner adopts Ana's.
  expect((await eli.send('PUT', `/api/glosses/${ids['fence-ana']}/stance`, { stance: 'agree' })).status).toBe(200);
  expect((await noa.send('PUT', `/api/glosses/${ids['fence-ana']}/stance`, { stance: 'disagree', reason: 'A fence can also be a teaching.' })).status).toBe(200);
  expect((await eli.send('PUT', `/api/glosses/${ids['fence-dov']}/stance`, { stance: 'abstain' })).status).toBe(200);
  const decided = await ana.post(`/api/glosses/${ids['fence-dov']}/decision`, { statement: 'We read the fence as a rule that keeps one far.', adopted: { gloss: ids['fence-ana'] } });
  expect(decided.status, JSON.stringify(decided.body)).toBe(201);
  return { ids, total: Object.keys(ids).length };
}

/** The cards in the page's margins (those waiting behind a stack's toggle too). */
const marginCards = (page: Page) => page.locator('daf-text-page aside.column daf-gloss-card');
const cardOf = (page: Page, id: number) => page.locator(`daf-text-page aside.column daf-gloss-card[data-id="${id}"]`);
const status = (page: Page) => page.locator('daf-text-page .filter-status');
const panel = (page: Page) => page.locator('daf-text-page daf-gloss-filters');

/** Opens the text and waits until its cards are placed. */
async function open(page: Page, base: string, query = '') {
  await page.goto(`${base}/t/${slug}${query}`);
  await page.locator('daf-text-page[data-laid-out]').waitFor();
}

/** The checkbox of the panel labelled `name`. */
const box = (page: Page, name: string | RegExp) => panel(page).getByRole('checkbox', { name });

/** The ids of the cards in the margins. */
async function shownIds(page: Page): Promise<number[]> {
  return (await marginCards(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).sort((a, b) => a - b);
}

/** Every axe violation, printed before the assertion fails. */
async function expectAxeClean(page: Page) {
  const violations = await seriousViolations(page);
  if (violations.length) console.log(JSON.stringify(violations, null, 2));
  expect(violations).toEqual([]);
}

describe('deliberation on the page', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  const pages = usePages(browser);

  it('filters the margins to open questions, by author and by kind, counted, kept in the URL and through a reload', async () => {
    const { ids, total } = await seed(server.url);
    const { page } = await pages.open({ bypassCSP: true });
    await open(page, server.url);
    await expect.poll(() => marginCards(page).count()).toBe(total);
    expect(await status(page).textContent()).toBe('');

    // From the keyboard: the button opens the panel, Tab goes into it, Space checks.
    const toggle = page.locator('daf-text-page .filter-toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await box(page, /Open questions only/).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await expect.poll(() => status(page).textContent()).toBe(`Showing 3 of ${total} glosses: open questions`);
    expect(await shownIds(page)).toEqual([ids.disciples, ids.thirst, ids.master].sort((a, b) => a - b));
    expect(new URL(page.url()).searchParams.get('questions')).toBe('open');
    // Only their words are marked in the text.
    expect(await page.locator('daf-text-page .text .gloss-mark').allTextContents()).toEqual(['raise up many disciples', 'drink their words with thirst', 'servants who serve their master']);
    await page.screenshot({ path: path.join(screenshotDir, 'filters-open-questions.png') });
    await expectAxeClean(page);

    // By author: Noa's four glosses, and Ana's reading her gloss hangs on, shown for context.
    await box(page, /Open questions only/).uncheck();
    await box(page, /^Noa @noa/).check();
    await expect.poll(() => status(page).textContent()).toBe(`Showing 4 of ${total} glosses: by Noa @noa`);
    expect(await shownIds(page)).toEqual([ids.three, ids.reward, ids.service, ids['on-fence'], ids['fence-ana']].sort((a, b) => a - b));
    expect(await cardOf(page, ids['fence-ana']).getAttribute('context')).not.toBeNull();
    expect(await cardOf(page, ids['fence-ana']).getAttribute('aria-label')).toContain('shown for context');
    expect(await cardOf(page, ids.three).getAttribute('context')).toBeNull();
    await page.screenshot({ path: path.join(screenshotDir, 'filters-by-author-context.png') });

    // And by kind: of Noa's, the assessments and the questions.
    await box(page, /^Assessments/).check();
    await box(page, /^Questions/).check();
    await expect.poll(() => status(page).textContent()).toBe(`Showing 2 of ${total} glosses: assessments or questions, by Noa @noa`);
    expect(await shownIds(page)).toEqual([ids.reward, ids.service].sort((a, b) => a - b));
    const url = new URL(page.url());
    expect([url.searchParams.get('kind'), url.searchParams.get('by'), url.searchParams.get('questions')]).toEqual(['assessing,questioning', 'noa', null]);
    // Esc closes the panel and gives the focus back to its button.
    await box(page, /^Questions/).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).count()).toBe(0);
    expect(await toggle.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);

    // A reload, or the link shared, keeps the filter.
    await page.reload();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await expect.poll(() => status(page).textContent()).toBe(`Showing 2 of ${total} glosses: assessments or questions, by Noa @noa`);
    expect(await shownIds(page)).toEqual([ids.reward, ids.service].sort((a, b) => a - b));
    await toggle.click();
    expect(await box(page, /^Noa @noa/).isChecked()).toBe(true);
    expect(await box(page, /^Assessments/).isChecked()).toBe(true);
    expect(await box(page, /^Comments/).isChecked()).toBe(false);
    await page.screenshot({ path: path.join(screenshotDir, 'filters-by-author-and-kind.png') });

    // A link to a gloss the filter leaves out says so.
    await page.goto(`${page.url()}#g-${ids.deliberate}`);
    await expect.poll(() => page.locator('daf-text-page .banner.notice').textContent()).toContain('left out by the filters');

    // Clear brings every gloss back, and the URL loses the filter.
    await page.locator('daf-text-page .clear-filters').click();
    await expect.poll(() => marginCards(page).count()).toBe(total);
    expect(await status(page).textContent()).toBe('');
    expect([...new URL(page.url()).searchParams.keys()]).toEqual([]);
  });

  it('shows two readings of the same words side by side as a dispute, with their stances, the adopted one marked', async () => {
    const { ids } = await seed(server.url);
    const { page } = await pages.open({ bypassCSP: true });
    await open(page, server.url);
    const [ana, dov] = [cardOf(page, ids['fence-ana']), cardOf(page, ids['fence-dov'])];
    await expect.poll(() => ana.locator('.dispute-head').textContent()).toBe('Dispute: 2 readings');
    expect(await dov.locator('.dispute-head').count()).toBe(0);
    // Side by side: level, the same width, one beside the other, both under the heading.
    const a = await expectSideBySide(ana, dov);
    // So are Eli's two notes on the other side of the text.
    await expectSideBySide(cardOf(page, ids['place-eli']), cardOf(page, ids['place-ana']));
    // Each says its stances, the adopted one says so, and so do their labels.
    expect(await ana.locator('.stance-counts').textContent()).toBe('Adopted Agree 1 · Disagree 1');
    expect(await dov.locator('.stance-counts').textContent()).toBe('Abstain 1');
    expect(await ana.getAttribute('aria-label')).toBe('Gloss in Readings by Ana @ana, reading 1 of 2 in a dispute, adopted');
    expect(await dov.getAttribute('aria-label')).toBe('Gloss in Readings by Dov @dov, reading 2 of 2 in a dispute');
    // Other readings stand alone; cards never overlap, the dispute's included.
    expect(await cardOf(page, ids.deliberate).locator('.dispute-head').count()).toBe(0);
    await expectNoOverlap(page.locator('daf-text-page aside.column[data-depth="1"] daf-gloss-card:not(.waiting)'));
    await page.screenshot({ path: path.join(screenshotDir, 'dispute-desktop.png') });
    // Opened, a reading keeps its place beside the other and shows its stance bar.
    await unfold(ana);
    expect(await ana.locator('.stances').textContent()).toContain('Agree 1');
    expect(await ana.locator('.tag.adopted').textContent()).toBe('Adopted');
    expect(Math.abs((await ana.boundingBox())!.x - a.x)).toBeLessThan(1);
    await page.screenshot({ path: path.join(screenshotDir, 'dispute-desktop-open.png') });
    await expectAxeClean(page);
  });

  it('stacks the dispute under its heading on a phone, filters there too, and passes axe in the dark scheme', async () => {
    const { ids, total } = await seed(server.url);
    // In the dark scheme, so that axe checks the new marks' contrast there too.
    const { page } = await pages.open({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, bypassCSP: true, colorScheme: 'dark' });
    await open(page, server.url);
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.locator('daf-text-page .stack-toggle').first().click();
    const [ana, dov] = [cardOf(page, ids['fence-ana']), cardOf(page, ids['fence-dov'])];
    await expect.poll(() => ana.evaluate((el) => !el.classList.contains('waiting'))).toBe(true);
    expect(await ana.locator('.dispute-head').textContent()).toBe('Dispute: 2 readings');
    const [a, d] = [(await ana.boundingBox())!, (await dov.boundingBox())!];
    expect(Math.abs(a.x - d.x)).toBeLessThan(1);
    expect(d.y).toBeGreaterThanOrEqual(a.y + a.height);
    expect(await ana.locator('.stance-counts').textContent()).toContain('Adopted');
    await page.screenshot({ path: path.join(screenshotDir, 'dispute-phone.png') });
    await expectAxeClean(page);

    await page.locator('daf-text-page .filter-toggle').click();
    await box(page, /Open questions only/).check();
    await expect.poll(() => status(page).textContent()).toBe(`Showing 3 of ${total} glosses: open questions`);
    const filters = (await panel(page).boundingBox())!;
    expect(filters.x).toBeGreaterThanOrEqual(0);
    expect(filters.x + filters.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(screenshotDir, 'filters-phone.png') });
    await expectAxeClean(page);
  });
});

/** Two readings of a dispute stand side by side under its heading, the first's, at the same height and width; gives the first's box. */
async function expectSideBySide(first: Locator, second: Locator) {
  const [a, d, head] = [(await first.boundingBox())!, (await second.boundingBox())!, (await first.locator('.dispute-head').boundingBox())!];
  const [aFace, dFace] = [(await first.locator('.face').boundingBox())!, (await second.locator('.face').boundingBox())!];
  expect(Math.abs(aFace.y - dFace.y)).toBeLessThan(1);
  expect(Math.abs(a.width - d.width)).toBeLessThan(1);
  expect(Math.abs(d.x - a.x)).toBeGreaterThanOrEqual(a.width);
  expect(head.width).toBeGreaterThanOrEqual(Math.max(a.x, d.x) + a.width - Math.min(a.x, d.x) - 1);
  return a;
}

/** No two of the cards overlap. */
async function expectNoOverlap(cards: Locator) {
  const boxes = await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom, left: r.left, right: r.right })));
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5 || a.right <= b.left + 0.5 || b.right <= a.left + 0.5;
      expect(apart, JSON.stringify([a, b])).toBe(true);
    }
  }
}
