/**
 * The page holds together (README, "The reader": the layout), measured in a real browser at
 * 1440×900 with every layer shown: every card starts within half a screen (450 px) of the words it
 * explains, and the page is at most four times as tall as its text — on the demo texts, on 50
 * glosses on one short passage, and on a classical commentary with long comments imported with
 * `daf import-sefaria`. Links to a card that waits behind "N more" open its stack; a card opens in
 * place without moving the others.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { measureDrift, quantileOf } from '../bench/client-browser/drift.ts';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { openPage, screenshotDir, unfold, useChromium } from './browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = path.join(root, 'fixtures/sefaria');
const wide = { width: 1440, height: 900 };

/** Opens a text at 1440×900 and waits for its layout. */
async function openWide(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openPage(browser, { viewport: wide });
  await page.goto(url);
  await page.locator('daf-text-page[data-laid-out]').waitFor();
  // The live stream and the idle-time sizing settle; then the page is as a reader sees it.
  await page.waitForTimeout(300);
  return { page, errors };
}

/** The page's drift, checked against the rule: every shown card within 450 px, the page at most 4× its text. */
async function expectHoldsTogether(page: Page, atLeast: number) {
  const drift = await page.evaluate(measureDrift);
  expect(drift.distances.length).toBeGreaterThanOrEqual(atLeast);
  expect(quantileOf(drift.distances, 1)).toBeLessThanOrEqual(450);
  expect(drift.pageHeight).toBeLessThanOrEqual(4 * drift.textHeight);
  return drift;
}

