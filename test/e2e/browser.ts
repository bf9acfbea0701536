/**
 * Debian's Chromium driven by playwright-core, for the reader's journeys. Never a downloaded
 * browser: when /usr/bin/chromium is missing and we are root, it is installed with apt;
 * otherwise the tests stop with a message saying how to install it. A browser test file asks
 * for Chromium with `useChromium` (one per file) and for its pages with `usePage` or `usePages`
 * (fresh ones for each test), next to `useServer({ each: true })` (test/helpers/fixtures.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';
import { standIn, useFixture } from '../helpers/fixtures.ts';
import { HttpClient, signupOver } from './api-client.ts';

/** Where Debian puts Chromium. */
export const chromiumPath = process.env.DAF_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that work on these machines: no sandbox as root, no background traffic. */
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Makes sure Chromium is there (`.ci/run` installs Debian's package; a test never installs anything). */
export function ensureChromium(): void {
  if (fs.existsSync(chromiumPath)) return;
  throw new Error(`The browser tests need Chromium at ${chromiumPath}: install it with \`sudo apt-get install chromium\` (or set DAF_CHROMIUM)`);
}

/** Launches headless Chromium with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Playwright gives every launch a fresh, empty profile of its own.
    args: flags,
  });
}

/** Where screenshots go (git-ignored). */
export const screenshotDir = path.resolve('test-results/screenshots');

/** A page in a browser context of its own, collecting its script errors and console errors. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  // A locator that never matches fails its step with its selector, well inside a journey's time.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { context, page, errors };
}

/**
 * Chromium for the suite (a `describe` or the file), as a fixture: launched before its tests and
 * closed after them. Every context a test opens (`openPage`, `browser.newPage()`,
 * `browser.newContext()`) is closed when that test ends, so no test leaves a page reading the
 * stream and laying out text while the next one runs. The returned browser stands for the one
 * in use: read it inside tests and hooks.
 */
export function useChromium(): Browser {
  const browser = useFixture(
    'useChromium’s browser',
    async () => {
      fs.mkdirSync(screenshotDir, { recursive: true });
      return launchBrowser();
    },
    (b) => b.close(),
  );
  afterEach(async () => {
    for (const context of browser.get().contexts()) await context.close();
  });
  return standIn(browser);
}

/** A test's pages, as `usePages` gives them. */
export interface TestPages {
  /** Opens a page in a fresh context made with `options` (1400×900 unless they say otherwise), closed when the test ends. */
  open(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** The script errors and console errors of the test's pages (refused requests apart, with `refused`): none by its end. */
  errors: string[];
  /** With `refused`: the paths of the requests the server refused, which the browser logs as console errors. */
  refused: string[];
}

/**
 * The pages a test opens in `browser` (`useChromium`) with `open`, their script and console
 * errors collected in `errors`, which must be empty when the test ends; with `refused: true`, a
 * request the server refused goes to `refused` by its path instead. Both are emptied before
 * each test.
 */
export function usePages(browser: Browser, { refused: refusedApart = false }: { refused?: boolean } = {}): TestPages {
  const errors: string[] = [];
  const refused: string[] = [];
  beforeEach(() => {
    errors.length = 0;
    refused.length = 0;
  });
  afterEach(() => {
    expect(errors).toEqual([]);
  });
  return {
    errors,
    refused,
    async open(options = {}) {
      const { context, page } = await openPage(browser, options);
      page.removeAllListeners('console');
      page.removeAllListeners('pageerror');
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        if (refusedApart && m.text().startsWith('Failed to load resource')) refused.push(new URL(m.location().url).pathname);
        else errors.push(m.text());
      });
      return { context, page };
    },
  };
}

/**
 * `usePages`, and a fresh page opened with `options` before each test: `page`, a stand-in for
 * the page of the test in hand.
 */
export function usePage(browser: Browser, { refused, ...options }: BrowserContextOptions & { refused?: boolean } = {}): TestPages & { page: Page } {
  const pages = usePages(browser, { refused });
  const page = useFixture(
    'usePage’s page',
    async () => (await pages.open(options)).page,
    (p) => p.context().close(),
    { each: true },
  );
  return { ...pages, page: standIn(page) };
}

/**
 * Signs `handle` up on the server at `base` over HTTP and gives `context` their session cookie,
 * so its pages are signed in as them without going through the forms; returns their client.
 */
export async function signUpInto(context: BrowserContext, base: string, handle: string, fields: { password?: string; displayName?: string } = {}): Promise<HttpClient> {
  const client = await signupOver(base, handle, fields.password, fields.displayName);
  await context.addCookies(client.cookies().map(([name, value]) => ({ name, value, url: base })));
  return client;
}

/**
 * Opens a folded card of the text page in place, as a reader does (a click on its top edge), and
 * waits until it shows whole.
 */
export async function unfold(card: Locator): Promise<void> {
  await card.click({ position: { x: 12, y: 6 } });
  await card.locator('xpath=self::*[@unfolded]').waitFor();
}

/** Drags the mouse across `phrase`, found in one text node inside `scope`, from its first letter to its last. */
export async function dragAcross(page: Page, scope: Locator, phrase: string) {
  const ends = await scope.evaluate((root, phrase) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(phrase);
      if (at < 0) continue;
      const text = node;
      text.parentElement!.scrollIntoView({ block: 'center' });
      const letter = (i: number) => {
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        return range.getBoundingClientRect();
      };
      const [first, last] = [letter(at), letter(at + phrase.length - 1)];
      return { from: { x: first.left + 1, y: first.top + first.height / 2 }, to: { x: last.right - 1, y: last.top + last.height / 2 } };
    }
    return null;
  }, phrase);
  if (!ends) throw new Error(`“${phrase}” is not in one text node of ${scope}`);
  await page.mouse.move(ends.from.x, ends.from.y);
  await page.mouse.down();
  await page.mouse.move(ends.to.x, ends.to.y, { steps: 8 });
  await page.mouse.up();
}
