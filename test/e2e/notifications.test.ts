/**
 * Notifications in a real browser: a member is answered and mentioned while their page is open,
 * sees the count in the header rise without a reload, opens the notification and lands on the
 * reply, marked in its open thread. Screenshots go to test-results/screenshots.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { screenshotDir, signUpInto, unfold, useChromium, usePage } from './browser.ts';

const text = 'pirkei-avot-en';

describe('notifications', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  // axe is injected as an inline script, which the pages' CSP would refuse.
  const { page } = usePage(browser, { bypassCSP: true });

  /** Ada's open layer on the demo text, and a gloss of Bob's in it; Bob's browser signed in. */
  async function setUp() {
    const ada = await signupOver(server.url, 'ada', undefined, 'Ada Lovelace');
    expect((await ada.post(`/api/texts/${text}/layers`, { name: 'Reading circle', slug: 'circle', visibility: 'public', writePolicy: 'signed_in' })).status).toBe(201);
    const bob = await signUpInto(page.context(), server.url, 'bob', { displayName: 'Bob' });
    const gloss = await bob.post(`/api/texts/${text}/layers/circle/glosses`, { target: { exact: 'Be deliberate in judgment' }, body: { markdown: 'Deliberate, or slow?' } });
    expect(gloss.status).toBe(201);
    return { ada, bob, glossId: gloss.body.id as number };
  }

  it('counts a reply the moment it is written, and its link lands on the reply in its thread', async () => {
    const { ada, glossId } = await setUp();
    await page.goto(`${server.url}/`);
    const bell = page.locator('daf-notifications button.bell');
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('0');

    // Ada answers, naming Bob, while his page is open: no reload.
    const reply = await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'Deliberate, @bob: weigh before you judge.' } });
    expect(reply.status).toBe(201);
    await expect.poll(() => bell.getAttribute('data-unread'), { timeout: 10_000 }).toBe('1');
    await page.screenshot({ path: path.join(screenshotDir, 'notifications-count.png') });

    await bell.click();
    const item = page.locator('daf-notifications .panel li');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('Ada Lovelace answered you on Pirkei Avot (English)');
    expect(await item.textContent()).toContain('weigh before you judge');
    await page.screenshot({ path: path.join(screenshotDir, 'notifications-panel.png') });
    expect(await seriousViolations(page)).toEqual([]);

    await item.locator('a').click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/${text}#g-${glossId}-r-${reply.body.id}`);
    const marked = page.locator(`daf-text-page daf-gloss-card[data-id="${glossId}"] li.marked`);
    await marked.waitFor();
    expect(await marked.textContent()).toContain('weigh before you judge');
    const box = (await marked.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    // Opened is read: the count is gone, and stays gone after a reload.
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('0');
    await page.screenshot({ path: path.join(screenshotDir, 'notifications-landed.png') });
    await page.reload();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('0');
  });

  it('follows a link to another reply on the page already open, and marks all read at once', async () => {
    const { ada, glossId } = await setUp();
    await page.goto(`${server.url}/t/${text}`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const first = await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'First answer.' } });
    const second = await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'Second answer, @bob.' }, parent: first.body.id });
    expect(second.status).toBe(201);
    const bell = page.locator('daf-notifications button.bell');
    // The first answers Bob's gloss; the second answers Ada's own reply, but names Bob.
    await expect.poll(() => bell.getAttribute('data-unread'), { timeout: 10_000 }).toBe('2');
    await bell.click();
    expect(await page.locator('daf-notifications .panel li .line').allTextContents()).toEqual([
      'Ada Lovelace mentioned you on Pirkei Avot (English)',
      'Ada Lovelace answered you on Pirkei Avot (English)',
    ]);
    await page.locator('daf-notifications .panel li a').first().click();
    await expect.poll(() => page.url()).toContain(`#g-${glossId}-r-${second.body.id}`);
    const marked = page.locator(`daf-text-page daf-gloss-card[data-id="${glossId}"] li.marked`);
    await marked.waitFor();
    expect(await marked.textContent()).toContain('Second answer');

    // Two more, then "Mark all read".
    await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'Third.' } });
    await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'Fourth.' } });
    await expect.poll(() => bell.getAttribute('data-unread'), { timeout: 10_000 }).toBe('3');
    await bell.click();
    await page.locator('daf-notifications .panel button', { hasText: 'Mark all read' }).click();
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('0');
    expect(await page.locator('daf-notifications .panel li.unread').count()).toBe(0);
  });

  it('fits the panel on a phone’s screen', async () => {
    const { ada, glossId } = await setUp();
    await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'A long answer that runs on, @bob, '.repeat(6) } });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/`);
    const bell = page.locator('daf-notifications button.bell');
    await expect.poll(() => bell.getAttribute('data-unread')).toBe('1');
    await bell.click();
    const panel = page.locator('daf-notifications .panel');
    await panel.locator('li').waitFor();
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(screenshotDir, 'notifications-phone.png') });
    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(await bell.evaluate((b) => b.getRootNode() instanceof ShadowRoot && (b.getRootNode() as ShadowRoot).activeElement === b)).toBe(true);
  });

  it('tells a writer in the composer who they name cannot read the layer', async () => {
    const { ada, glossId } = await setUp();
    // Ada's private layer: only she reads it. Bob's gloss is in the open one.
    expect((await ada.post(`/api/texts/${text}/layers`, { name: 'Ada alone', slug: 'alone', visibility: 'private' })).status).toBe(201);
    await signupOver(server.url, 'cy');
    await page.goto(`${server.url}/t/${text}#g-${glossId}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${glossId}"]`);
    await card.locator('xpath=self::*[@unfolded]').waitFor();
    await card.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer = card.locator('daf-composer');
    await composer.locator('.ProseMirror').waitFor();
    await composer.locator('.ProseMirror').click();
    await page.keyboard.type('Asking @ada and @cy.');
    // Everyone reads the open layer: no warning.
    await page.waitForTimeout(800);
    expect(await composer.locator('.unreached').count()).toBe(0);
    await page.keyboard.press('Escape');

    // In Ada's private layer, as Ada: Bob and Cy may not read it.
    await page.context().clearCookies();
    const adaCookies = ada.cookies().map(([name, value]) => ({ name, value, url: server.url }));
    await page.context().addCookies(adaCookies);
    await page.goto(`${server.url}/t/${text}`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const own = await ada.post(`/api/texts/${text}/layers/alone/glosses`, { target: { exact: 'make a fence to the Thorah' }, body: { markdown: 'Mine.' } });
    const mine = page.locator(`daf-text-page daf-gloss-card[data-id="${own.body.id}"]`);
    await mine.waitFor();
    await unfold(mine);
    await mine.getByRole('button', { name: 'Reply', exact: true }).click();
    const composer2 = mine.locator('daf-composer');
    await composer2.locator('.ProseMirror').click();
    await page.keyboard.type('Note to @bob and @cy.');
    const warning = composer2.locator('.unreached');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('@bob, @cy cannot read this layer and will not be told.');
    await page.screenshot({ path: path.join(screenshotDir, 'notifications-unreached.png') });
  });

  it('shows what is new since one last read: counts in the library, marks on the cards, gone once read', async () => {
    const { ada, glossId } = await setUp();
    const fresh = await ada.post(`/api/texts/${text}/layers/circle/glosses`, { target: { exact: 'raise up many disciples' }, body: { markdown: 'Many, not few.' } });
    expect(fresh.status).toBe(201);
    await ada.post(`/api/glosses/${glossId}/replies`, { body: { markdown: 'Slow is not the point.' } });
    await page.goto(`${server.url}/`);
    const count = page.locator('daf-library .texts li', { hasText: 'Pirkei Avot (English)' }).locator('.new');
    await expect.poll(() => count.textContent()).toBe('2 new');

    await page.locator('daf-library .texts a', { hasText: 'Pirkei Avot (English)' }).click();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const marked = page.locator('daf-text-page daf-gloss-card .fresh');
    // A dot on the new gloss, and on Bob's, which has a new reply.
    await expect.poll(() => page.locator('daf-text-page daf-gloss-card:has(.fresh)').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-id')).sort())).toEqual([String(glossId), String(fresh.body.id)].sort());
    expect(await page.locator(`daf-text-page daf-gloss-card[data-id="${glossId}"]`).textContent()).toContain('1 reply (1 new)');
    await page.screenshot({ path: path.join(screenshotDir, 'read-state-marks.png') });
    // A few seconds on the page count as reading it: the marks stay for this visit, not the next.
    await expect.poll(async () => (await (await fetch(`${server.url}/api/texts`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).json()).texts.find((x: { slug: string }) => x.slug === text).new, { timeout: 10_000 }).toBe(0);
    expect(await marked.count()).toBe(2);
    await page.reload();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    expect(await marked.count()).toBe(0);
  });

  it('shows nothing to a visitor', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('daf-library').waitFor();
    expect(await page.locator('daf-notifications button').count()).toBe(0);
  });
});
