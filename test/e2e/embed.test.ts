/**
 * Daf embedded in another site, in real Chromium. A second small server on another origin
 * (`localhost`, while Daf is at `127.0.0.1`: another site, not only another port) serves host
 * pages with aggressive CSS of their own and a strict Content-Security-Policy that allows
 * scripts (and requests) only from Daf. On them: two passages, Hebrew and English, render with
 * their glosses, untouched by the host's CSS and showing no private layer, the second only once
 * it is scrolled to; a reader signs in through Daf's popup and writes a gloss and a reply that
 * then stand on Daf's own page; and an oEmbed answer's iframe renders. Screenshots go to
 * test-results/screenshots.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContextOptions, Locator } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { standIn, useFixture, useServer } from '../helpers/fixtures.ts';
import { signupOver, type HttpClient } from './api-client.ts';
import { openPage, screenshotDir, useChromium } from './browser.ts';

/** A marker in private layers and glosses: no embed may show it. */
const secret = 'zzembedprivateqx';

/** CSS a careless host page might have: it must not restyle the widget. */
const hostCss = `* { color: red !important; font-size: 40px !important; font-family: fantasy !important; line-height: 3 !important;
  text-transform: uppercase !important; letter-spacing: 6px !important; }
div { display: none; }
p { margin: 60px !important; }
body { background: #eef; }
.spacer { display: block; height: 4000px; }`;

/** A page of the host site. */
interface HostPage {
  body: string;
  /** Extra CSP directives beyond scripts, requests and the page's own style. */
  csp?: string;
}

