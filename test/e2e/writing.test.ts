/**
 * Writing in a real browser: a newcomer signs up, selects a phrase with the mouse and posts a
 * gloss with bold words, replies to it, finds both after a reload, edits the gloss and deletes
 * the reply; a gloss on a Bartenura comment lands one column further out; a gloss written in one
 * browser appears in another's open page (also when it comes with a new layer and a read answers
 * late); a keyboard-only writer posts a gloss and moves between cards; a visitor who selects text
 * is asked to log in, and once signed up on the page may reply and write there.
 * Screenshots go to test-results/screenshots.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { dragAcross, openPage, screenshotDir, unfold, useChromium } from './browser.ts';

/** How long to wait for an answer that hashes a password: scrypt is slow on purpose. */
const hashing = { timeout: 15_000 };
/** How long a journey may take on a busy machine. */
const journey = 60_000;

/** Polls until a read passes, allowing for round trips to the server on a busy machine. */
const poll = <T>(read: () => T | Promise<T>, options = { timeout: 10_000 }) => expect.poll(read, options);

/** The element that has the focus, looking through shadow roots: its tag, data-id and classes. */
function focusedElement(page: Page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el && { tag: el.localName, id: el.getAttribute('data-id'), className: el.className, inText: !!el.closest('.text') };
  });
}

/** The top of an element's box, in the viewport. */
const topOf = async (locator: Locator) => (await locator.boundingBox())!.y;

