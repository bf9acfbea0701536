/**
 * The printable daf (README, "The reader": printing): `/t/:slug/print?ref=&layers=` lays a passage
 * out the way a printed page does — the text in the middle, its layers around it — and on paper
 * shows no controls. Checked in Chromium's print media emulation, with screenshots.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { screenshotDir, useChromium, usePage } from './browser.ts';

describe('the printable daf', () => {
  // Each test on a server of its own, in a page of its own, about the size of an A4 sheet.
  const server = useServer({ each: true });
  const browser = useChromium();
  const { page } = usePage(browser, { viewport: { width: 1240, height: 1754 } });

  /** The x-extents of the article's parts, read from the page. */
  const columns = () =>
    page.locator('daf-print-page').evaluate((el) => {
      const box = (sel: string) => {
        const r = el.shadowRoot!.querySelector(sel)!.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top };
      };
      return { text: box('.text'), bartenura: box('section[data-layer="bartenura"]'), notes: box('section[data-layer="study-notes"]') };
    });

  it('puts the Hebrew text in the middle, mirrored: the first layer on the right, the second on the left', async () => {
    await page.goto(`${server.url}/t/pirkei-avot/print?ref=1:1-1:3`);
    const glosses = page.locator('daf-print-page .gloss');
    await expect.poll(() => glosses.count()).toBeGreaterThan(10);
    const c = await columns();
    expect(c.bartenura.left).toBeGreaterThan(c.text.right);
    expect(c.notes.right).toBeLessThan(c.text.left);
    // Every Bartenura comment on 1:1–1:3 is there, with its opening words; nothing from 1:4 on.
    const passage = await (await fetch(`${server.url}/api/texts/pirkei-avot/passage?ref=1:1-1:3`)).json();
    const bartenura = passage.glosses.filter((g: any) => g.layer === 'bartenura' && g.target.gloss === null);
    expect(await page.locator('daf-print-page section[data-layer="bartenura"] > .gloss').count()).toBe(bartenura.length);
    expect(bartenura.length).toBeGreaterThan(10);
    expect(await page.locator('daf-print-page .text').textContent()).not.toContain('יוסי בן יועזר'); // 1:4
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(screenshotDir, 'print-he.png'), fullPage: true });
  });

  it('shows no buttons or site header on paper, and the print button on screen', async () => {
    await page.goto(`${server.url}/t/pirkei-avot/print?ref=1:1-1:3`);
    await page.emulateMedia({ media: 'screen' });
    await expect.poll(() => page.locator('daf-print-page button', { hasText: 'Print' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('daf-print-page button').isVisible()).toBe(false);
    expect(await page.locator('daf-app header').isVisible()).toBe(false);
  });

  it('lays out only the layers asked for, one beside the text, and opens whole-passage comments without repeating the passage', async () => {
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${server.url}/t/pirkei-avot-en/print?ref=1:1&layers=bartenura`);
    const glosses = page.locator('daf-print-page .gloss');
    await expect.poll(() => glosses.count()).toBeGreaterThan(5);
    expect(await page.locator('daf-print-page section[data-layer="study-notes"]').count()).toBe(0);
    const { text, layer } = await page.locator('daf-print-page').evaluate((el) => {
      const r = (sel: string) => el.shadowRoot!.querySelector(sel)!.getBoundingClientRect();
      return { text: { left: r('.text').left, right: r('.text').right }, layer: { left: r('section.layer').left } };
    });
    expect(layer.left).toBeGreaterThan(text.right);
    // The English Bartenura comments on whole passages: the ref opens each, not the passage again.
    expect(await page.locator('daf-print-page section.layer .lemma').count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, 'print-en.png'), fullPage: true });
  });

  it('prints the reading page itself without its controls: no layer switches, hints or buttons', async () => {
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    expect(await page.locator('daf-text-page .layers').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    for (const controls of ['.layers', '.help', '.stack-toggle', 'daf-gloss-card .actions']) {
      expect(await page.locator(`daf-text-page ${controls}`).first().isVisible()).toBe(false);
    }
    expect(await page.locator('daf-text-page daf-gloss-card').first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'print-reader.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });
});
