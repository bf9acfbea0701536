/**
 * Daf to Daf in a real browser (docs/federation.md §7): two Daf servers with the demo on loopback,
 * federating. An organiser on the second lets the group be followed from elsewhere and follows a
 * group on the first from the group page's Following section; once it accepts, that group's
 * glosses on Pirkei Avot (the same Sefaria ref on both servers) show on the second server's page
 * of it as a read-only layer, beside the demo's own. axe-core checks the group page. Screenshots
 * go to test-results/screenshots.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { settleFederation } from '../helpers/fed-queue.ts';
import { freePort } from '../helpers/fedi-peer.ts';
import { HttpClient, signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { screenshotDir, useChromium, usePages } from './browser.ts';

const password = 'a long passphrase';
/** How long to wait for what asks the other server first. */
const askingElsewhere = { timeout: 15_000 };

describe('following a group on another Daf, in the browser', () => {
  const browser = useChromium();
  const { open } = usePages(browser);
  let dir: string;
  let origin: RunningServer;
  let here: RunningServer;
  let ada: HttpClient;

  async function federating(name: string): Promise<RunningServer> {
    const port = await freePort();
    fs.mkdirSync(path.join(dir, name));
    return startServer({ dbPath: path.join(dir, name, 'daf.db'), port, baseUrl: `http://127.0.0.1:${port}`, federation: { allowPrivateAddress: true }, log: () => {} });
  }

  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await settleFederation(origin);
      await settleFederation(here);
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-following-'));
    origin = await federating('origin');
    here = await federating('here');
    ada = await signupOver(origin.url, 'ada', password);
    expect((await ada.post('/api/groups', { slug: 'avot-jerusalem', name: 'Avot in Jerusalem', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await ada.send('PATCH', '/api/groups/avot-jerusalem', { federated: true })).status).toBe(200);
    expect((await ada.post('/api/texts/pirkei-avot-en/layers', { name: 'Jerusalem readings', slug: 'readings', visibility: 'public', group: 'avot-jerusalem' })).status).toBe(201);
    expect((await ada.send('PATCH', '/api/texts/pirkei-avot-en/layers/readings', { federation: 'publish' })).status).toBe(200);
    const rivka = await signupOver(here.url, 'rivka', password);
    expect((await rivka.post('/api/groups', { slug: 'boston', name: 'Boston Avot', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await here?.close();
    await origin?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<Page> {
    const { page } = await open({ bypassCSP: true });
    await page.goto(`${here.url}/`);
    const status = await page.evaluate(
      async (p) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'rivka', password: p }) })).status,
      password,
    );
    expect(status).toBe(200);
    return page;
  }

  it('lets an organiser federate the group and follow a group elsewhere, whose glosses then show on the text', async () => {
    const page = await signedIn();
    await page.goto(`${here.url}/g/boston`);
    const following = page.locator('daf-group-following');
    // Until the group may be followed, it cannot follow: the section says what to do first.
    await expect.poll(() => following.locator('p.hint').last().textContent()).toContain('first');
    await page.locator('daf-group-settings input[name="federated"]').check();
    await page.locator('daf-group-settings button[type="submit"]').click();
    await expect.poll(() => following.locator('input[name="actor"]').count()).toBe(1);
    await following.locator('input[name="actor"]').fill(`${origin.url}/ap/actors/group.avot-jerusalem`);
    await following.getByRole('button', { name: 'Follow' }).click();
    // The follow looks the group up on its server before it answers: longer than a poll's second on a busy machine.
    await expect.poll(() => following.locator('[role="status"]').textContent(), askingElsewhere).toContain('Asked to follow Avot in Jerusalem');
    await expect.poll(() => following.locator('ul.following > li').textContent()).toContain('Waiting for them to accept');
    await settle();
    await page.reload();
    await expect.poll(() => page.locator('daf-group-following ul.following > li').textContent()).toContain('Followed');
    expect(await page.locator('daf-group-following ul.following > li a').textContent()).toBe('Avot in Jerusalem');
    const violations = await seriousViolations(page);
    expect(violations).toEqual([]);
    await page.screenshot({ path: path.join(screenshotDir, 'following-group-page.png'), fullPage: true });

    // Glosses written there after the follow arrive here, on the same text.
    for (const [exact, words] of [
      ['Be deliberate in judgment', 'In Jerusalem we read *deliberate* as: take a second night before deciding.'],
      ['make a fence to the Thorah', 'A fence guards what is precious; it is not the precious thing.'],
    ]) {
      expect((await ada.post('/api/texts/pirkei-avot-en/layers/readings/glosses', { target: { exact }, body: { markdown: words } })).status).toBe(201);
    }
    await settle();
    await page.goto(`${here.url}/t/pirkei-avot-en`);
    const chip = page.getByText(/Jerusalem readings \(avot-jerusalem@127\.0\.0\.1:[0-9]+\)/);
    await expect.poll(() => chip.count()).toBe(1);
    await expect.poll(() => page.getByText('A fence guards what is precious').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(screenshotDir, 'following-text-page.png') });

    // The owner opens the followed layer's threads to the group's members, from the group page.
    await page.goto(`${here.url}/g/boston`);
    const toggle = page.locator('daf-group-page .answer-toggle input');
    await expect.poll(() => toggle.count()).toBe(1);
    await toggle.check();
    await expect.poll(() => page.locator('daf-group-page').getByText('Members may answer in “Jerusalem readings').count()).toBeGreaterThan(0);
    const { layers } = (await new HttpClient(here.url).get('/api/texts/pirkei-avot-en/layers')).body as { layers: { followedFrom?: string; replyPolicy: string }[] };
    expect(layers.find((l) => l.followedFrom)?.replyPolicy).toBe('members');
    await page.locator('daf-group-page #reading-heading').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, 'following-answers-open.png') });

    // Its settings hold only what is the group's here: no one here writes in it, and it publishes nothing.
    await page.locator('daf-group-page button.layer-settings').click();
    const settings = page.locator('daf-layer-settings form');
    await expect.poll(() => settings.locator('input[name=name]').count()).toBe(1);
    expect(await settings.locator('select[name=writePolicy], select[name=federation], input[name=readFirst]').count()).toBe(0);
    expect(await settings.locator('select[name=replyPolicy]').inputValue()).toBe('members');
    await settings.getByLabel('Name').fill('Jerusalem, followed');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('daf-layer-settings [role=status]').textContent()).toBe('Saved the settings of “Jerusalem, followed”.');
  });
});
