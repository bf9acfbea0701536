/**
 * What a reader sees when things could go wrong, in real Chromium: hostile gloss bodies shown as
 * inert text, the page on a phone, accessibility as axe-core judges it, and a Hebrew page's
 * mirrored columns. Screenshots go to test-results/screenshots.
 */
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { HttpClient, signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { openPage, screenshotDir, unfold, useChromium } from './browser.ts';

/** Markdown an attacker might try: raw HTML, event handlers, script URLs in every spelling. */
const hostileMarkdown = [
  '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> [click](javascript:window.__pwned=3) <b onmouseover=alert(1)>x</b>',
  '<a href="javascript:window.__pwned=4">a</a> [b](JaVaScRiPt:window.__pwned=5) <javascript:window.__pwned=6> [c](data:text/html,<script>window.__pwned=7</script>) <svg onload=window.__pwned=8>',
  '[d](&#106;avascript:window.__pwned=9) <iframe src="javascript:window.__pwned=10"></iframe> *<i onclick=window.__pwned=11>em</i>*',
];

/** A gloss-schema document with one link whose href is `href`. */
const linkDoc = (href: string) => ({
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'click me', marks: [{ type: 'link', attrs: { href } }] }] }],
});

/** Everything in the page, through every open shadow root, as the attributes a test cares about. */
function deepElements(page: Page) {
  return page.evaluate(() => {
    const out: { tag: string; attrs: [string, string][] }[] = [];
    const stack: (Document | ShadowRoot)[] = [document];
    while (stack.length) {
      const root = stack.pop()!;
      for (const el of root.querySelectorAll('*')) {
        out.push({ tag: el.localName, attrs: [...el.attributes].map((a) => [a.name, a.value]) });
        if (el.shadowRoot) stack.push(el.shadowRoot);
      }
    }
    return out;
  });
}