describe('the page holds together', () => {
  // Each test on the demo, on a server of its own.
  const server = useServer({ each: true });
  const browser = useChromium();

  for (const slug of ['pirkei-avot', 'pirkei-avot-en']) {
    it(`keeps every card of the demo's ${slug} within half a screen of its words`, async () => {
      const { page, errors } = await openWide(browser, `${server.url}/t/${slug}`);
      // Every Bartenura comment, and the study notes, are on the page (some behind "N more").
      const drift = await expectHoldsTogether(page, 55);
      expect(drift.distances.length + drift.waiting).toBeGreaterThanOrEqual(64);
      await page.screenshot({ path: path.join(screenshotDir, `layout-${slug}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('holds 50 glosses on one short passage: the rest wait behind "N more on 1:2", opened in place, and a link opens them', async () => {
    const reader = await signupOver(server.url, 'fifty');
    const layer = await reader.post('/api/texts/pirkei-avot-en/layers', { name: 'Fifty readings', slug: 'fifty', visibility: 'public' });
    expect(layer.status).toBe(201);
    const phrases = ["Shime'on ha-Çaddiq", 'remnants of the Great Synagogue', 'On three things the world is stayed', 'the bestowal of Kindnesses', 'He used to say'];
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await reader.post('/api/texts/pirkei-avot-en/layers/fifty/glosses', {
        target: { exact: phrases[i % phrases.length] },
        body: { markdown: `Reading ${i + 1}: ${'a reading of this passage that runs on for a while, '.repeat(1 + (i % 4))}` },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    let { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot-en`);
    const drift = await expectHoldsTogether(page, 40);
    expect(drift.waiting).toBeGreaterThan(30);
    const more = page.locator('daf-text-page .stack-toggle', { hasText: /^\d+ more on 1:2$/ });
    expect(await more.count()).toBe(1);
    const toggle = page.locator(`daf-text-page .stack-toggle[data-key="${await more.getAttribute('data-key')}"]`);
    await page.screenshot({ path: path.join(screenshotDir, 'layout-fifty.png') });

    // Opened in place: every card of the stack shows, and the next passage still starts level with its own cards.
    const next = page.locator('daf-text-page .text p[data-ref="1:3"]');
    await toggle.click();
    expect(await toggle.textContent()).toBe('Fewer on 1:2');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    for (const id of ids) expect(await page.locator(`daf-text-page daf-gloss-card[data-id="${id}"]`).isVisible()).toBe(true);
    const [nextBox, lastBox] = [await next.boundingBox(), await page.locator(`daf-text-page daf-gloss-card[data-id="${ids.at(-1)}"]`).boundingBox()];
    expect(nextBox!.y).toBeGreaterThan(lastBox!.y);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');

    // A link to a card that waits opens its stack, and shows the card and its words together.
    const last = ids.at(-1)!;
    await page.context().close();
    ({ page } = await openWide(browser, `${server.url}/t/pirkei-avot-en#g-${last}`));
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${last}"]`);
    await expect.poll(() => card.isVisible()).toBe(true);
    const box = (await card.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(wide.height);
    const mark = (await page.locator(`daf-text-page .text [data-gloss~="${last}"]`).first().boundingBox())!;
    expect(mark.y).toBeGreaterThanOrEqual(0);
    expect(mark.y).toBeLessThanOrEqual(wide.height);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says so when a link names a gloss or a layer the reader may not see, and shows them once signed in', async () => {
    const keeper = await signupOver(server.url, 'keeper');
    expect((await keeper.post('/api/texts/pirkei-avot-en/layers', { name: 'Kept close', slug: 'kept-close', visibility: 'private' })).status).toBe(201);
    const gloss = await keeper.post('/api/texts/pirkei-avot-en/layers/kept-close/glosses', { target: { exact: 'He used to say' }, body: { markdown: 'Only mine.' } });
    expect(gloss.status).toBe(201);
    const url = `${server.url}/t/pirkei-avot-en?layers=kept-close#g-${gloss.body.id}`;
    const { page, errors } = await openWide(browser, url);
    const notices = page.locator('daf-text-page .banner.notice');
    await expect.poll(() => notices.count()).toBe(2);
    const said = (await notices.allTextContents()).join(' ');
    expect(said).toContain('This gloss is not on this page');
    expect(said).toContain('The layer “kept-close” is not on this page');
    expect(said).toContain('Sign in');
    // Nothing of the gloss or its layer's name.
    expect(said).not.toContain('Only mine');
    expect(said).not.toContain('Kept close');
    await page.screenshot({ path: path.join(screenshotDir, 'layout-private-link.png') });
    // Its owner signs in on that very page (no reload): the gloss is shown, and the notices go.
    const account = page.locator('daf-account');
    await account.getByRole('button', { name: 'Log in' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Handle').fill('keeper');
    await dialog.getByLabel('Password').fill('a long passphrase');
    await dialog.locator('button[type=submit]').click();
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${gloss.body.id}"]`);
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => notices.count()).toBe(0);
    const box = (await card.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(wide.height);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens the innermost gloss at the caret with Enter, not the widest', async () => {
    const wider = await signupOver(server.url, 'wider');
    expect((await wider.post('/api/texts/pirkei-avot-en/layers', { name: 'Wide readings', slug: 'wide', visibility: 'public' })).status).toBe(201);
    const wide = await wider.post('/api/texts/pirkei-avot-en/layers/wide/glosses', {
      target: { exact: 'and raise up many disciples; and make a fence to the Thorah' },
      body: { markdown: 'The whole of the second and third sayings.' },
    });
    expect(wide.status).toBe(201);
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot-en`);
    const fence = page.locator('daf-text-page daf-gloss-card', { hasText: 'What counts as a fence?' });
    await page.locator('daf-text-page .text daf-mark-0, daf-text-page .text [data-gloss]', { hasText: 'fence' }).last().click();
    await page.keyboard.press('Enter');
    await expect.poll(() => fence.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('offers to comment on a selection made without a pointer (a touch screen’s handles)', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await page.locator('daf-text-page').evaluate((host) => {
      const text = host.shadowRoot!.querySelector('.ProseMirror')!;
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf('Synagogue');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 'Synagogue'.length);
        document.getSelection()!.removeAllRanges();
        document.getSelection()!.addRange(range);
        return;
      }
    });
    const popover = page.locator('daf-text-page .popover');
    await expect.poll(() => popover.textContent()).toContain('Log in or sign up');
    const box = (await popover.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // No keyboard hints on a touch screen.
    expect(await page.locator('daf-text-page .help .keys').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows everything on the passage in hand in a focus panel, and Esc brings the reader back', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot`);
    const card = page.locator('daf-text-page aside.column daf-gloss-card:not(.waiting)').first();
    await unfold(card);
    await card.getByRole('button', { name: 'All on 1:1' }).click();
    const panel = page.getByRole('dialog', { name: 'Everything on 1:1' });
    await expect.poll(() => panel.isVisible()).toBe(true);
    // Every gloss on 1:1, of every layer, open — including those waiting behind "N more" on the page.
    const onPassage = await (await fetch(`${server.url}/api/texts/pirkei-avot/glosses`)).json();
    const expected = onPassage.glosses.filter((g: { target: { segment: string | null; gloss: number | null } }) => g.target.segment === '1:1' && g.target.gloss === null).length;
    expect(expected).toBeGreaterThanOrEqual(8);
    expect(await panel.locator('daf-gloss-card').count()).toBeGreaterThanOrEqual(expected);
    expect(await panel.locator('daf-gloss-card[unfolded], daf-gloss-card[foldable]').count()).toBe(0);
    expect(await panel.locator('.passage').textContent()).toContain('משה קבל תורה מסיני');
    await page.screenshot({ path: path.join(screenshotDir, 'layout-focus.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the translation beside the Hebrew, each segment level with its own, toggled like a layer, and kept in the URL', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot`);
    const toggle = page.locator('daf-text-page .parallel-toggle', { hasText: 'Pirkei Avot (English)' });
    await toggle.locator('input').check();
    const parallels = page.locator('daf-text-page .text .parallel');
    await expect.poll(() => parallels.count()).toBe(18);
    expect(new URL(page.url()).searchParams.get('parallel')).toBe('pirkei-avot-en');
    for (const [ref, words] of [['1:1', 'Moses received the Thorah'], ['1:6', "Jehoshua' ben Perachia"], ['1:18', 'Rabban Shime']]) {
      const segment = page.locator(`daf-text-page .text p[data-ref="${ref}"]`);
      const beside = segment.locator('.parallel');
      expect(await beside.textContent()).toContain(words);
      const [s, b] = [(await segment.boundingBox())!, (await beside.boundingBox())!];
      expect(Math.abs(b.y - s.y)).toBeLessThan(20); // level
      expect(b.x + b.width).toBeLessThanOrEqual(s.x + s.width / 2 + 1); // on the inline-end (left) half of a right-to-left text
    }
    // The page still holds together with the translation beside it.
    await expectHoldsTogether(page, 55);
    await page.screenshot({ path: path.join(screenshotDir, 'layout-parallel.png') });
    await toggle.locator('input').uncheck();
    await expect.poll(() => parallels.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('parallel')).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('makes each card one tab stop, its buttons reached with the arrow keys and left with Esc', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot-en`);
    const focused = () =>
      page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el ? { tag: el.tagName.toLowerCase(), card: el.closest('daf-gloss-card')?.getAttribute('data-id') ?? null, text: el.textContent?.trim().slice(0, 40) ?? '' } : null;
      });
    const first = page.locator('daf-text-page daf-gloss-card:not(.waiting)').first();
    await first.focus();
    expect(await focused()).toMatchObject({ tag: 'daf-gloss-card' });
    const id = (await focused())!.card;
    // Tab leaves the card for the next card, not for its buttons.
    await page.keyboard.press('Tab');
    const next = await focused();
    expect(next).toMatchObject({ tag: 'daf-gloss-card' });
    expect(next!.card).not.toBe(id);
    // Back, then → into the card's buttons, → again along them, Esc back to the card.
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toMatchObject({ tag: 'daf-gloss-card', card: id });
    await page.keyboard.press('ArrowRight');
    const control = await focused();
    expect(control!.card).toBe(id);
    expect(['button', 'a']).toContain(control!.tag);
    await page.keyboard.press('ArrowRight');
    expect((await focused())!.card).toBe(id);
    await page.keyboard.press('Escape');
    expect(await focused()).toMatchObject({ tag: 'daf-gloss-card', card: id });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('passes axe-core with a card open, a stack opened, the translation beside the text and the focus panel open, and on a phone', async () => {
    const { page, errors } = await openPage(browser, { viewport: wide, bypassCSP: true, colorScheme: 'dark' });
    await page.goto(`${server.url}/t/pirkei-avot?parallel=pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await expect.poll(() => page.locator('daf-text-page .text .parallel').count()).toBe(18);
    const toggles = page.locator('daf-text-page .stack-toggle');
    if (await toggles.count()) await toggles.first().click();
    const card = page.locator('daf-text-page aside.column daf-gloss-card:not(.waiting)').first();
    await unfold(card);
    await card.getByRole('button', { name: /^All on / }).click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'layout-dark-parallel-focus.png') });
    const violations = await seriousViolations(page);
    if (violations.length) console.log(JSON.stringify(violations, null, 2));
    expect(violations).toEqual([]);
    await page.context().close();

    const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true });
    await phone.page.goto(`${server.url}/t/pirkei-avot`);
    await phone.page.locator('daf-text-page[data-laid-out]').waitFor();
    await phone.page.locator('daf-text-page .stack-toggle').first().click();
    await phone.page.screenshot({ path: path.join(screenshotDir, 'layout-phone-he.png') });
    expect(await seriousViolations(phone.page)).toEqual([]);
    expect([...errors, ...phone.errors]).toEqual([]);
    await phone.context.close();
  });

  it('keeps the reader’s place when a gloss arriving above adds room there', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot`);
    const passage = page.locator('daf-text-page .text p[data-ref="1:12"]');
    await passage.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(200);
    const before = (await passage.boundingBox())!.y;
    const roomBefore = await page.locator('daf-text-page').evaluate((host) => [...host.shadowRoot!.querySelectorAll<HTMLElement>('.fold')].reduce((sum, f) => sum + f.offsetHeight, 0));
    // Someone else writes six glosses on 1:2, far above: more than Bartenura's four there, so its room grows.
    const other = await signupOver(server.url, 'arrival');
    expect((await other.post('/api/groups/avot-circle/join')).status).toBe(200);
    for (const exact of ['שמעון הצדיק', 'היה משירי', 'כנסת הגדולה. הוא', 'על שלשה דברים העולם עומד', 'ועל העבודה', 'ועל גמילות חסדים']) {
      const res = await other.post('/api/texts/pirkei-avot/layers/study-notes/glosses', { target: { exact }, body: { markdown: `An arrival on ${exact}.` } });
      expect(res.status).toBe(201);
    }
    await expect.poll(() => page.locator('daf-text-page daf-gloss-card', { hasText: 'An arrival on' }).count(), { timeout: 10_000 }).toBe(6);
    await page.waitForTimeout(300);
    const roomAfter = await page.locator('daf-text-page').evaluate((host) => [...host.shadowRoot!.querySelectorAll<HTMLElement>('.fold')].reduce((sum, f) => sum + f.offsetHeight, 0));
    expect(roomAfter).toBeGreaterThan(roomBefore); // room was added above…
    expect(Math.abs((await passage.boundingBox())!.y - before)).toBeLessThan(4); // …and the passage read stays put
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps room for a layer hidden from the start, so showing it moves no text', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot?layers=study-notes`);
    const passage = page.locator('daf-text-page .text p[data-ref="1:3"]');
    const before = (await passage.boundingBox())!.y;
    await page.locator('daf-text-page .layers label', { hasText: 'Bartenura' }).locator('input').check();
    await expect.poll(() => page.locator('daf-text-page daf-gloss-card.waiting, daf-text-page aside.column daf-gloss-card').count()).toBeGreaterThan(60);
    await page.waitForTimeout(300);
    // Bartenura's cards, measured only now, are about as tall as the study notes' were taken to be.
    expect(Math.abs((await passage.boundingBox())!.y - before)).toBeLessThan(4);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens a folded card in place, over the cards below it, without moving any', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/pirkei-avot`);
    const cards = page.locator('daf-text-page aside.column[data-depth="1"] daf-gloss-card:not(.waiting)');
    const tops = () => cards.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    const before = await tops();
    const first = cards.first();
    const folded = (await first.boundingBox())!.height;
    expect(folded).toBeLessThan(80); // one line of where and who, one of the body
    await unfold(first);
    const face = (await first.locator('.face').boundingBox())!;
    expect(face.height).toBeGreaterThan(folded);
    expect(await first.getByRole('link', { name: 'Link to this gloss' }).isVisible()).toBe(true);
    expect(await tops()).toEqual(before);
    await page.screenshot({ path: path.join(screenshotDir, 'layout-unfolded.png') });
    // Focus elsewhere folds it again.
    await page.locator('daf-text-page h1').click();
    await expect.poll(() => first.getAttribute('unfolded')).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('a classical commentary with long comments, imported with daf import-sefaria', () => {
  const server = useServer({ demo: false, prepare: importLong });
  const browser = useChromium();

  /** Imports the Hebrew Pirkei Avot into `db`, with a Bartenura whose comments are made long. */
  async function importLong(db: string) {
    const dir = path.dirname(db);
    // Bartenura on chapter 1, with every third comment made several hundred words long.
    const commentary = JSON.parse(fs.readFileSync(path.join(fixtures, 'bartenura_on_pirkei_avot.he.json'), 'utf8'));
    let n = 0;
    commentary.text = commentary.text.map((chapter: string[][]) =>
      chapter.map((comments) => comments.map((c) => (n++ % 3 === 0 ? `${c} ${c.replace(/<[^>]*>/g, '').repeat(12)}` : c))),
    );
    const long = path.join(dir, 'bartenura_long.he.json');
    fs.writeFileSync(long, JSON.stringify(commentary));
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'server/cli/daf.js'), 'import-sefaria', path.join(fixtures, 'pirkei_avot.he.json'), long, '--slug', 'avot-long'], {
        env: { ...process.env, DAF_DB: db },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
  }

  it('keeps every card within half a screen of its words, the page at most 4× its text', async () => {
    const { page, errors } = await openWide(browser, `${server.url}/t/avot-long`);
    const drift = await expectHoldsTogether(page, 50);
    expect(drift.distances.length + drift.waiting).toBe(64);
    await page.screenshot({ path: path.join(screenshotDir, 'layout-imported.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
