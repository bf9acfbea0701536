/**
 * The library and the account corner in a real browser: a visitor sees the texts and the reading
 * groups, signs up from the header, logs out and back in (with a wrong password first), resets a
 * forgotten password through the mailed link, and searches the commentary, opening a hit at its gloss. Screenshots go to test-results/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { screenshotDir, signUpInto, useChromium, usePage } from './browser.ts';
import { docx } from '../helpers/docx.ts';
import { useServer } from '../helpers/fixtures.ts';
import { signupOver } from './api-client.ts';
import type { Mail } from '../../server/services/mail.ts';

/** How long to wait for an answer that hashes a password: scrypt is slow on purpose. */
const hashing = { timeout: 15_000 };

/** Whether the element has the focus, looking through shadow roots. */
const focused = (locator: Locator) => locator.evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);

describe('the library and accounts', () => {
  /** The mail the server sent: a mailer of the test's own, where a person's inbox would be. */
  const outbox: Mail[] = [];
  beforeEach(() => {
    outbox.length = 0;
  });
  // Each test starts from the demo on a server of its own, in a page of its own.
  const server = useServer({ each: true, mailer: { send: async (mail) => void outbox.push(mail) } });
  const browser = useChromium();
  /** The page; its script and console errors, and apart from them the requests the server refused. */
  const { page, errors, refused } = usePage(browser, { refused: true });

  const account = () => page.locator('daf-account');
  const dialog = () => page.getByRole('dialog');

  /** Ruth, signed up over HTTP with this page's browser holding her session. */
  const ruthSignedIn = () => signUpInto(page.context(), server.url, 'ruth', { displayName: 'Ruth Amsel' });

  it('shows a visitor the texts, the reading groups and the way in', async () => {
    await page.goto(server.url + '/');
    const texts = page.locator('daf-library .texts a');
    await expect.poll(() => texts.count()).toBe(2);
    expect(await texts.allTextContents()).toEqual(expect.arrayContaining(['Pirkei Avot (English)', 'Pirkei Avot · פרקי אבות']));
    const group = page.locator('daf-library .groups li', { hasText: 'The Thursday Avot circle' });
    await expect.poll(() => group.count()).toBe(1);
    expect(await group.locator('a').getAttribute('href')).toBe('/g/avot-circle');
    const about = await group.textContent();
    expect(about).toContain('A reading group working through Pirkei Avot');
    expect(about).toContain('Public · anyone may join · 3 members');
    expect(about).not.toContain('you are');
    await expect.poll(() => account().getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    expect(await account().getByRole('button', { name: 'Sign up' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'library-signed-out.png') });
  });

  it('signs up from the header, showing the server’s message until the form is right', async () => {
    await page.goto(server.url + '/');
    await account().getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => dialog().isVisible()).toBe(true);
    expect(await dialog().getAttribute('aria-labelledby')).toBe('title');
    expect(await dialog().locator('h2').textContent()).toBe('Sign up');
    expect(await focused(dialog().getByLabel('Handle'))).toBe(true);
    await dialog().getByLabel('Handle').fill('ruth');
    await dialog().getByLabel('Password').fill('short');
    await dialog().getByLabel('Display name').fill('Ruth Amsel');
    await dialog().locator('button[type=submit]').click();
    const alert = dialog().getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('password: A password has at least 8 characters');
    await page.screenshot({ path: path.join(screenshotDir, 'sign-up-form.png') });

    await dialog().getByLabel('Password').fill('a long passphrase');
    await dialog().locator('button[type=submit]').click();
    await expect.poll(() => dialog().isVisible(), hashing).toBe(false);
    await expect.poll(() => account().locator('.name').textContent()).toBe('Ruth Amsel');
    // The buttons that opened the form are gone; the focus is on what replaced them.
    expect(await focused(account().getByRole('button', { name: 'Log out' }))).toBe(true);
    expect(refused).toEqual(['/api/auth/signup']);
  });

  it('logs out and back in, refusing a wrong password, and the library follows', async () => {
    await ruthSignedIn();
    await page.goto(server.url + '/');
    // Joining the group through the API: the library shows it after the next sign-in.
    expect(await page.evaluate(async () => (await fetch('/api/groups/avot-circle/join', { method: 'POST' })).status)).toBe(200);
    await account().getByRole('button', { name: 'Log out' }).click();
    const logIn = account().getByRole('button', { name: 'Log in' });
    await expect.poll(() => logIn.isVisible()).toBe(true);
    expect(await focused(logIn)).toBe(true);
    expect(await account().locator('.name').count()).toBe(0);

    // Keyboard only: open the form, give a wrong password, read the server's answer.
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().isVisible()).toBe(true);
    expect(await dialog().locator('h2').textContent()).toBe('Log in');
    await page.keyboard.type('ruth');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the passphrase');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().getByRole('alert').textContent(), hashing).toBe('Wrong handle or password');
    expect(await dialog().isVisible()).toBe(true);

    // Escape closes the form and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().isVisible()).toBe(false);
    expect(await focused(logIn)).toBe(true);

    await logIn.click();
    expect(await dialog().getByRole('alert').textContent()).toBe('');
    await dialog().getByLabel('Handle').fill('ruth');
    await dialog().getByLabel('Password').fill('a long passphrase');
    await dialog().getByLabel('Password').press('Enter');
    await expect.poll(() => account().locator('.name').textContent(), hashing).toBe('Ruth Amsel');
    const group = page.locator('daf-library .groups li', { hasText: 'The Thursday Avot circle' });
    await expect.poll(() => group.textContent()).toContain('4 members · you are a member');
    // Still signed in after a reload: the session is the server's.
    await page.reload();
    await expect.poll(() => account().locator('.name').textContent()).toBe('Ruth Amsel');
    expect(refused).toEqual(['/api/auth/login']);
  });

  it('resets a forgotten password from the log-in form through the mailed link, then logs in with the new one', async () => {
    // Ruth confirmed an address earlier, and is signed in elsewhere, not in this browser.
    const elsewhere = await signupOver(server.url, 'ruth', 'a long passphrase', 'Ruth Amsel');
    expect((await elsewhere.send('PATCH', '/api/me', { email: 'ruth@example.org' })).status).toBe(200);
    const confirm = /\/verify-email\/([A-Za-z0-9_-]+)/.exec(outbox[0].text)![1];
    expect((await elsewhere.post('/api/auth/verify-email', { token: confirm })).status).toBe(200);
    outbox.length = 0;

    await page.goto(server.url + '/');
    await account().getByRole('button', { name: 'Log in' }).click();
    await dialog().getByRole('button', { name: 'Forgot your password?' }).click();
    expect(await dialog().locator('h2').textContent()).toBe('Forgot your password?');
    expect(await focused(dialog().getByLabel('E-mail address'))).toBe(true);
    await dialog().getByLabel('E-mail address').fill('ruth@example.org');
    await dialog().getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => dialog().getByRole('status').textContent()).toContain('If an account has confirmed ruth@example.org, a link to choose a new password is on its way there.');
    await page.screenshot({ path: path.join(screenshotDir, 'password-reset-asked.png') });
    // The mail goes after the answer.
    await expect.poll(() => outbox.map((m) => m.to)).toEqual(['ruth@example.org']);
    await dialog().getByRole('button', { name: 'Close' }).click();

    const link = /http:\/\/[^\s]+\/reset-password\/[A-Za-z0-9_-]+/.exec(outbox[0].text)![0];
    await page.goto(link);
    const view = page.locator('daf-reset-password');
    await expect.poll(() => view.locator('h1').textContent()).toBe('Choose a new password');
    await page.screenshot({ path: path.join(screenshotDir, 'password-reset-page.png') });
    await view.getByLabel('New password', { exact: true }).fill('a fresh passphrase');
    await view.getByLabel('New password, again').fill('a fresh passphrase');
    await view.getByRole('button', { name: 'Set the password' }).click();
    await expect.poll(() => view.locator('h1').textContent(), hashing).toBe('Password changed');
    expect((await elsewhere.get('/api/me')).status).toBe(401);

    // The log-in form opens with her handle, the focus on the password.
    await expect.poll(() => dialog().isVisible()).toBe(true);
    expect(await dialog().getByLabel('Handle').inputValue()).toBe('ruth');
    expect(await focused(dialog().getByLabel('Password'))).toBe(true);
    await dialog().getByLabel('Password').fill('a fresh passphrase');
    await dialog().getByLabel('Password').press('Enter');
    await expect.poll(() => account().locator('.name').textContent(), hashing).toBe('Ruth Amsel');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(refused).toEqual([]);
  });

  it('searches the commentary, marks the matched word and opens a hit at its gloss', async () => {
    await page.goto(server.url + '/');
    const box = page.getByRole('search').getByLabel('Search texts and commentary');
    await box.fill('deliberate');
    await box.press('Enter');
    const results = page.locator('daf-library .results li');
    await expect.poll(() => results.count()).toBeGreaterThan(1);
    expect(await page.locator('daf-library [role=status]').textContent()).toBe(`${await results.count()} results for “deliberate”.`);
    const note = results.filter({ hasText: 'Deliberate is not slow' });
    expect(await note.count()).toBe(1);
    expect(await note.locator('a').textContent()).toBe('Pirkei Avot (English)');
    // Named by its layer and the passage it is on.
    expect(await note.locator('.meta').textContent()).toBe('Gloss · Study notes · 1:1');
    // The search is in the URL, to link or to come back to.
    expect(page.url()).toBe(`${server.url}/?q=deliberate`);
    expect(await note.locator('mark').allTextContents()).toEqual(['Deliberate']);
    // The snippet is text: the markdown's emphasis is not markup, and nothing else is marked.
    expect(await note.locator('.snippet').textContent()).toMatch(/^Deliberate is not slow: the judge is asked to weigh a case/);
    const passage = results.filter({ hasText: 'Be deliberate in judgment; and raise up many disciples' });
    expect(await passage.locator('.meta').textContent()).toBe('Text');
    expect(await passage.locator('a').getAttribute('href')).toBe('/t/pirkei-avot-en');
    expect(await passage.locator('mark').allTextContents()).toEqual(['deliberate']);
    await page.screenshot({ path: path.join(screenshotDir, 'search-results.png') });

    const href = (await note.locator('a').getAttribute('href'))!;
    const id = /^\/t\/pirkei-avot-en#g-(\d+)$/.exec(href)?.[1];
    expect(id).toBeDefined();
    await note.locator('a').click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/pirkei-avot-en#g-${id}`);
    const card = page.locator(`daf-text-page #g-${id}`);
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await card.textContent()).toContain('Deliberate is not slow');
    const cardBox = (await card.boundingBox())!;
    expect(cardBox.y).toBeGreaterThanOrEqual(0);
    expect(cardBox.y + cardBox.height).toBeLessThanOrEqual(900);

    // Back returns to the results, the query in its box.
    await page.goBack();
    await expect.poll(() => results.filter({ hasText: 'Deliberate is not slow' }).count()).toBe(1);
    expect(await box.inputValue()).toBe('deliberate');
    // A second search, then Back: the first one's results again; Back once more: no search.
    await box.fill('fence');
    await box.press('Enter');
    await expect.poll(() => page.url()).toBe(`${server.url}/?q=fence`);
    await expect.poll(() => page.locator('daf-library [role=status]').textContent()).toContain('for “fence”');
    await page.goBack();
    await expect.poll(() => page.locator('daf-library [role=status]').textContent()).toContain('for “deliberate”');
    await page.goBack();
    await expect.poll(() => results.count()).toBe(0);
  });

  it('lays out each snippet in the direction of most of its letters', async () => {
    await page.goto(server.url + '/');
    const box = page.getByRole('search').getByLabel('Search texts and commentary');
    await box.fill('fence');
    await box.press('Enter');
    // An English Bartenura comment that opens with its Hebrew lemma still reads left to right.
    const comment = page.locator('daf-library .results li', { hasText: 'that he would not touch' });
    await expect.poll(() => comment.count()).toBe(1);
    expect(await comment.locator('.snippet').textContent()).toMatch(/[\u0590-\u05FF]/);
    expect(await comment.locator('.snippet').evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    expect(await comment.locator('mark').allTextContents()).toEqual(['fence']);
  });

  it('says when nothing matches, and shows the server’s message for a query it refuses', async () => {
    await page.goto(server.url + '/');
    const box = page.getByRole('search').getByLabel('Search texts and commentary');
    await box.fill('xylophone');
    await box.press('Enter');
    await expect.poll(() => page.locator('daf-library [role=status]').textContent()).toBe('No results for “xylophone”.');
    expect(await page.locator('daf-library .results').count()).toBe(0);
    await box.fill('!!!');
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('daf-library [role=alert]').textContent()).toBe('The query has no words to search for');
    expect(refused).toEqual(['/api/search']);
    expect(errors).toEqual([]);
    // A search that never reaches the server says so, in words a reader knows what to do with.
    const search = (url: URL) => url.pathname === '/api/search';
    await page.route(search, (route) => route.abort('internetdisconnected'));
    await box.fill('fence');
    await box.press('Enter');
    await expect.poll(() => page.locator('daf-library [role=alert]').textContent()).toBe('Could not reach the server. Check your connection and try again.');
    await page.unroute(search);
  });

  it('lets a signed-in reader add a text of their own from the library, its language and direction guessed from its letters', async () => {
    await ruthSignedIn();
    await page.goto(server.url + '/');
    await page.locator('daf-library').getByRole('link', { name: 'Add a text' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/new`);
    const form = page.locator('daf-add-text form');
    await expect.poll(() => page.locator('daf-add-text h1').textContent()).toBe('Add a text');
    expect(await form.locator('select[name=visibility] option').allTextContents()).toEqual(['Everyone', 'Only me']);
    await form.locator('input[name=title]').fill('Kohelet, opening');
    await form.locator('textarea[name=content]').fill('הֲבֵל הֲבָלִים אָמַר קֹהֶלֶת\n\nמַה־יִּתְרוֹן לָאָדָם');
    expect(await form.locator('input[name=language]').inputValue()).toBe('he');
    await form.locator('select[name=format]').selectOption('plain');
    await form.locator('select[name=visibility]').selectOption('private');
    await form.getByRole('button', { name: 'Create text' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/kohelet-opening`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    expect(await page.locator('daf-text-page .text').textContent()).toContain('הֲבֵל הֲבָלִים');
    const made = await page.evaluate(async () => (await fetch('/api/texts/kohelet-opening')).json());
    expect(made).toMatchObject({ language: 'he', direction: 'rtl', visibility: 'private', title: 'Kohelet, opening' });
    expect(errors).toEqual([]);
  });

  it('reads a saved web page and a Word document into a text, keeping their reading content and structure', async () => {
    await ruthSignedIn();
    await page.goto(server.url + '/t/new');
    const form = page.locator('daf-add-text form');
    const file = form.locator('input[type=file]');
    const preview = page.locator('daf-add-text .preview');
    // A web page: its title from the page, its menus and scripts gone from the preview.
    const essay = '<!doctype html><html><head><title>Of Study</title><script>alert(1)</script></head><body><nav><a href="/">Home</a></nav><h1>Of Study</h1><p>Read not to contradict.</p><ul><li>Some books to taste</li><li>others to swallow</li></ul></body></html>';
    await file.setInputFiles({ name: 'of-study.html', mimeType: 'text/html', buffer: Buffer.from(essay) });
    await expect.poll(() => form.locator('select[name=format]').inputValue()).toBe('html');
    expect(await form.locator('input[name=title]').inputValue()).toBe('Of Study');
    await form.getByRole('button', { name: 'Preview' }).click();
    // The first page read starts a worker and loads its DOM: a second or more on this machine.
    await expect.poll(() => preview.locator('li').allTextContents(), { timeout: 20_000 }).toEqual(['Read not to contradict.', 'Some books to taste', 'others to swallow']);

    // A Word document: sent as it is, the box saying where the words come from.
    await form.locator('input[name=title]').fill('');
    const plan = docx([{ heading: 1, text: 'Reading plan' }, { runs: [{ text: 'Week one: ' }, { text: 'Book VIII', bold: true }] }, { bullet: 'bring the text' }, { bullet: 'bring a question' }]);
    await file.setInputFiles({ name: 'reading-plan.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: plan });
    await expect.poll(() => form.locator('select[name=format]').inputValue()).toBe('docx');
    const box = form.locator('textarea[name=content]');
    expect(await box.isDisabled()).toBe(true);
    expect(await box.getAttribute('placeholder')).toContain('reading-plan.docx');
    expect(await form.locator('input[name=title]').inputValue()).toBe('reading plan');
    await form.locator('input[name=title]').fill('Reading plan');
    await form.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => preview.locator('li').allTextContents()).toEqual(['Week one: Book VIII', 'bring the text', 'bring a question']);
    await page.screenshot({ path: path.join(screenshotDir, 'add-text-docx.png'), fullPage: true });
    await form.getByRole('button', { name: 'Create text' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/reading-plan`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const text = page.locator('daf-text-page .text');
    expect(await text.locator('li').allTextContents()).toEqual(['bring the text', 'bring a question']);
    expect(await text.locator('strong').textContent()).toBe('Book VIII');
    expect(errors).toEqual([]);
  });

  it('lets a person rename themselves, change their password and sign out everywhere from their account page', async () => {
    await ruthSignedIn();
    // Ruth is signed in here, and in another browser too.
    const other = await browser.newPage();
    await other.goto(server.url + '/');
    const logIn = (p: Page, pass: string) =>
      p.evaluate(
        async (pass) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'ruth', password: pass }) })).status,
        pass,
      );
    const me = (p: Page) => p.evaluate(async () => (await fetch('/api/me')).status);
    expect(await logIn(other, 'a long passphrase')).toBe(200);

    await page.goto(server.url + '/');
    await account().getByRole('link', { name: 'Ruth Amsel' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/account`);
    const view = page.locator('daf-account-page');
    await expect.poll(() => view.locator('h1').textContent()).toBe('Your account');
    // The name, and the header follows.
    await view.getByLabel('Display name').fill('Ruth A. Amsel');
    await view.getByRole('button', { name: 'Save the name' }).click();
    await expect.poll(() => account().locator('.name').textContent()).toBe('Ruth A. Amsel');
    // A wrong current password is said beside it, and changes nothing.
    const pw = view.locator('form[aria-label="Change your password"]');
    await pw.getByLabel('Current password').fill('not my passphrase');
    await pw.getByLabel('New password', { exact: true }).fill('a newer passphrase');
    await pw.getByLabel('New password, again').fill('a newer passphrase');
    await pw.getByRole('button', { name: 'Change the password' }).click();
    await expect.poll(() => pw.locator('#current-error').textContent(), hashing).toBe('Your current password is not right');
    // The right one: changed, and the other browser is signed out.
    await pw.getByLabel('Current password').fill('a long passphrase');
    await pw.getByRole('button', { name: 'Change the password' }).click();
    await expect.poll(() => view.locator('section[aria-labelledby=password-heading]').locator('[role=status]').textContent(), hashing).toBe(
      'Your password is changed. 1 other session was signed out.',
    );
    expect(await me(other)).toBe(401);
    expect(await me(page)).toBe(200);
    await page.screenshot({ path: path.join(screenshotDir, 'account.png'), fullPage: true });
    // The other browser comes back with the new password; then Sign out everywhere ends both.
    expect(await logIn(other, 'a long passphrase')).toBe(401);
    expect(await logIn(other, 'a newer passphrase')).toBe(200);
    await view.getByRole('button', { name: 'Sign out everywhere' }).click();
    const confirm = view.getByRole('dialog');
    await confirm.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/`);
    await expect.poll(() => account().getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    expect(await me(other)).toBe(401);
    await other.close();
    expect(errors).toEqual([]);
  });

  it('lets a person see their sessions, sign out a phone, download their writing, show their page, and delete the account', async () => {
    const phoneAgent = 'Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0';
    const phone = await browser.newContext({ userAgent: phoneAgent });
    const phonePage = await phone.newPage();
    await page.goto(server.url + '/');
    // Noa signs up here, writes a gloss on the demo's text, and signs in on her phone too.
    const call = (p: Page, method: string, url: string, body?: unknown) =>
      p.evaluate(
        async ([method, url, body]) => {
          const res = await fetch(url as string, { method: method as string, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
          return { status: res.status, body: await res.json().catch(() => null) };
        },
        [method, url, body] as const,
      );
    expect((await call(page, 'POST', '/api/auth/signup', { handle: 'noa', password: 'a long passphrase', displayName: 'Noa Levi' })).status).toBe(201);
    const layer = await call(page, 'POST', '/api/texts/pirkei-avot-en/layers', { name: 'Noa’s margin', visibility: 'public' });
    expect(layer.status).toBe(201);
    const gloss = await call(page, 'POST', `/api/texts/pirkei-avot-en/layers/${layer.body.slug}/glosses`, { target: { exact: 'Be deliberate in judgment' }, body: { markdown: 'Slow judges are kind judges.' } });
    expect(gloss.status).toBe(201);
    await phonePage.goto(server.url + '/');
    expect((await call(phonePage, 'POST', '/api/auth/login', { handle: 'noa', password: 'a long passphrase' })).status).toBe(200);

    // Her account page lists both browsers; she signs the phone out alone.
    await page.goto(server.url + '/account');
    const view = page.locator('daf-account-page');
    const sessions = view.locator('daf-account-sessions li');
    await expect.poll(() => sessions.count()).toBe(2);
    expect(await sessions.nth(0).textContent()).toContain('Firefox on Android');
    expect(await sessions.nth(1).textContent()).toContain('this browser');
    await sessions.nth(0).getByRole('button', { name: /^Sign out Firefox on Android/ }).click();
    await expect.poll(() => view.locator('daf-account-sessions [role=status]').textContent()).toBe('Firefox on Android is signed out.');
    expect(await sessions.count()).toBe(1);
    expect((await call(phonePage, 'GET', '/api/me')).status).toBe(401);

    // An address, confirmed by the link mailed to it.
    const email = view.locator('daf-account-email');
    await email.getByRole('textbox', { name: 'E-mail address' }).fill('noa@example.org');
    await email.getByRole('button', { name: 'Save the address' }).click();
    await expect.poll(() => email.locator('[role=status]').textContent()).toBe('We sent a link to noa@example.org: open it to confirm the address.');
    expect(await email.locator('.state').textContent()).toBe('noa@example.org is not confirmed yet: open the link we mailed to it.');
    // No digest until the address is confirmed: the choice says why.
    expect(await email.getByRole('radio', { name: 'Daily' }).isDisabled()).toBe(true);
    expect(await email.locator('#digest-hint').textContent()).toContain('Digests go only to a confirmed address');
    expect(outbox.map((m) => m.to)).toEqual(['noa@example.org']);
    const link = /http:\/\/[^\s]+\/verify-email\/[A-Za-z0-9_-]+/.exec(outbox[0].text)![0];
    await phonePage.goto(link);
    await expect.poll(() => phonePage.locator('daf-verify-email h1').textContent()).toBe('Address confirmed');
    await page.reload();
    await expect.poll(() => email.locator('.state').textContent()).toBe('noa@example.org is confirmed.');
    // Now a weekly digest can be chosen.
    await email.getByRole('radio', { name: 'Weekly' }).check();
    await expect.poll(() => email.locator('[role=status]').textContent()).toBe('A weekly digest will be mailed to noa@example.org when there is something new.');
    expect((await call(page, 'GET', '/api/me')).body).toMatchObject({ digest: 'weekly', mail: true });

    // Her writing, as a file of W3C annotations.
    const [download] = await Promise.all([page.waitForEvent('download'), view.getByRole('link', { name: 'Download your writing' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^daf-noa-\d{4}-\d\d-\d\d\.jsonld$/);
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    expect(exported).toMatchObject({ type: 'AnnotationCollection', total: 1 });
    expect(exported.first.items[0].body.value).toBe('Slow judges are kind judges.');

    // Her page, as others see it too.
    await view.getByRole('link', { name: 'Your page' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/u/noa`);
    const person = page.locator('daf-person-page');
    await expect.poll(() => person.locator('h1').textContent()).toBe('Noa Levi');
    const item = person.locator('ol li');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator('blockquote').textContent()).toBe('Be deliberate in judgment');
    expect(await item.locator('.excerpt').textContent()).toBe('Slow judges are kind judges.');
    expect(await item.getByRole('link').getAttribute('href')).toBe(`/t/pirkei-avot-en#g-${gloss.body.id}`);
    await page.screenshot({ path: path.join(screenshotDir, 'person.png'), fullPage: true });
    await phonePage.goto(server.url + '/u/noa');
    await expect.poll(() => phonePage.locator('daf-person-page ol li .excerpt').textContent()).toBe('Slow judges are kind judges.');

    // She deletes the account: a wrong password is said beside it, then it is gone.
    await page.goto(server.url + '/account');
    const form = view.locator('form[aria-label="Delete your account"]');
    await form.getByLabel('Your password').fill('not my passphrase');
    await form.getByRole('button', { name: 'Delete my account…' }).click();
    await dialog().getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => form.locator('#delete-error').textContent(), hashing).toBe('Your current password is not right');
    await form.getByLabel('Your password').fill('a long passphrase');
    await form.getByRole('button', { name: 'Delete my account…' }).click();
    await page.screenshot({ path: path.join(screenshotDir, 'delete-account.png'), fullPage: true });
    await dialog().getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => page.url(), hashing).toBe(`${server.url}/`);
    await expect.poll(() => account().getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    await phonePage.goto(server.url + '/u/noa');
    await expect.poll(() => phonePage.locator('daf-person-page h1').textContent()).toBe('No such person');
    await phone.close();
    expect(errors).toEqual([]);
  });
});