describe('safety, small screens and accessibility', () => {
  // Each test on the demo, on a server of its own.
  const server = useServer({ each: true });
  const browser = useChromium();

  /** A fresh page in a context of its own; page errors, console errors and dialogs (dismissed) are collected. */
  async function openWatchedPage(options: BrowserContextOptions = {}) {
    const { page, errors } = await openPage(browser, options);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    return { page, errors, dialogs };
  }

  /** Opens a text and waits until its highlights and columns are laid out. */
  async function openText(page: Page, slug: string) {
    await page.goto(`${server.url}/t/${slug}`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await expect.poll(() => page.locator('daf-text-page daf-gloss-card').count()).toBeGreaterThan(0);
  }

  describe('hostile gloss bodies', () => {
    let mallory: HttpClient;
    let layer: string;
    const written: { id: number; text: string; exact: string }[] = [];
    let reply: { text: string };
    let nested: { id: number; text: string };

    beforeEach(async () => {
      written.length = 0;
      mallory = await signupOver(server.url, 'mallory');
      const made = await mallory.post('/api/texts/pirkei-avot-en/layers', { name: 'Notes <img src=x onerror="window.__pwned=20">', visibility: 'public' });
      expect(made.status).toBe(201);
      layer = made.body.slug;
      const phrases = ['raise up many disciples', 'Love work; and hate lordship', 'Make full examination of the witnesses'];
      for (const [i, markdown] of hostileMarkdown.entries()) {
        const res = await mallory.post(`/api/texts/pirkei-avot-en/layers/${layer}/glosses`, { target: { exact: phrases[i] }, body: { markdown } });
        expect(res.status).toBe(201);
        written.push({ id: res.body.id, text: res.body.body.text, exact: phrases[i] });
      }
      // A document whose text is markup: allowed, and only ever text.
      const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '<script>window.__pwned=12</script>' }] }] };
      const plain = await mallory.post(`/api/texts/pirkei-avot-en/layers/${layer}/glosses`, { target: { exact: 'drink their words with thirstiness' }, body: { doc } });
      expect(plain.status).toBe(201);
      written.push({ id: plain.body.id, text: plain.body.body.text, exact: 'drink their words with thirstiness' });
      // Reply and gloss-on-gloss bodies take the same road into the card.
      const r = await mallory.post(`/api/glosses/${written[0].id}/replies`, { body: { markdown: '<script>window.__pwned=13</script><img src=x onerror=alert(2)>' } });
      expect(r.status).toBe(201);
      reply = { text: r.body.body.text };
      const n = await mallory.post(`/api/texts/pirkei-avot-en/layers/${layer}/glosses`, {
        target: { exact: '<script>', gloss: written[0].id },
        body: { markdown: '<img src=x onerror="window.__pwned=14"> [e](javascript:window.__pwned=15)' },
      });
      expect(n.status).toBe(201);
      nested = { id: n.body.id, text: n.body.body.text };
    });

    it('refuses a document body with a script link, in every spelling', async () => {
      const hrefs = ['javascript:window.__pwned=16', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'java\tscript:alert(1)'];
      for (const href of hrefs) {
        const res = await mallory.post(`/api/texts/pirkei-avot-en/layers/${layer}/glosses`, { target: { exact: 'Withdraw from an evil neighbour' }, body: { doc: linkDoc(href) } });
        expect(res.status, href).toBe(422);
        expect(res.body.error.code, href).toBe('invalid_body');
      }
    });

    it('stores the markup as text', () => {
      expect(written[0].text).toContain('<script>window.__pwned=1</script>');
      expect(written[0].text).toContain('onerror="window.__pwned=2"');
      expect(written[0].text).toContain('[click](javascript:window.__pwned=3)');
      expect(written[3].text).toBe('<script>window.__pwned=12</script>');
    });

    it('shows hostile glosses as inert text: nothing runs on load, hover or click', async () => {
      const { page, errors, dialogs } = await openWatchedPage();
      await openText(page, 'pirkei-avot-en');
      for (const g of written) {
        const card = page.locator(`daf-text-page daf-gloss-card[data-id="${g.id}"]`);
        await expect.poll(() => card.count()).toBe(1);
        // The reader sees exactly the stored text, markup and all (paragraphs are elements, not "\n").
        expect(await card.locator('.body').textContent()).toBe(g.text.replace(/\n/g, ''));
        expect(await page.locator(`daf-text-page .text .gloss-mark[data-gloss="${g.id}"]`).textContent()).toBe(g.exact);
        await card.hover();
        await card.click();
        await page.locator(`daf-text-page .text .gloss-mark[data-gloss="${g.id}"]`).hover();
        await page.locator(`daf-text-page .text .gloss-mark[data-gloss="${g.id}"]`).click();
      }
      // The layer's name, with its markup, is text too.
      const label = page.locator('daf-text-page .layers label', { hasText: 'Notes <img' });
      await expect.poll(() => label.count()).toBe(1);
      const first = page.locator(`daf-text-page daf-gloss-card[data-id="${written[0].id}"]`);
      await unfold(first);
      expect(await first.locator('header').textContent()).toContain('Notes <img src=x onerror="window.__pwned=20">');
      // The thread and the gloss on the gloss.
      await first.locator('button.thread-toggle').click();
      const li = first.locator('ol.thread li p');
      await expect.poll(() => li.count()).toBe(1);
      expect(await li.textContent()).toBe(reply.text);
      await li.hover();
      await li.click();
      const nestedBody = page.locator(`daf-text-page daf-gloss-card[data-depth="2"][data-id="${nested.id}"] .body p`);
      expect(await nestedBody.textContent()).toBe(nested.text);
      await nestedBody.hover();
      await nestedBody.click();
      await first.screenshot({ path: path.join(screenshotDir, 'hostile-gloss.png') });

      const elements = await deepElements(page);
      expect(elements.filter((e) => e.tag === 'daf-gloss-card').length).toBeGreaterThan(written.length);
      // Only the app's own bundle is a script; nothing hostile became an element or a handler.
      const scripts = elements.filter((e) => e.tag === 'script');
      expect(scripts.map((s) => Object.fromEntries(s.attrs).src)).toEqual([expect.stringMatching(/^\/assets\/index-[\w-]+\.js$/)]);
      expect(elements.filter((e) => ['img', 'iframe', 'svg', 'object', 'embed'].includes(e.tag))).toEqual([]);
      expect(elements.flatMap((e) => e.attrs.filter(([name]) => name.startsWith('on')).map(([name, value]) => `${e.tag} ${name}=${value}`))).toEqual([]);
      const scriptUrls = elements.flatMap((e) => e.attrs.filter(([name, value]) => ['href', 'src', 'action'].includes(name) && /^\s*(javascript|data|vbscript):/i.test(value) && value !== 'data:,'));
      expect(scriptUrls).toEqual([]);
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);

      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('names every author with their handle, so nobody can pass for someone else by a display name', async () => {
    const impostor = new HttpClient(server.url);
    expect((await impostor.post('/api/auth/signup', { handle: 'notolga', password: 'a long passphrase', displayName: 'Olga Owner' })).status).toBe(201);
    const layer = await impostor.post('/api/texts/pirkei-avot-en/layers', { name: 'Announcements', visibility: 'public' });
    const gloss = await impostor.post(`/api/texts/pirkei-avot-en/layers/${layer.body.slug}/glosses`, {
      target: { exact: 'A name made great is a name destroyed' },
      body: { markdown: 'As your group owner: send me your password.' },
    });
    expect(gloss.status).toBe(201);
    expect((await impostor.post(`/api/glosses/${gloss.body.id}/replies`, { body: { markdown: 'Really.' } })).status).toBe(201);
    const { page, errors } = await openWatchedPage();
    await openText(page, 'pirkei-avot-en');
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${gloss.body.id}"]`);
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.locator('header').textContent()).toContain('Olga Owner @notolga');
    expect(await card.getAttribute('aria-label')).toContain('by Olga Owner @notolga');
    await card.click();
    await card.locator('button.thread-toggle').click();
    await expect.poll(() => card.locator('ol.thread .who').first().textContent()).toContain('Olga Owner @notolga');
    await card.screenshot({ path: path.join(screenshotDir, 'author-handle.png') });
    expect(errors).toEqual([]);
  });

  it('writes no CSS of a layer’s own into the page, whatever its colour says', async () => {
    const { page, errors } = await openWatchedPage();
    // A layer as a server that checks nothing might send it: its colour breaks out of its rule.
    const layers = (url: URL) => url.pathname === '/api/texts/pirkei-avot-en/layers';
    let hostile = '';
    await page.route(layers, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { layers: { slug: string; color: string }[] };
      hostile = body.layers[0].slug;
      body.layers[0].color = 'red; } * { visibility: hidden !important; } .x { color: red';
      await route.fulfill({ response, json: body });
    });
    await openText(page, 'pirkei-avot-en');
    const text = page.locator('daf-text-page');
    expect(await text.locator('daf-gloss-card').first().isVisible()).toBe(true);
    expect(await text.locator('.text').isVisible()).toBe(true);
    // The hostile layer takes the page's accent instead of its colour, on its toggle, cards and marks.
    const accent = await text.evaluate((el) => getComputedStyle(el).getPropertyValue('--daf-accent').trim());
    const toggle = text.locator('.layers label').first();
    expect(await toggle.evaluate((el) => el.getAttribute('style'))).not.toContain('visibility');
    const card = text.locator(`daf-gloss-card[data-layers="${hostile}"]`).first();
    for (const el of [toggle, card]) expect(await el.evaluate((e) => getComputedStyle(e).getPropertyValue('--c').trim())).toBe(accent);
    await page.unroute(layers);
    expect(errors).toEqual([]);
  });

  it('folds the columns on a phone: each card under its passage, no sideways scrolling', async () => {
    const { page, errors } = await openWatchedPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const slug of ['pirkei-avot-en', 'pirkei-avot']) {
      await openText(page, slug);
      expect(await page.locator('daf-text-page .page').getAttribute('class')).toContain('narrow');
      const text = (await page.locator('daf-text-page .text').boundingBox())!;
      expect(text.x).toBeGreaterThanOrEqual(0);
      expect(text.x + text.width).toBeLessThanOrEqual(390);
      // Each passage's commentary is folded under it into one button, "N glosses on 1:1"; opened,
      // its cards lie under the passage.
      const toggles = page.locator('daf-text-page .stack-toggle');
      expect(await toggles.count()).toBeGreaterThan(10);
      expect(await toggles.first().textContent()).toMatch(/^\d+ gloss(es)? on 1:1$/);
      expect(await page.locator('daf-text-page .group > daf-gloss-card:not(.waiting)').count()).toBe(0);
      const folded = await page.evaluate(() => document.scrollingElement!.scrollHeight);
      for (let i = (await toggles.count()) - 1; i >= 0; i--) await toggles.nth(i).click();
      expect(await page.locator('daf-text-page .group > daf-gloss-card.waiting').count()).toBe(0);
      expect(await page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeGreaterThan(folded);
      // Each card on the text lies in the room kept under the passage it comments on: below that
      // passage, above the next one, and within the text's width; none overlaps another.
      const placed = await page.locator('daf-text-page').evaluate((host) => {
        const root = host.shadowRoot!;
        const cards = [...root.querySelectorAll<HTMLElement>('.group > daf-gloss-card')];
        const blockOf = (id: string) => root.querySelector(`.text [data-gloss="${id}"]`)?.closest('p') ?? null;
        return cards.map((card) => {
          const id = card.dataset.id!;
          const block = card.dataset.depth === '1' ? (blockOf(id) ?? null) : null;
          const next = block?.nextElementSibling?.nextElementSibling ?? null; // past the room kept for cards
          return {
            box: card.getBoundingClientRect().toJSON() as DOMRect,
            block: block?.getBoundingClientRect().toJSON() as DOMRect | undefined,
            next: next?.getBoundingClientRect().toJSON() as DOMRect | undefined,
          };
        });
      });
      expect(placed.length).toBeGreaterThan(0);
      let checked = 0;
      for (const { box, block, next } of placed) {
        expect(box.left).toBeGreaterThanOrEqual(text.x - 1);
        expect(box.right).toBeLessThanOrEqual(text.x + text.width + 1);
        if (!block) continue;
        checked++;
        expect(box.top).toBeGreaterThanOrEqual(block.bottom - 1);
        if (next) expect(box.bottom).toBeLessThanOrEqual(next.top + 1);
      }
      expect(checked).toBeGreaterThan(0);
      const sorted = placed.map((p) => p.box).sort((a, b) => a.top - b.top);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i].top).toBeGreaterThanOrEqual(sorted[i - 1].bottom - 1);
      const overflow = await page.evaluate(() => {
        const s = document.scrollingElement!;
        return { scrollWidth: s.scrollWidth, clientWidth: s.clientWidth };
      });
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth + 1);
      const name = slug === 'pirkei-avot' ? 'phone-he' : 'phone';
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
      await page.locator('daf-text-page daf-gloss-card').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, `${name}-cards.png`) });
    }
    // A highlight answers a tap.
    await openText(page, 'pirkei-avot-en');
    const mark = page.locator('daf-text-page .text .gloss-mark', { hasText: 'Be deliberate in judgment' });
    await mark.tap();
    await expect.poll(() => mark.getAttribute('class')).toContain('active');
    expect(errors).toEqual([]);
  });

  describe('axe-core finds no serious or critical violation', () => {
    for (const [name, url] of [
      ['the library', '/'],
      ['the English text', '/t/pirkei-avot-en'],
      ['the Hebrew text', '/t/pirkei-avot'],
    ] as const) {
      it(name, async () => {
        // This context alone bypasses the page's CSP, which (rightly) forbids the inline script
        // that injects axe. Every other test runs under the real policy.
        const { page, errors } = await openWatchedPage({ bypassCSP: true });
        await page.goto(server.url + url);
        if (url === '/') await expect.poll(() => page.locator('daf-library a').count()).toBeGreaterThan(0);
        else await page.locator('daf-text-page[data-laid-out]').waitFor();
        const violations = await seriousViolations(page);
        if (violations.length) console.log(`axe on ${url}:\n${JSON.stringify(violations, null, 2)}`);
        expect(violations).toEqual([]);
        expect(errors).toEqual([]);
      });
    }
  });

  it('mirrors the columns of a Hebrew text: the first layer on the right', async () => {
    // reader.test.ts covers dir=rtl and the English gloss's ltr direction; this is the mirroring.
    const { page, errors } = await openWatchedPage();
    await openText(page, 'pirkei-avot');
    const text = (await page.locator('daf-text-page .text').boundingBox())!;
    const start = (await page.locator('daf-text-page aside.column[data-side="start"][data-depth="1"]').boundingBox())!;
    const end = (await page.locator('daf-text-page aside.column[data-side="end"][data-depth="1"]').boundingBox())!;
    expect(start.x).toBeGreaterThanOrEqual(text.x + text.width);
    expect(end.x + end.width).toBeLessThanOrEqual(text.x);
    // The first layer (Bartenura) is on the right; the English study note on the left.
    const firstLayer = await page.locator('daf-text-page .layers label').first().textContent();
    expect(firstLayer).toMatch(/Bartenura|ברטנורא/);
    const right = page.locator('daf-text-page aside.column[data-side="start"][data-depth="1"] daf-gloss-card');
    expect(await right.count()).toBeGreaterThan(0);
    expect(await right.first().getAttribute('aria-label')).toContain(firstLayer!.replace(/\s*\(\d+\)\s*$/, '').trim());
    const english = page.locator('daf-text-page daf-gloss-card', { hasText: 'Be deliberate in judgment' });
    const box = (await english.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(text.x);
    expect(errors).toEqual([]);
  });
});
