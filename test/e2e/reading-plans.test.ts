/**
 * Reading plans in a real browser: an organiser sets a weekly pace on the group's page, and a
 * member sees this week's passage first on the same page and opens the text at it; a plan of
 * dated passages pasted one a line replaces it. Screenshots go to test-results/screenshots;
 * axe-core checks the page with the plan and its form.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dayOf, addDays } from '../../schema/reading-plan.ts';
import { useServer } from '../helpers/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { screenshotDir, signUpInto, useChromium, usePages } from './browser.ts';

const slug = 'avot-weekly';
const plan = (page: Page) => page.locator('daf-reading-plan');

describe('reading plans in the browser', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  // A plan the server refuses answers 422, which the browser logs as an error: such answers are
  // collected apart (`refused`) and checked. A group without a plan asks nothing (`hasPlan`).
  const { open, refused } = usePages(browser, { refused: true });

  /** A page signed in as a new person `handle` (axe needs the CSP bypassed). */
  async function atGroup(handle: string) {
    const { page } = await open({ bypassCSP: true });
    const client = await signUpInto(page.context(), server.url, handle);
    return { page, client };
  }

  async function openGroup(page: Page) {
    await page.goto(`${server.url}/g/${slug}`);
    await expect.poll(() => page.locator('daf-group-page h1').textContent()).toBe('Avot, a chapter a month');
  }

  it('lets an organiser set a weekly plan, and a member open the text at this week’s passage', async () => {
    const organiser = await atGroup('rivka');
    expect((await organiser.client.post('/api/groups', { slug, name: 'Avot, a chapter a month', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    // A layer of the group on the English Avot: the form offers its text.
    expect((await organiser.client.post('/api/texts/pirkei-avot-en/layers', { name: 'Our notes', group: slug, visibility: 'public' })).status).toBe(201);
    await openGroup(organiser.page);

    // No plan yet: the organiser is offered one, as a weekly pace that began a week ago (UTC, the server's day).
    const started = addDays(dayOf(new Date()), -7);
    await plan(organiser.page).getByRole('button', { name: 'Set a reading plan…' }).click();
    const form = plan(organiser.page).getByRole('form', { name: 'Set the reading plan' });
    expect(await form.getByLabel('Text (its address)').inputValue()).toBe('pirkei-avot-en');
    await form.getByLabel('Passages (segments)').fill('6');
    await form.getByLabel('Every').selectOption('week');
    await form.getByLabel('From', { exact: true }).fill(started);
    expect(await seriousViolations(organiser.page)).toEqual([]);
    await plan(organiser.page).screenshot({ path: path.join(screenshotDir, 'reading-plan-form.png') });
    await form.getByRole('button', { name: 'Set the plan' }).click();
    await expect.poll(() => plan(organiser.page).locator('.now .label').textContent()).toBe('This week’s passage');
    expect(await plan(organiser.page).locator('.now .passage a').textContent()).toMatch(/Pirkei Avot \(English\)\s+1:7–1:12/);
    await expect.poll(() => plan(organiser.page).getByRole('status').textContent()).toBe('The reading plan is set.');
    await expect.poll(() => organiser.page.locator('daf-group-audit li').first().textContent()).toMatch(/@rivka set the reading plan, on “Pirkei Avot \(English\)”\./);

    // A member, on the same page: this week's passage first, the whole plan folded below.
    const member = await atGroup('pnina');
    expect((await member.client.post(`/api/groups/${slug}/join`)).status).toBe(200);
    await openGroup(member.page);
    const now = plan(member.page).locator('.now');
    await expect.poll(() => now.locator('.label').textContent()).toBe('This week’s passage');
    expect(await plan(member.page).getByRole('button', { name: /plan/ }).count()).toBe(0);
    const whole = plan(member.page).locator('details');
    expect(await whole.getAttribute('open')).toBeNull();
    await whole.locator('summary').click();
    expect(await whole.locator('li').count()).toBe(3); // the demo's chapter one: 18 mishnayot, 6 a week
    expect(await whole.locator('li[aria-current="true"] a').textContent()).toBe('1:7–1:12');
    expect(await seriousViolations(member.page)).toEqual([]);
    await member.page.screenshot({ path: path.join(screenshotDir, 'reading-plan-member.png'), fullPage: true });

    await now.getByRole('link', { name: 'Open the text at 1:7' }).click();
    await expect.poll(() => decodeURIComponent(new URL(member.page.url()).hash)).toBe('#1:7');
    expect(new URL(member.page.url()).pathname).toBe('/t/pirkei-avot-en');
    const segment = member.page.locator('daf-text-page p[data-ref="1:7"]');
    await segment.waitFor();
    // The page opens at the passage: it stands in the window.
    await expect
      .poll(() => segment.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      }))
      .toBe(true);
    expect(await member.page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(refused).toEqual([]);
  });

  it('replaces the plan with dated passages pasted one a line, and says what the server refuses', async () => {
    const organiser = await atGroup('rivka');
    expect((await organiser.client.post('/api/groups', { slug, name: 'Avot, a chapter a month', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const today = dayOf(new Date());
    await openGroup(organiser.page);
    await plan(organiser.page).getByRole('button', { name: 'Set a reading plan…' }).click();
    const form = plan(organiser.page).getByRole('form', { name: 'Set the reading plan' });
    await form.getByLabel('Text (its address)').fill('pirkei-avot-en');
    await form.getByLabel('Passages with dates').check();
    const lines = form.getByLabel('Passages, one a line');
    await lines.fill(`${addDays(today, -3)} 1:1-1:3 The chain\n${addDays(today, 4)} 9:1-9:2 Nowhere`);
    await form.getByRole('button', { name: 'Set the plan' }).click();
    await expect.poll(() => plan(organiser.page).getByRole('alert').textContent()).toBe('Passage 2 (' + addDays(today, 4) + '): the text has no passage "9:1"');
    await lines.fill(`${addDays(today, -3)} 1:1-1:3 The chain\n${addDays(today, 4)} 1:4-1:6`);
    await form.getByRole('button', { name: 'Set the plan' }).click();
    await expect.poll(() => plan(organiser.page).locator('.now .title').textContent()).toBe('The chain');
    expect(await plan(organiser.page).locator('.now .label').textContent()).toBe('This week’s passage');
    await organiser.page.screenshot({ path: path.join(screenshotDir, 'reading-plan-dates.png'), fullPage: true });
    expect(refused).toEqual([`/api/groups/${slug}/plan`]); // the unknown passage
  });
});