describe('writing glosses', () => {
  // Each journey on the demo, on a server of its own; its pages close with it (useChromium).
  const server = useServer({ each: true });
  const browser = useChromium();

  const textPage = (page: Page) => page.locator('daf-text-page');
  const cardOf = (page: Page, id: string) => textPage(page).locator(`daf-gloss-card[data-id="${id}"]`);
  const composerOf = (page: Page) => textPage(page).locator('.popover daf-composer');

  /** Opens the English text and waits until its cards are laid out. */
  async function openText(page: Page) {
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    await poll(() => textPage(page).locator('daf-gloss-card').count()).toBeGreaterThan(0);
  }

  /** Posts JSON with the page's own fetch (so with its session cookie); returns the status. */
  function postInPage(page: Page, url: string, body: unknown): Promise<number> {
    return page.evaluate(
      async ([url, body]) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
      [url, body] as const,
    );
  }

  /**
   * Signs `handle` up over the page's own fetch, with a public layer of their own named
   * “handle’s notes” when `withLayer`, then opens the text.
   */
  async function signUpAndOpen(page: Page, handle: string, withLayer: boolean) {
    await page.goto(server.url + '/');
    expect(await postInPage(page, '/api/auth/signup', { handle, password: 'a long passphrase' })).toBe(201);
    if (withLayer) expect(await postInPage(page, '/api/texts/pirkei-avot-en/layers', { name: `${handle}’s notes`, visibility: 'public' })).toBe(201);
    await openText(page);
    await poll(() => page.locator('daf-account .name').textContent()).toBe(handle);
  }

  /** Signs up through the header's form, as a newcomer would, and waits until the header shows the name. */
  async function signUpFromHeader(page: Page, handle: string, name: string) {
    const account = page.locator('daf-account');
    await account.getByRole('button', { name: 'Sign up' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Handle').fill(handle);
    await dialog.getByLabel('Password').fill('a long passphrase');
    await dialog.getByLabel('Display name').fill(name);
    await dialog.locator('button[type=submit]').click();
    await poll(() => account.locator('.name').textContent(), hashing).toBe(name);
  }

  /**
   * With a passage selected, opens the composer from the popover's Comment button and checks
   * what it offers: the quoted passage, and the writer's own layer — chosen if it `exists`, else
   * suggested as a new layer by that name, shown to everyone. Returns the composer, its editor focused.
   */
  async function openComposer(page: Page, quote: string, layer: { name: string; exists: boolean }): Promise<Locator> {
    const popover = textPage(page).locator('.popover');
    await poll(() => popover.isVisible()).toBe(true);
    await popover.getByRole('button', { name: 'Comment' }).click();
    const composer = composerOf(page);
    await poll(() => composer.locator('.quote').textContent()).toBe(`“${quote}”`);
    const select = composer.locator('select').first();
    if (layer.exists) {
      expect(await select.locator('option').allTextContents()).toEqual([layer.name, 'New layer…', 'New layer of a group…']);
      expect(await select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0].textContent)).toBe(layer.name);
      expect(await composer.locator('input[name="layer-name"]').count()).toBe(0);
    } else {
      // A newcomer may write in no layer yet: the composer offers one of their own.
      expect(await select.locator('option').allTextContents()).toEqual(['New layer…', 'New layer of a group…']);
      expect(await composer.locator('input[name="layer-name"]').inputValue()).toBe(layer.name);
      expect(await composer.locator('select[name="layer-visibility"]').inputValue()).toBe('public');
    }
    await poll(() => focusedElement(page).then((f) => f?.className)).toContain('ProseMirror');
    return composer;
  }

  /** Posts what the composer holds with Ctrl+Enter; returns the id of the new card that shows `text`. */
  async function postAndFind(page: Page, text: string): Promise<string> {
    const cards = textPage(page).locator('daf-gloss-card');
    const before = new Set(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))));
    await page.keyboard.press('Control+Enter');
    const card = textPage(page).locator('daf-gloss-card', { hasText: text });
    await poll(() => card.count()).toBe(1);
    const id = (await card.getAttribute('data-id'))!;
    expect(before.has(id)).toBe(false);
    // The popover is gone with its composer.
    expect(await textPage(page).locator('.popover').count()).toBe(0);
    return id;
  }

  /** Comments on the selected passage in the writer's own layer (see `openComposer`); returns the new card's id. */
  async function commentOnSelection(page: Page, quote: string, body: string, layer: { name: string; exists: boolean }): Promise<string> {
    await openComposer(page, quote, layer);
    await page.keyboard.type(body);
    return postAndFind(page, body);
  }

  it('lets a newcomer sign up, gloss a phrase with bold words, reply, reload, edit and delete', async () => {
    const { page, errors } = await openPage(browser);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(server.url + '/');
    await signUpFromHeader(page, 'dina', 'Dina Katz');

    await openText(page);
    const phrase = 'a meeting-house for the wise';
    await dragAcross(page, textPage(page).locator('.text'), phrase);
    // The composer opens from the popover; the gloss gets a bold phrase with Ctrl+B.
    const composer = await openComposer(page, phrase, { name: 'Dina Katz’s notes', exists: false });
    await composer.locator('select[name="layer-visibility"]').selectOption({ label: 'everyone' });
    await composer.locator('daf-editor .ProseMirror').click();
    await page.keyboard.type('The house is open to ');
    await page.keyboard.press('Control+B');
    await page.keyboard.type('every scholar');
    await page.keyboard.press('Control+B');
    await page.keyboard.type(', not only to friends.');
    const id = await postAndFind(page, 'The house is open to every scholar, not only to friends.');
    const card = cardOf(page, id);
    expect(await card.locator('.body strong').allTextContents()).toEqual(['every scholar']);
    await unfold(card);
    expect(await card.locator('header').textContent()).toContain('Dina Katz’s notes');
    // The phrase is highlighted in the text, tied to the card.
    const mark = textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`);
    await poll(() => mark.allTextContents()).toEqual([phrase]);
    // The card is in a column beside the text, level with its highlight.
    expect(await card.evaluate((el) => el.closest('aside.column')!.matches('[data-depth="1"]'))).toBe(true);
    const [cardBox, markBox, textBox] = [await card.boundingBox(), await mark.boundingBox(), await textPage(page).locator('.text').boundingBox()];
    expect(Math.abs(cardBox!.y - markBox!.y)).toBeLessThan(markBox!.height);
    expect(cardBox!.x >= textBox!.x + textBox!.width || cardBox!.x + cardBox!.width <= textBox!.x).toBe(true);
    expect(await textPage(page).locator('.layers label', { hasText: 'Dina Katz’s notes' }).count()).toBe(1);

    // A reply, from the card.
    await card.getByRole('button', { name: 'Reply', exact: true }).click();
    const replyComposer = card.locator('daf-composer');
    await poll(() => focusedElement(page).then((f) => f?.className)).toContain('ProseMirror');
    await page.keyboard.type('And the dust of their feet follows.');
    await replyComposer.getByRole('button', { name: 'Reply' }).click();
    await poll(() => card.locator('ol.thread li').allTextContents()).toEqual([expect.stringContaining('And the dust of their feet follows.')]);
    expect(await card.locator('button.thread-toggle').textContent()).toBe('1 reply');
    expect(await replyComposer.count()).toBe(0);

    // After a reload: the gloss, highlighted and in its card, and the reply in its thread.
    await page.reload();
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const again = cardOf(page, id);
    await poll(() => again.locator('.body strong').allTextContents()).toEqual(['every scholar']);
    expect(await textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`).allTextContents()).toEqual([phrase]);
    await unfold(again);
    await again.locator('button.thread-toggle').click();
    await poll(() => again.locator('ol.thread li').allTextContents()).toEqual([expect.stringContaining('And the dust of their feet follows.')]);

    // Edit the gloss.
    await again.getByRole('button', { name: 'Edit', exact: true }).first().click();
    const editor = again.locator('daf-composer daf-editor .ProseMirror');
    await poll(() => editor.textContent()).toBe('The house is open to every scholar, not only to friends.');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Open house: welcome the wise.');
    await again.locator('daf-composer').getByRole('button', { name: 'Save' }).click();
    await poll(() => again.locator('.body').first().textContent()).toBe('Open house: welcome the wise.');
    expect(await again.locator('daf-composer').count()).toBe(0);
    expect(await textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`).allTextContents()).toEqual([phrase]);

    // Delete the reply, confirming in Daf's own dialog (the browser's own is never used).
    const reply = again.locator('ol.thread li', { hasText: 'And the dust of their feet follows.' });
    await reply.getByRole('button', { name: 'Delete' }).click();
    const ask = page.locator('daf-confirm dialog[open]');
    await poll(() => ask.locator('h2').textContent()).toBe('Delete this reply?');
    // Cancelled, nothing goes; asked again and confirmed, the reply goes.
    await page.keyboard.press('Escape');
    await poll(() => ask.count()).toBe(0);
    expect(await again.locator('ol.thread li', { hasText: 'And the dust of their feet follows.' }).count()).toBe(1);
    await reply.getByRole('button', { name: 'Delete' }).click();
    await ask.getByRole('button', { name: 'Delete' }).click();
    await poll(() => again.locator('ol.thread li', { hasText: 'And the dust of their feet follows.' }).count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await again.locator('.body').first().textContent()).toBe('Open house: welcome the wise.');
    await page.screenshot({ path: path.join(screenshotDir, 'written-gloss.png') });
    expect(errors).toEqual([]);
  }, journey);

  it('writes a gloss on a Bartenura comment, one column further out, level with the marked words', async () => {
    const { page, errors } = await openPage(browser);
    await signUpAndOpen(page, 'eli', true);
    const bartenura = textPage(page).locator('daf-gloss-card', { hasText: 'I state, for since this tractate' });
    await poll(() => bartenura.count()).toBe(1);
    expect(await bartenura.getAttribute('data-depth')).toBe('1');
    const side = await bartenura.evaluate((el) => el.closest('aside.column')!.getAttribute('data-side'));
    const words = 'is not based on the explanation of a commandment';
    // The words are past the folded card's first line: the reader opens it, then selects them.
    await unfold(bartenura);
    await dragAcross(page, bartenura.locator('.body'), words);
    const id = await commentOnSelection(page, words, 'Here Bartenura explains why Avot opens with the chain of tradition.', { name: 'eli’s notes', exists: true });

    const card = cardOf(page, id);
    expect(await card.getAttribute('data-depth')).toBe('2');
    expect(await card.evaluate((el) => el.closest('aside.column')!.matches(`[data-depth="2"]`))).toBe(true);
    expect(await card.evaluate((el) => el.closest('aside.column')!.getAttribute('data-side'))).toBe(side);
    // The words are marked in the Bartenura card's body, tied to the new card.
    const mark = bartenura.locator(`.body mark.gloss-mark[data-gloss="${id}"]`);
    await poll(() => mark.allTextContents()).toEqual([words]);
    // Further out than the Bartenura card, on its side of the text, and level with the words.
    const [cardBox, parentBox, textBox, markBox] = await Promise.all([card, bartenura, textPage(page).locator('.text'), mark].map(async (l) => (await l.boundingBox())!));
    const outwards = parentBox.x < textBox.x ? -1 : 1;
    if (outwards < 0) expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(parentBox.x);
    else expect(cardBox.x).toBeGreaterThanOrEqual(parentBox.x + parentBox.width);
    expect(Math.abs(cardBox.y - markBox.y)).toBeLessThan(markBox.height);
    // The demo's own gloss on this comment is still there, below the new one.
    const demo = textPage(page).locator('daf-gloss-card[data-depth="2"]', { hasText: 'Bartenura grants that other nations' });
    expect(await topOf(demo)).toBeGreaterThanOrEqual(cardBox.y + cardBox.height);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshotDir, 'gloss-on-gloss.png') });
    expect(errors).toEqual([]);
  }, journey);

  /**
   * Makes a page's next read of the glosses arrive late: the server answers it at once (so the
   * answer predates what is written next) and the page gets that answer only on `release`.
   * `answered` resolves when the server has answered.
   */
  async function lateGlossRead(page: Page) {
    let release!: () => void;
    let answered!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const served = new Promise<void>((resolve) => (answered = resolve));
    let held = false;
    await page.route(
      (url) => url.pathname === '/api/texts/pirkei-avot-en/glosses',
      async (route) => {
        if (held) return route.continue();
        held = true;
        const response = await route.fetch();
        answered();
        await released;
        await route.fulfill({ response });
      },
    );
    return { answered: served, release };
  }

  /** Resolves when the page's event stream has delivered an event of this kind. */
  async function streamDelivers(page: Page, kind: string): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    return new Promise((resolve) => cdp.on('Network.eventSourceMessageReceived', (e) => e.eventName === kind && resolve()));
  }

  /**
   * One person writes a gloss through the UI while another has the text open; both pages show
   * it, each as a card in its column level with its highlight, and the writer's card has the
   * focus. The writer's layer is made with the gloss unless `layerExists`. `prepare` runs once
   * both pages are open, before the writing.
   */
  async function writeWhileAnotherReads(handle: string, phrase: string, body: string, layerExists: boolean, prepare?: (writer: Page, reader: Page) => Promise<void>) {
    const writer = await openPage(browser);
    const reader = await openPage(browser);
    await signUpAndOpen(writer.page, handle, layerExists);
    await openText(reader.page);
    const marker = await reader.page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await prepare?.(writer.page, reader.page);

    await dragAcross(writer.page, textPage(writer.page).locator('.text'), phrase);
    const id = await commentOnSelection(writer.page, phrase, body, { name: `${handle}’s notes`, exists: layerExists });
    await poll(() => focusedElement(writer.page)).toMatchObject({ tag: 'daf-gloss-card', id });

    for (const page of [reader.page, writer.page]) {
      const card = cardOf(page, id);
      await poll(() => card.count()).toBe(1);
      expect(await card.locator('.body').textContent()).toBe(body);
      const mark = textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`);
      await poll(() => mark.allTextContents()).toEqual([phrase]);
      expect(await card.evaluate((el) => el.closest('aside.column')!.matches('[data-depth="1"]'))).toBe(true);
      await mark.scrollIntoViewIfNeeded();
      await poll(async () => Math.abs((await topOf(card)) - (await topOf(mark)))).toBeLessThan((await mark.boundingBox())!.height);
      expect(await page.locator('daf-text-page .layers label', { hasText: `${handle}’s notes` }).count()).toBe(1);
    }
    // The reader's page was never reloaded.
    expect(await reader.page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
    expect(writer.errors).toEqual([]);
    expect(reader.errors).toEqual([]);
  }

  it('shows a gloss written in one browser in another’s open page, without a reload', async () => {
    await writeWhileAnotherReads('gila', 'let the fear of Heaven be upon you', 'Love and awe together: neither alone is enough.', true);
  }, journey);

  it('shows both pages a gloss that comes with a new layer, though the read after the layer answers late', async () => {
    // The new layer's event makes each page read the glosses again; that answer is the server's,
    // taken before the gloss exists, and reaches the page only after the gloss's own event has:
    // as on a slow network. Each page must still end up showing the gloss.
    await writeWhileAnotherReads('shira', 'possess thyself of an associate', 'A friend to study with, even one you must pay for.', false, async (writer, reader) => {
      const late = [await lateGlossRead(writer), await lateGlossRead(reader)];
      const delivered = [streamDelivers(writer, 'gloss.created'), streamDelivers(reader, 'gloss.created')];
      for (const [i, d] of delivered.entries()) void d.then(late[i].release);
      // The gloss is written only once both pages' reads have been answered.
      await writer.route(
        (url) => /^\/api\/texts\/pirkei-avot-en\/layers\/[^/]+\/glosses$/.test(url.pathname),
        async (route) => {
          await Promise.all(late.map((l) => l.answered));
          await route.continue();
        },
      );
    });
  }, journey);

  it('posts a gloss by keyboard alone, then moves between cards and back to the text', async () => {
    const { page, errors } = await openPage(browser);
    await signUpAndOpen(page, 'tova', true);
    // From the top of the page, Tab until the text has the focus.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 12 && !(await focusedElement(page))?.inText; i++) await page.keyboard.press('Tab');
    expect(await focusedElement(page)).toMatchObject({ inText: true, className: expect.stringContaining('ProseMirror') });
    // To the start, past "1. ", and select "Moses" with Shift+→.
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    const popover = textPage(page).locator('.popover');
    await poll(() => popover.getByRole('button', { name: 'Comment' }).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    const composer = composerOf(page);
    await poll(() => composer.locator('.quote').textContent()).toBe('“Moses”');
    await poll(() => focusedElement(page).then((f) => f?.className)).toContain('ProseMirror');
    expect((await focusedElement(page))!.inText).toBe(false);
    // Back to the kind of gloss: a question. Shift+Tab from the editor reaches the radios.
    const question = composer.getByRole('radio', { name: 'Question' });
    for (let i = 0; i < 12 && !(await question.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)); i++) {
      await page.keyboard.press('Shift+Tab');
      if (await composer.getByRole('radio', { name: 'Comment' }).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)) await page.keyboard.press('ArrowRight');
    }
    expect(await question.isChecked()).toBe(true);
    // And forward to the editor again.
    for (let i = 0; i < 12 && !(await focusedElement(page))?.className.includes('ProseMirror'); i++) await page.keyboard.press('Tab');
    await page.keyboard.type('Why does the chain begin with Moses and not with Sinai itself?');
    await composer.screenshot({ path: path.join(screenshotDir, 'composer.png') });
    await page.keyboard.press('Control+Enter');

    const card = textPage(page).locator('daf-gloss-card', { hasText: 'Why does the chain begin with Moses' });
    await poll(() => card.count()).toBe(1);
    const id = (await card.getAttribute('data-id'))!;
    expect(await card.locator('.tag.question').textContent()).toBe('Question');
    expect(await textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`).allTextContents()).toEqual(['Moses']);
    // The new card has the focus.
    await poll(() => focusedElement(page)).toMatchObject({ tag: 'daf-gloss-card', id });

    // ↓ and ↑ move between cards.
    await page.keyboard.press('ArrowDown');
    await poll(() => focusedElement(page).then((f) => f?.id)).not.toBe(id);
    expect((await focusedElement(page))!.tag).toBe('daf-gloss-card');
    await page.keyboard.press('ArrowUp');
    await poll(() => focusedElement(page)).toMatchObject({ tag: 'daf-gloss-card', id });
    // Down to the question with a thread; Enter opens it.
    const fence = textPage(page).locator('daf-gloss-card', { hasText: 'What counts as a fence?' });
    const fenceId = await fence.getAttribute('data-id');
    for (let i = 0; i < 20 && (await focusedElement(page))?.id !== fenceId; i++) await page.keyboard.press('ArrowDown');
    expect(await focusedElement(page)).toMatchObject({ tag: 'daf-gloss-card', id: fenceId });
    await page.keyboard.press('Enter');
    await poll(() => fence.locator('ol.thread li').count()).toBe(3);
    expect(await fence.locator('button.thread-toggle').getAttribute('aria-expanded')).toBe('true');
    // Escape goes back to its passage in the text, selected.
    await page.keyboard.press('Escape');
    await poll(() => focusedElement(page)).toMatchObject({ inText: true, className: expect.stringContaining('ProseMirror') });
    expect(await textPage(page).evaluate((el) => (el.shadowRoot as ShadowRoot & { getSelection(): Selection | null }).getSelection()?.toString())).toBe('make a fence to the Thorah');
    expect(errors).toEqual([]);
  }, journey);

  it('comments on what is selected when Enter comes before the page has caught up with the selection', async () => {
    // A quick Shift+→ then Enter on a busy page: the key arrives before `selectionchange`, so the
    // editor's own state still holds the caret. The composer must quote what the reader selected.
    const { page, errors } = await openPage(browser);
    await signUpAndOpen(page, 'ruth', true);
    const phrase = 'Be deliberate in judgment';
    const stale = await textPage(page).locator('.text .ProseMirror').evaluate((editor, phrase) => {
      editor.focus();
      const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(phrase);
        if (at < 0) continue;
        const selection = (editor.getRootNode() as ShadowRoot & { getSelection(): Selection }).getSelection();
        selection.setBaseAndExtent(node, at, node, at + phrase.length);
        // In the same task as the change of selection: no `selectionchange` has been handled yet.
        const enter = new KeyboardEvent('keydown', { key: 'Enter', keyCode: 13, bubbles: true, cancelable: true });
        node.parentElement!.dispatchEvent(enter);
        return { handled: enter.defaultPrevented, selected: selection.toString() };
      }
      return null;
    }, phrase);
    expect(stale).toEqual({ handled: true, selected: phrase });
    await poll(() => composerOf(page).locator('.quote').textContent()).toBe(`“${phrase}”`);
    expect(errors).toEqual([]);
  }, journey);

  it('asks a visitor who selects text to log in, and opens no composer', async () => {
    const { page, errors } = await openPage(browser);
    await openText(page);
    await dragAcross(page, textPage(page).locator('.text'), 'Make unto thyself a master');
    const popover = textPage(page).locator('.popover');
    await poll(() => popover.textContent()).toContain('Log in or sign up (at the top of the page) to write a gloss here.');
    expect(await popover.getByRole('button').count()).toBe(0);
    // Enter on the selection does not open a composer either.
    await page.keyboard.press('Enter');
    expect(await popover.textContent()).toContain('Log in or sign up');
    expect(await textPage(page).locator('daf-composer').count()).toBe(0);
    expect(errors).toEqual([]);
  }, journey);

  it('lets a reader flag a gloss and a reply for the moderators from the card, once each', async () => {
    const { page, errors } = await openPage(browser);
    await signUpAndOpen(page, 'flora', false);
    const fence = textPage(page).locator('daf-gloss-card', { hasText: 'What counts as a fence?' });
    await unfold(fence);
    // Flag asks in Daf's dialog, the card open under it.
    const dialog = page.locator('daf-confirm dialog[open]');
    const flag = async (where: Locator, reason: string) => {
      await where.getByRole('button', { name: 'Flag', exact: true }).first().click();
      await dialog.waitFor();
      expect(await dialog.locator('h2').textContent()).toMatch(/^Flag this (gloss|reply)\?$/);
      await dialog.getByLabel('Why should a moderator look at this?').fill(reason);
      await dialog.getByRole('button', { name: 'Send to the moderators' }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    await flag(fence, 'Off the topic of the passage.');
    await poll(() => fence.locator('.notice').textContent()).toContain('Flagged');
    // A second flag of the same post gets the server's answer, in the card.
    await flag(fence, 'Again.');
    await poll(() => fence.locator('[role=alert]').first().textContent()).toContain('flagged this gloss already');
    expect(await fence.locator('.notice').count()).toBe(0);
    // A reason is needed: the dialog will not send an empty one; Escape cancels and nothing is sent.
    await fence.getByRole('button', { name: 'Flag', exact: true }).first().click();
    await dialog.getByRole('button', { name: 'Send to the moderators' }).click();
    expect(await dialog.count()).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // A reply in the thread has its own Flag.
    await fence.locator('button.thread-toggle').click();
    await flag(fence.locator('ol.thread li').first(), 'Unkind.');
    await poll(() => fence.locator('.notice').textContent()).toContain('Flagged');
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
  }, journey);

  it('lets a visitor who signs up on the text page reply and write there at once', async () => {
    const { page, errors } = await openPage(browser);
    await openText(page);
    const fence = textPage(page).locator('daf-gloss-card', { hasText: 'What counts as a fence?' });
    const reply = fence.getByRole('button', { name: 'Reply', exact: true });
    await unfold(fence);
    expect(await reply.count()).toBe(0);
    const phrase = 'judge every man in the scale of merit';
    await dragAcross(page, textPage(page).locator('.text'), phrase);
    await poll(() => textPage(page).locator('.popover').textContent()).toContain('Log in or sign up');
    // The visitor does what the popover says, without leaving the page.
    await signUpFromHeader(page, 'yael', 'Yael Bloom');
    // The passage still selected can be glossed now.
    const id = await commentOnSelection(page, phrase, 'Judge kindly: assume the best of him.', { name: 'Yael Bloom’s notes', exists: false });
    expect(await textPage(page).locator(`.text .gloss-mark[data-gloss="${id}"]`).allTextContents()).toEqual([phrase]);
    // And anyone signed in may reply to the study notes: the card offers it without a reload.
    await unfold(fence);
    await poll(() => reply.count()).toBe(1);
    expect(errors).toEqual([]);
  }, journey);
});
