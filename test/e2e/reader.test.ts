/**
 * The reader in a real browser: a newcomer opens the library, opens the demo text, sees the
 * glosses highlighted in the text and placed beside their anchors, and toggles a layer.
 * Screenshots of the main views go to test-results/screenshots.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import { screenshotDir, unfold, useChromium, usePage } from './browser.ts';

describe('the reader', () => {
  // Each test reads the demo on a server of its own, in a page of its own.
  const server = useServer({ each: true });
  const browser = useChromium();
  const { page, errors } = usePage(browser);

  /** Opens the English text, laid out, as a reader who came from the library finds it. */
  async function openEnglish() {
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
  }

  it('shows the library with the demo texts', async () => {
    await page.goto(server.url + '/');
    const links = page.locator('daf-library .texts a');
    await expect.poll(() => links.count()).toBe(2);
    expect(await links.allTextContents()).toEqual(expect.arrayContaining(['Pirkei Avot (English)', 'Pirkei Avot · פרקי אבות']));
    await page.screenshot({ path: path.join(screenshotDir, 'library.png') });
  });

  it('opens a text: glosses highlighted in it and placed level with their anchors', async () => {
    await page.goto(server.url + '/');
    await page.locator('daf-library .texts a', { hasText: 'Pirkei Avot (English)' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/pirkei-avot-en`);
    // The study notes quote phrases: highlights. The English Bartenura quotes Hebrew words, so each
    // comment anchors to its whole segment: a bar beside the segment, not a highlight.
    const marks = page.locator('daf-text-page .text .gloss-mark');
    await expect.poll(() => marks.count()).toBe(2);
    await expect.poll(() => page.locator('daf-text-page p.segment-glossed').count()).toBeGreaterThan(10);
    const note = page.locator('daf-text-page daf-gloss-card', { hasText: 'Deliberate is not slow' });
    await expect.poll(() => note.count()).toBe(1);
    // The card sits level with its highlight (within a line), since nothing above pushes it down.
    const highlight = page.locator('daf-text-page .text .gloss-mark', { hasText: 'Be deliberate in judgment' }).first();
    const [cardBox, markBox] = [await note.boundingBox(), await highlight.boundingBox()];
    expect(cardBox && markBox).toBeTruthy();
    expect(Math.abs(cardBox!.y - markBox!.y)).toBeLessThan(400);
    // Cards in one column never overlap.
    const boxes = await page.locator('daf-text-page aside.column[data-side="end"][data-depth="1"] daf-gloss-card').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.top, r.bottom]));
    const sorted = boxes.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][1]);
    await page.screenshot({ path: path.join(screenshotDir, 'text-en.png'), fullPage: false });
  });

  it('loads no editor for a reader who only reads: the composer comes when someone writes', async () => {
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await openEnglish();
    await unfold(page.locator('daf-text-page daf-gloss-card', { hasText: 'What counts as a fence?' }));
    expect(scripts.some((s) => /^\/assets\/index-/.test(s))).toBe(true);
    expect(scripts.filter((s) => s.includes('daf-composer'))).toEqual([]);
    expect(await page.evaluate(() => customElements.get('daf-composer') === undefined)).toBe(true);
  });

  it('opens a thread: replies in order, an answer indented under what it answers', async () => {
    await openEnglish();
    const question = page.locator('daf-text-page daf-gloss-card', { hasText: 'What counts as a fence?' });
    // Folded, the card says how many replies it has; opened in place, it offers its thread.
    expect(await question.locator('header').textContent()).toContain('3 replies');
    await unfold(question);
    const toggle = question.locator('button.thread-toggle');
    expect(await toggle.textContent()).toContain('3 replies');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const replies = question.locator('ol.thread li');
    await expect.poll(() => replies.count()).toBe(3);
    expect(await replies.nth(0).textContent()).toContain('Bartenura reads it as');
    const indent = async (i: number) => (await replies.nth(i).boundingBox())!.x;
    expect(await indent(1)).toBeGreaterThan(await indent(0));
    // Who answered whom is in the markup too: the answer is a list item inside the item it answers.
    expect(await question.locator('ol.thread > li:nth-child(1) > ol.answers > li').count()).toBeGreaterThan(0);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await question.screenshot({ path: path.join(screenshotDir, 'thread.png') });
  });

  it('opens a gloss from its URL, scrolled into view and marked', async () => {
    await openEnglish();
    const id = await page.locator('daf-text-page daf-gloss-card', { hasText: 'What counts as a fence?' }).getAttribute('data-id');
    await page.mouse.move(0, 0); // a pointer resting on another card would make that one active
    await page.goto(`${server.url}/t/pirkei-avot-en#g-${id}`);
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${id}"]`);
    await expect.poll(() => card.getAttribute('class')).toContain('active');
    const box = (await card.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    expect(await page.locator('daf-text-page .text .gloss-mark.active').textContent()).toBe('make a fence to the Thorah');
  });

  it('shows a gloss written elsewhere without a reload, where it belongs', async () => {
    // A second person writes through the API while this page stays open.
    const noa = await signupOver(server.url, 'noa');
    expect((await noa.post('/api/groups/avot-circle/join')).status).toBe(200);
    await page.goto(server.url + '/t/pirkei-avot-en');
    await expect.poll(() => page.locator('daf-text-page .text .gloss-mark').count()).toBe(2);
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    // An open thread keeps its replies' words as they are (a selection in them stays): the page
    // re-reads every gloss, and only what changed is drawn again.
    const fence = page.locator('daf-text-page daf-gloss-card', { hasText: 'What counts as a fence?' });
    await unfold(fence);
    await fence.locator('button.thread-toggle').click();
    const firstReply = fence.locator('ol.thread li .body').first();
    await firstReply.evaluate((el) => el.setAttribute('data-seen', 'before'));
    const res = await noa.post('/api/texts/pirkei-avot-en/layers/study-notes/glosses', {
      target: { exact: 'the world is stayed' },
      body: { markdown: 'Three pillars, and the world rests on them.' },
    });
    expect(res.status).toBe(201);
    const card = page.locator('daf-text-page daf-gloss-card', { hasText: 'Three pillars' });
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('daf-text-page .text .gloss-mark', { hasText: 'the world is stayed' }).count()).toBe(1);
    // Same page, not reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    expect(await firstReply.getAttribute('data-seen')).toBe('before');
    // Nor does the card draw a reply again when it renders itself anew: closed and opened, the
    // thread shows the very elements it showed.
    await fence.locator('button.thread-toggle').click();
    await expect.poll(() => fence.locator('ol.thread').count()).toBe(0);
    await fence.locator('button.thread-toggle').click();
    expect(await firstReply.getAttribute('data-seen')).toBe('before');
  });

  it('hides and shows a layer with its toggle, and the choice has a URL', async () => {
    await openEnglish();
    // Bartenura's bars beside its segments, counted by whether a reader can see them.
    const bars = page.locator('daf-text-page p.segment-glossed .segment-marker.layer-bartenura');
    const barsShown = () => bars.evaluateAll((els) => els.filter((e) => getComputedStyle(e).visibility !== 'hidden').length);
    const bartenuraCards = page.locator('daf-text-page daf-gloss-card', { hasText: 'I state, for since this tractate' }).filter({ visible: true });
    const before = await barsShown();
    expect(before).toBeGreaterThan(10);
    expect(await bartenuraCards.count()).toBe(1);
    const marks = await page.locator('daf-text-page .text .gloss-mark').count();
    const toggle = page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input');
    await toggle.uncheck();
    await expect.poll(barsShown).toBe(0);
    expect(await bartenuraCards.count()).toBe(0);
    await expect.poll(() => new URL(page.url()).searchParams.get('layers')).toBe('study-notes');
    // The study notes' highlights stay.
    expect(await page.locator('daf-text-page .text .gloss-mark').count()).toBe(marks);
    // The URL keeps the choice.
    await page.reload();
    await expect.poll(() => page.locator('daf-text-page[data-laid-out]').count()).toBe(1);
    expect(await barsShown()).toBe(0);
    expect(await page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input').isChecked()).toBe(false);
    await page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input').check();
    await expect.poll(barsShown).toBe(before);
    expect(await bartenuraCards.count()).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.has('layers')).toBe(false);
  });

  it('lays a Hebrew text out right to left, with its English glosses left to right', async () => {
    await page.goto(server.url + '/t/pirkei-avot');
    const text = page.locator('daf-text-page .text');
    await expect.poll(() => page.locator('daf-text-page .text .gloss-mark').count()).toBeGreaterThan(20);
    expect(await text.getAttribute('dir')).toBe('rtl');
    const english = page.locator('daf-text-page daf-gloss-card p', { hasText: 'Be deliberate in judgment' });
    await expect.poll(() => english.count()).toBe(1);
    expect(await english.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    // An English comment that opens with a Hebrew quotation still reads left to right.
    await page.goto(server.url + '/t/pirkei-avot-en');
    const bartenura = page.locator('daf-text-page daf-gloss-card p', { hasText: 'I state, for since this tractate' });
    await expect.poll(() => bartenura.count()).toBe(1);
    expect(await bartenura.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    await page.goto(server.url + '/t/pirkei-avot');
    await expect.poll(() => page.locator('daf-text-page .text .gloss-mark').count()).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(screenshotDir, 'text-he.png') });
    expect(errors).toEqual([]);
  });

  it('marks words two layers share once per layer, and hiding one layer leaves the other mark', async () => {
    await page.goto(server.url + '/t/pirkei-avot');
    await expect.poll(() => page.locator('daf-text-page[data-laid-out]').count()).toBe(1);
    // "הוו מתונים בדין" carries a Bartenura comment and a study note: two marks, one in the other.
    const shared = page.locator('daf-text-page .text .gloss-mark.layer-bartenura .gloss-mark.layer-study-notes, daf-text-page .text .gloss-mark.layer-study-notes .gloss-mark.layer-bartenura');
    await expect.poll(() => shared.count()).toBeGreaterThan(0);
    const note = page.locator('daf-text-page .text .gloss-mark.layer-study-notes').first();
    const ids = (await note.getAttribute('data-gloss'))!.split(' ').map(Number);
    expect(ids.length).toBeGreaterThan(0);
    // Every id a mark names is a card on the page.
    for (const id of ids) expect(await page.locator(`daf-text-page daf-gloss-card[data-id="${id}"]`).count()).toBe(1);
    const underline = () => note.evaluate((el) => getComputedStyle(el).borderBottomColor);
    const shown = await underline();
    await page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input').uncheck();
    await expect.poll(() => page.locator('daf-text-page .text .gloss-mark.layer-bartenura').first().evaluate((el) => getComputedStyle(el).borderBottomColor)).toBe('rgba(0, 0, 0, 0)');
    expect(await underline()).toBe(shown);
    await page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input').check();
  });

  it('ties whole-passage glosses to their cards: each passage bar names its glosses', async () => {
    await page.goto(server.url + '/t/pirkei-avot-en');
    await expect.poll(() => page.locator('daf-text-page[data-laid-out]').count()).toBe(1);
    const bars = page.locator('daf-text-page .text .segment-marker.layer-bartenura');
    await expect.poll(() => bars.count()).toBeGreaterThan(10);
    const named = (await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-gloss')!))).flatMap((v) => v.split(' ').map(Number));
    expect(named.length).toBe(62);
    for (const id of named.slice(0, 5)) expect(await page.locator(`daf-text-page daf-gloss-card[data-id="${id}"]`).count()).toBe(1);
  });

  it('goes from one text straight to another within the app and shows the new one whole', async () => {
    await page.goto(server.url + '/t/pirkei-avot-en');
    await expect.poll(() => page.locator('daf-text-page[data-laid-out]').count()).toBe(1);
    await page.evaluate(() => document.querySelector('daf-app')!.dispatchEvent(new CustomEvent('daf-navigate', { detail: { path: '/t/pirkei-avot' } })));
    await expect.poll(() => page.locator('daf-text-page .text').getAttribute('dir')).toBe('rtl');
    await expect.poll(() => page.locator('daf-text-page[data-laid-out]').count()).toBe(1);
    const text = await page.locator('daf-text-page .text').textContent();
    expect(text).toContain('משה קבל תורה מסיני');
    expect(text).not.toContain('Moses received');
    // Its highlights are its own: every mark lies on Hebrew words.
    const marks = await page.locator('daf-text-page .text .gloss-mark').allTextContents();
    expect(marks.length).toBeGreaterThan(20);
    for (const m of marks) expect(m).not.toMatch(/[A-Za-z]/);
    expect(errors).toEqual([]);
  });
});
