/**
 * A group layer's settings in a real browser: an owner opens them from the group page, sees the
 * layer as it is, renames it, opens it to everyone, lets anyone signed in reply and publishes it
 * to the group's followers elsewhere; the page, the audit log and the server then have it so.
 * Saving nothing changed says so; the server's refusal (read first, while another layer's
 * glosses comment on this one's) shows under the form; a member who is
 * no owner has no settings to open. axe-core checks the page with the form open. Screenshots go
 * to test-results/screenshots.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { HttpClient, signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { screenshotDir, useChromium, usePages } from './browser.ts';

const password = 'a long passphrase';
const slug = 'avot-thursdays';

describe('a group layer’s settings in the browser', () => {
  const server = useServer({ each: true });
  const browser = useChromium();
  const { open } = usePages(browser, { refused: true });
  let rivka: HttpClient;

  beforeEach(async () => {
    rivka = await signupOver(server.url, 'rivka', password);
    expect((await rivka.post('/api/groups', { slug, name: 'Avot on Thursdays', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const made = await rivka.post('/api/texts/pirkei-avot-en/layers', { name: 'Our Thursday notes', slug: 'our-notes', group: slug, visibility: 'group', writePolicy: 'members', replyPolicy: 'members' });
    expect(made.status).toBe(201);
  });

  async function signedIn(handle: string): Promise<Page> {
    const { page } = await open({ bypassCSP: true });
    await page.goto(`${server.url}/`);
    const status = await page.evaluate(
      async ([h, p]) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: h, password: p }) })).status,
      [handle, password],
    );
    expect(status).toBe(200);
    await page.goto(`${server.url}/g/${slug}`);
    await expect.poll(() => page.locator('daf-group-page h1').textContent()).toBe('Avot on Thursdays');
    return page;
  }

  const layerNow = async () => ((await rivka.get('/api/texts/pirkei-avot-en/layers')).body as { layers: Record<string, unknown>[] }).layers.find((l) => l.slug === 'our-notes')!;

  it('lets an owner change a layer’s settings from the group page, and the server has them', async () => {
    const page = await signedIn('rivka');
    const button = page.getByRole('button', { name: 'Settings of “Our Thursday notes”' });
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await button.click();
    const form = page.locator('daf-layer-settings form');
    // The layer as it is.
    await expect.poll(() => form.locator('input[name=name]').inputValue()).toBe('Our Thursday notes');
    expect(await form.locator('select[name=visibility]').inputValue()).toBe('group');
    expect(await form.locator('select[name=replyPolicy]').inputValue()).toBe('members');
    expect(await form.locator('select[name=federation]').inputValue()).toBe('off');
    expect(await form.locator('input[name=readFirst]').isChecked()).toBe(false);

    // Nothing changed: nothing is sent.
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('daf-layer-settings [role=alert]').textContent()).toContain('Nothing to save');

    await form.getByLabel('Name').fill('Thursday readings');
    await form.getByLabel('Description').fill('What we read each Thursday, open to all.');
    await form.locator('select[name=visibility]').selectOption('public');
    await form.locator('select[name=replyPolicy]').selectOption('signed_in');
    await form.locator('select[name=federation]').selectOption('publish');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(screenshotDir, 'layer-settings.png'), fullPage: true });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('daf-layer-settings [role=status]').textContent()).toBe('Saved the settings of “Thursday readings”.');
    // The page lists it under its new name at once; the server has it as asked, its address kept.
    await expect.poll(() => page.locator('daf-group-page ul.reading li', { hasText: 'Thursday readings' }).count()).toBe(1);
    expect(await layerNow()).toMatchObject({
      slug: 'our-notes',
      name: 'Thursday readings',
      description: 'What we read each Thursday, open to all.',
      visibility: 'public',
      writePolicy: 'members',
      replyPolicy: 'signed_in',
      federation: 'publish',
      readFirst: false,
    });
    // The audit log tells it.
    await expect
      .poll(() => page.locator('daf-group-audit li[data-action="layer.updated"] .sentence').first().textContent())
      .toBe('@rivka changed the layer “Our Thursday notes”: the name to “Thursday readings”, the description, seen by everyone who can read the text, replies from anyone signed in, published elsewhere.');
    // Until the group may be followed, the form says that nothing publishes.
    expect(await form.locator('#federation-hint').textContent()).toContain('may not be followed from other servers yet');

    // Read first cannot be turned on while glosses of another layer comment on this one's: the server's word, under the form.
    expect((await rivka.post('/api/texts/pirkei-avot-en/layers', { name: 'Comments on comments', slug: 'meta', group: slug, visibility: 'public' })).status).toBe(201);
    const first = await rivka.post('/api/texts/pirkei-avot-en/layers/our-notes/glosses', { target: { exact: 'Be deliberate in judgment' }, body: { markdown: 'Slowly.' } });
    expect(first.status).toBe(201);
    expect((await rivka.post('/api/texts/pirkei-avot-en/layers/meta/glosses', { target: { gloss: first.body.id, exact: 'Slowly' }, body: { markdown: 'How slowly?' } })).status).toBe(201);
    await form.locator('input[name=readFirst]').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('daf-layer-settings [role=alert]').textContent()).toContain('comment on this layer');
    expect(await layerNow()).toMatchObject({ readFirst: false });

    // Closed, the button says so, and has the focus back.
    await form.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.locator('daf-layer-settings').count()).toBe(0);
    const again = page.getByRole('button', { name: 'Settings of “Thursday readings”' });
    expect(await again.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => again.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
  });

  it('shows a notebook and a layer open to anyone signed in as they are, and a rename keeps them so', async () => {
    expect((await rivka.post('/api/texts/pirkei-avot-en/layers', { name: 'Our notebooks', slug: 'notebooks', group: slug, visibility: 'private' })).status).toBe(201);
    expect((await rivka.post('/api/texts/pirkei-avot-en/layers', { name: 'Open questions', slug: 'questions', group: slug, visibility: 'public', replyPolicy: 'signed_in' })).status).toBe(201);
    const page = await signedIn('rivka');
    for (const [name, renamed, field, value] of [
      ['Our notebooks', 'Our own notebooks', 'visibility', 'private'],
      ['Open questions', 'Questions for all', 'replyPolicy', 'signed_in'],
    ]) {
      await page.getByRole('button', { name: `Settings of “${name}”` }).click();
      const form = page.locator('daf-layer-settings form');
      await expect.poll(() => form.locator('input[name=name]').inputValue()).toBe(name);
      expect(await form.locator(`select[name=${field}]`).inputValue()).toBe(value);
      await form.getByLabel('Name').fill(renamed);
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('daf-layer-settings [role=status]').textContent()).toBe(`Saved the settings of “${renamed}”.`);
      await form.getByRole('button', { name: 'Close' }).click();
      const { layers } = (await rivka.get('/api/texts/pirkei-avot-en/layers')).body as { layers: Record<string, unknown>[] };
      expect(layers.find((l) => l.name === renamed)).toMatchObject({ [field]: value });
    }
  });

  it('gives a member who is no owner no settings to open', async () => {
    const pnina = await signupOver(server.url, 'pnina', password);
    expect((await pnina.post(`/api/groups/${slug}/join`)).status).toBe(200);
    const page = await signedIn('pnina');
    await expect.poll(() => page.locator('daf-group-page ul.reading li').count()).toBeGreaterThan(0);
    expect(await page.locator('daf-group-page button.layer-settings').count()).toBe(0);
  });
});