/** The host site: pages by path, each with its own CSS and a CSP that allows only Daf's scripts. */
function startHost(daf: string, pages: Record<string, HostPage>): Promise<{ url: string; close: () => Promise<void> }> {
  const styleHash = crypto.createHash('sha256').update(hostCss).digest('base64');
  const server = http.createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    const csp = [
      "default-src 'none'",
      `script-src ${daf}`,
      `connect-src ${daf}`,
      `style-src 'sha256-${styleHash}'`,
      "img-src 'self' data:",
      ...(page.csp ? [page.csp] : []),
    ].join('; ');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course page</title><link rel="icon" href="data:,">
<style>${hostCss}</style>
<script type="module" src="${daf}/embed.js"></script></head>
<body><h1>Week three</h1>${page.body}</body></html>`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://localhost:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    }),
  );
}

/** Everything a widget shows, through its shadow root. */
const shadowText = (widget: Locator) => widget.evaluate((el) => el.shadowRoot!.textContent ?? '');

describe('embedding Daf in another site', () => {
  // Each test on the demo, on a server of its own, with the private layers and the host site below.
  const server = useServer({ each: true });
  const browser = useChromium();
  let owner: HttpClient;
  let heLayers: string;

  beforeEach(async () => {
    // Private layers with glosses on the embedded passages: they must never show.
    owner = await signupOver(server.url, 'owner');
    for (const [slug, exact] of [
      ['pirkei-avot-en', 'Be deliberate in judgment'],
      ['pirkei-avot', 'הוו מתונים בדין'],
    ]) {
      expect((await owner.post(`/api/texts/${slug}/layers`, { name: `Diary ${secret}`, slug: 'diary', visibility: 'private' })).status).toBe(201);
      expect((await owner.post(`/api/texts/${slug}/layers/diary/glosses`, { target: { exact }, body: { markdown: `My ${secret} note.` } })).status).toBe(201);
    }
    const layers = (await owner.get('/api/texts/pirkei-avot/layers')).body.layers as { slug: string }[];
    // Every layer of the Hebrew text, the private one too: asking for it must not show it.
    heLayers = layers.map((l) => l.slug).join(',');
  });

  /** The host site, serving its pages for the test in hand. */
  const host = standIn(
    useFixture(
      'the host site',
      () => {
        const daf = server.url;
        return startHost(daf, {
          '/read': {
            body: `<daf-passage id="he" src="${daf}/t/pirkei-avot" ref="1:1-1:2" layers="${heLayers}"></daf-passage>
<section class="spacer">Scroll on.</section>
<daf-passage id="en" src="${daf}/t/pirkei-avot-en" ref="1:1-1:3"></daf-passage>`,
          },
          '/write': { body: `<daf-passage id="en" interactive src="${daf}/t/pirkei-avot-en" ref="1:1-1:3"></daf-passage>` },
        });
      },
      (site) => site.close(),
      { each: true },
    ),
  );

  /** A host page's window: a fresh context, its page errors and console errors (CSP violations among them) collected. */
  const openHostPage = (options: BrowserContextOptions = {}) => openPage(browser, { viewport: { width: 1000, height: 800 }, ...options });

  /** Waits until a widget shows its passage and at least one gloss card. */
  async function loaded(widget: Locator) {
    await widget.locator('.text').waitFor();
    await expect.poll(() => widget.locator('.card').count()).toBeGreaterThan(0);
  }

  it('shows a Hebrew and an English passage with their glosses, untouched by the host page, and no private layer', async () => {
    const { context, page, errors } = await openHostPage();
    // Signed in to Daf in this browser: the embed must still show only what is public.
    await page.goto(`${server.url}/`);
    const login = await page.evaluate(async () => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'owner', password: 'a long passphrase' }) })).status);
    expect(login).toBe(200);

    await page.goto(`${host.url}/read`);
    const he = page.locator('daf-passage#he');
    const en = page.locator('daf-passage#en');
    await loaded(he);
    // The English passage is far below: it waits until it is scrolled near.
    expect(await en.locator('.loading').count()).toBe(1);
    expect(await en.locator('.text').count()).toBe(0);

    // The Hebrew passage: right to left, its segments, Bartenura and the study note.
    const heText = he.locator('.text');
    expect(await heText.getAttribute('dir')).toBe('rtl');
    expect(await heText.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await he.locator('p.segment').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-ref')))).toEqual(['1:1', '1:2']);
    const heShown = await shadowText(he);
    expect(heShown).toContain('משה קבל תורה מסיני');
    expect(heShown).toContain('the first of the three sayings of the Men of the Great Assembly');
    expect(await he.locator('.card .layer').allTextContents()).toContain('Study notes');
    expect(heShown).not.toContain(secret);

    await en.scrollIntoViewIfNeeded();
    await loaded(en);
    const enShown = await shadowText(en);
    expect(await en.locator('.text').getAttribute('dir')).toBe('ltr');
    expect(enShown).toContain('Be deliberate in judgment');
    expect(enShown).toContain('is not'); // the study note on it: "*Deliberate* is not *slow*"
    expect(enShown).toContain('3 replies'); // the question about the fence
    expect(enShown).toContain('Bartenura grants that other nations'); // a gloss on a Bartenura gloss, nested
    expect(enShown).not.toContain(secret);
    expect(await en.locator('.card .card .body').count()).toBeGreaterThan(0);

    // The thread opens under its card.
    await en.getByRole('button', { name: '3 replies' }).click();
    await expect.poll(() => en.locator('.reply').count()).toBe(3);
    expect(await en.locator('.reply').nth(1).evaluate((r) => parseFloat(getComputedStyle(r).marginInlineStart))).toBeGreaterThan(0);

    // The host's CSS stops at the shadow root: sane sizes, colours and display.
    for (const widget of [he, en]) {
      for (const selector of ['.text p', '.card .body p', 'footer a']) {
        const style = await widget.locator(selector).first().evaluate((el) => {
          const s = getComputedStyle(el);
          return { size: parseFloat(s.fontSize), color: s.color, display: s.display, transform: s.textTransform, spacing: s.letterSpacing, family: s.fontFamily };
        });
        expect(style.size, selector).toBeGreaterThan(10);
        expect(style.size, selector).toBeLessThan(30);
        expect(style.color, selector).not.toBe('rgb(255, 0, 0)');
        expect(style.display, selector).not.toBe('none');
        expect(style.transform, selector).toBe('none');
        expect(style.spacing, selector).toBe('normal');
        expect(style.family, selector).not.toBe('fantasy');
      }
      // Highlights are drawn, and the widget's CSS did not leak onto the host page.
      expect(await widget.locator('footer .join').getAttribute('href')).toMatch(new RegExp(`^${server.url}/t/pirkei-avot(-en)?(\\?layers=[^#]+)?#1%3A1$`));
    }
    expect(await page.evaluate(() => CSS.highlights.size)).toBeGreaterThan(0);
    expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).color)).toBe('rgb(255, 0, 0)');
    expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontSize)).toBe('40px');

    await he.screenshot({ path: path.join(screenshotDir, 'embed-he.png') });
    await en.screenshot({ path: path.join(screenshotDir, 'embed-en.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('follows the host page into its dark scheme', async () => {
    const { context, page } = await openHostPage({ colorScheme: 'dark' });
    await page.goto(`${host.url}/read`);
    const he = page.locator('daf-passage#he');
    await loaded(he);
    const light = await he.locator('.root').evaluate((el) => getComputedStyle(el).backgroundColor);
    // The host page declares no color-scheme: the widget stays light with it…
    expect(light).toBe('rgb(251, 248, 241)');
    // …and turns dark when the host page does, or when told to.
    await page.evaluate(() => document.documentElement.style.setProperty('color-scheme', 'light dark'));
    await expect.poll(() => he.locator('.root').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 27, 24)');
    await he.screenshot({ path: path.join(screenshotDir, 'embed-he-dark.png') });
    await context.close();
  });

  it('lets a reader sign in through the popup and write a gloss and a reply that stand on Daf', async () => {
    const writer = await signupOver(server.url, 'writer', 'another long passphrase');
    expect((await writer.post('/api/groups/avot-circle/join')).status).toBe(200);

    const { context, page, errors } = await openHostPage();
    await page.goto(`${host.url}/write`);
    const en = page.locator('daf-passage#en');
    await loaded(en);

    // Sign in: Daf's popup names this site, the reader logs in there and approves.
    const [popup] = await Promise.all([context.waitForEvent('page'), en.getByRole('button', { name: 'Sign in to write' }).click()]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).origin).toBe(server.url);
    await expect.poll(() => popup.locator('daf-connect h1').textContent()).toContain(new URL(host.url).host);
    await popup.locator('daf-account').getByRole('button', { name: 'Log in' }).click();
    await popup.locator('daf-account #handle').fill('writer');
    await popup.locator('daf-account #password').fill('another long passphrase');
    await popup.locator('daf-account dialog').getByRole('button', { name: 'Log in' }).click();
    // Allow takes no click for a moment after it appears (a double-click cannot land on it).
    const allow = popup.getByRole('button', { name: 'Allow' });
    await allow.waitFor();
    expect(await allow.isDisabled()).toBe(true);
    expect(await popup.locator('daf-connect p.note').last().textContent()).toContain('not your account, your groups, their moderation or your layers');
    await expect.poll(() => allow.isEnabled()).toBe(true);
    await popup.screenshot({ path: path.join(screenshotDir, 'embed-connect.png') });
    await Promise.all([popup.waitForEvent('close'), allow.click()]);
    await expect.poll(() => shadowText(en)).toContain('Signed in as writer');
    // What the site got is an embed token, which runs out.
    const tokens = (await writer.get('/api/tokens')).body.tokens as { scope: string; expires: string | null }[];
    expect(tokens.map((k) => k.scope)).toEqual(['embed']);
    expect(tokens[0].expires).not.toBeNull();

    // Select words in the passage with the mouse, and gloss them.
    const words = 'raise up many disciples';
    const box = await en.locator('.text').evaluate((text, words) => {
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent!.indexOf(words);
        if (at < 0) continue;
        n.parentElement!.scrollIntoView({ block: 'center' });
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + words.length);
        const rects = range.getClientRects();
        const first = rects[0];
        const last = rects[rects.length - 1];
        return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
      }
      return null;
    }, words);
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x1, box!.y1);
    await page.mouse.down();
    await page.mouse.move(box!.x2, box!.y2, { steps: 5 });
    await page.mouse.up();
    await en.getByRole('button', { name: 'Write a gloss on the selection' }).click();
    const composer = en.locator('daf-composer');
    await composer.locator('.ProseMirror').waitFor();
    expect(await composer.locator('.quote').textContent()).toContain(words);
    await composer.locator('select').first().selectOption({ label: 'Study notes' });
    await composer.locator('.ProseMirror').click();
    await page.keyboard.type('Written on the course page.');
    await composer.getByRole('button', { name: 'Post' }).click();
    const card = en.locator('.card', { hasText: 'Written on the course page.' });
    await card.waitFor();
    expect(await card.locator('[part~="author"]').textContent()).toBe('@writer');

    // And a reply under it.
    await card.getByRole('button', { name: 'Reply' }).click();
    await card.locator('daf-composer .ProseMirror').click();
    await page.keyboard.type('And a reply from the course page.');
    await card.locator('daf-composer').getByRole('button', { name: 'Reply' }).click();
    await en.locator('.reply', { hasText: 'And a reply from the course page.' }).waitFor();
    await en.screenshot({ path: path.join(screenshotDir, 'embed-written.png') });
    expect(errors).toEqual([]);

    // Both stand on Daf's own page.
    const daf = await context.newPage();
    await daf.goto(`${server.url}/t/pirkei-avot-en`);
    await daf.locator('daf-text-page[data-laid-out]').waitFor();
    const written = daf.locator('daf-gloss-card', { hasText: 'Written on the course page.' });
    await written.waitFor();
    expect(await written.textContent()).toContain('writer');
    const glosses = (await writer.get('/api/texts/pirkei-avot-en/glosses?layer=study-notes')).body.glosses as any[];
    const mine = glosses.find((g) => g.body?.text === 'Written on the course page.');
    expect(mine.target.exact).toBe(words);
    expect(mine.replies.map((r: any) => r.body.text)).toEqual(['And a reply from the course page.']);
    await context.close();
  });

  it('answers oEmbed with a sandboxed iframe that renders the passage', async () => {
    const url = `${server.url}/t/pirkei-avot-en?ref=1:1-1:3`;
    const res = await fetch(`${server.url}/oembed?url=${encodeURIComponent(url)}&maxwidth=700&format=json`);
    expect(res.status).toBe(200);
    const o = await res.json();
    expect(o).toMatchObject({ type: 'rich', version: '1.0', html: expect.stringMatching(/^<iframe /), width: expect.any(Number), height: expect.any(Number) });
    const oembedHost = await startHost(server.url, { '/oembed': { body: o.html, csp: `frame-src ${server.url}` } });
    try {
      const { context, page, errors } = await openHostPage();
      await page.goto(`${oembedHost.url}/oembed`);
      const frame = page.frameLocator('iframe');
      const widget = frame.locator('daf-passage');
      await loaded(widget);
      const shown = await shadowText(widget);
      expect(shown).toContain('Be deliberate in judgment');
      expect(shown).not.toContain(secret);
      await page.locator('iframe').screenshot({ path: path.join(screenshotDir, 'embed-oembed.png') });
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await oembedHost.close();
    }
  });
});
