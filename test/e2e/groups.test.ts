/**
 * Reading groups in a real browser: an owner invites from the group's page and a newcomer
 * signs up and joins through the link; owners change roles; a moderator works through the
 * queue of a pre-moderated group (approve, hide with a reason, restore a flagged gloss); a
 * private group stays unknown to outsiders; dead invitations say why; joining an open group,
 * asking to join an approval group, and the last owner who may not leave; an owner bans a
 * member and lifts the ban, reads it in the audit log, and changes the group's settings. The
 * data is set up over HTTP as its people would; what matters is what each person sees.
 * Screenshots go to test-results/screenshots; axe-core checks the group page and the
 * invitation page.
 */
import path from 'node:path';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/fixtures.ts';
import { HttpClient, signupOver } from './api-client.ts';
import { seriousViolations } from './axe.ts';
import { dragAcross, screenshotDir, unfold, useChromium, usePages } from './browser.ts';

/** How long to wait for an answer that hashes a password: scrypt is slow on purpose. */
const hashing = { timeout: 15_000 };
const password = 'a long passphrase';
const slug = 'avot-thursdays';
const groupName = 'Avot on Thursdays';
const layerName = 'Our Thursday notes';

/** All the text of the page, through every open shadow root. */
const deepText = (page: Page) =>
  page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Node) => {
      for (const node of root.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
        if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
        walk(node);
      }
    };
    walk(document.body);
    return parts.join(' ');
  });

/** Whether the element has the focus, looking through shadow roots. */
const focused = (locator: Locator) => locator.evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);

describe('reading groups in the browser', () => {
  // Each test on a server of its own, from the demo and Rivka's private group below.
  const server = useServer({ each: true });
  const browser = useChromium();
  /**
   * A page in a fresh context; its console errors other than requests the server refused, and
   * the paths it refused, collected for the test with those of its other pages.
   */
  const { open: freshPage, errors, refused } = usePages(browser, { refused: true });
  let rivka: HttpClient;

  beforeEach(async () => {
    rivka = await signupOver(server.url, 'rivka');
    const group = await rivka.post('/api/groups', {
      slug,
      name: groupName,
      description: 'We read Pirkei Avot slowly, one mishnah each Thursday.',
      visibility: 'private',
      joinPolicy: 'invite',
      premoderation: true,
      trustAfter: 3,
    });
    expect(group.status).toBe(201);
    const layer = await rivka.post('/api/texts/pirkei-avot-en/layers', {
      name: layerName,
      slug: 'our-notes',
      group: slug,
      visibility: 'group',
      writePolicy: 'members',
      replyPolicy: 'members',
    });
    expect(layer.status).toBe(201);
  });

  /** A fresh page signed in as `handle` (through the API, from the page's own origin). */
  async function signedIn(handle: string, options: BrowserContextOptions = {}) {
    const opened = await freshPage(options);
    await opened.page.goto(server.url + '/');
    const status = await opened.page.evaluate(
      async ([h, p]) => (await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: h, password: p }) })).status,
      [handle, password],
    );
    expect(status).toBe(200);
    return opened;
  }

  /** `handle` (named `displayName`, if given), signed up over HTTP and a member of Rivka's group by an invitation of their own. */
  async function invitedMember(handle: string, displayName?: string): Promise<HttpClient> {
    const client = await signupOver(server.url, handle, password, displayName);
    const invitation = await rivka.post(`/api/groups/${slug}/invitations`, {});
    expect((await client.post(`/api/invitations/${invitation.body.token}/accept`)).status).toBe(200);
    return client;
  }

  /** Shmuel Katz, a moderator of Rivka's group, as he came to be in the journey of the invitation. */
  async function moderatorShmuel(): Promise<HttpClient> {
    const shmuel = await invitedMember('shmuel', 'Shmuel Katz');
    expect((await rivka.send('PATCH', `/api/groups/${slug}/members/shmuel`, { role: 'moderator' })).status).toBe(200);
    return shmuel;
  }

  const groupPage = (page: Page) => page.locator('daf-group-page');
  const members = (page: Page) => page.locator('daf-group-members ul.members > li');
  const queue = (page: Page) => page.locator('daf-moderation-queue ul.queue > li');

  /** Opens a group's page and waits for its heading. */
  async function openGroup(page: Page, name = groupName, group = slug) {
    await page.goto(`${server.url}/g/${group}`);
    await expect.poll(() => groupPage(page).locator('h1').textContent()).toBe(name);
  }

  it('lets an organiser start a group from the library: New group, its form, Create group, and the group page', async () => {
    await signupOver(server.url, 'orna');
    const { page, context } = await signedIn('orna');
    await page.goto(server.url + '/');
    await page.locator('daf-library').getByRole('link', { name: 'New group' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/g/new');
    const form = page.locator('daf-new-group form');
    await form.getByLabel('Name', { exact: true }).fill('Thursday Ethics Circle');
    // The address follows the name until it is changed.
    expect(await form.getByLabel('Address').inputValue()).toBe('thursday-ethics-circle');
    await form.getByLabel('Description', { exact: true }).fill('Pirkei Avot, one mishnah a week.');
    await form.getByLabel('Who may see the group').selectOption('private');
    await form.getByLabel('Who may join').selectOption('invite');
    await form.getByLabel('New members’ posts wait for a moderator').check();
    await form.getByLabel('Trusted after (approved posts)').fill('2');
    await page.screenshot({ path: path.join(screenshotDir, 'new-group.png') });
    await form.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/g/thursday-ethics-circle');
    await expect.poll(() => groupPage(page).locator('h1').textContent()).toContain('Thursday Ethics Circle');
    const made = (await rivka.get('/api/groups/thursday-ethics-circle')).status;
    expect(made).toBe(404); // private: nothing of it to others
    const mine = await page.evaluate(async () => (await fetch('/api/groups/thursday-ethics-circle')).json());
    expect(mine).toMatchObject({ visibility: 'private', joinPolicy: 'invite', premoderation: true, trustAfter: 2, membership: { role: 'owner' } });

    // A taken address: the server's message beside the field, and no group made.
    await page.goto(server.url + '/g/new');
    await form.getByLabel('Name', { exact: true }).fill('Thursday Ethics Circle');
    await form.getByRole('button', { name: 'Create group' }).click();
    const fieldError = form.locator('#slug-error');
    await expect.poll(() => fieldError.textContent()).toContain('exists already');
    expect(await form.getByLabel('Address').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Address').fill('thursday-ethics-2');
    await form.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/g/thursday-ethics-2');
    await context.close();

    // A visitor is asked to log in.
    const visitor = await freshPage();
    await visitor.page.goto(server.url + '/g/new');
    await expect.poll(() => visitor.page.locator('daf-new-group p').first().textContent()).toContain('Log in or sign up');
    expect(await visitor.page.locator('daf-library').count()).toBe(0);
    await visitor.context.close();
  });

  it('lets an owner invite from the page, and a newcomer sign up and join through the link', async () => {
    const { context, page } = await signedIn('rivka');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await openGroup(page);
    expect(await page.title()).toBe(`${groupName} · Daf`);
    expect(await groupPage(page).locator('.description').textContent()).toBe('We read Pirkei Avot slowly, one mishnah each Thursday.');
    expect(await groupPage(page).locator('.meta').first().textContent()).toBe('Private · by invitation · 1 member · you are an owner · new members’ posts are read by a moderator first');
    expect(await groupPage(page).locator('.standing').textContent()).toBe('You are an owner of this group.');
    const layer = groupPage(page).locator('ul.reading li', { hasText: layerName });
    expect(await layer.locator('a').getAttribute('href')).toBe('/t/pirkei-avot-en?layers=our-notes');
    expect(await layer.locator('.meta').textContent()).toBe('A layer on Pirkei Avot (English) · members only');
    await expect.poll(() => members(page).count()).toBe(1);

    // Create an invitation in the page: a two-day link for five people.
    const invitations = page.locator('daf-group-invitations');
    await expect.poll(() => invitations.locator('.empty').textContent()).toBe('No invitations yet.');
    await invitations.getByLabel('Expires in (days)').fill('2');
    await invitations.getByLabel('Use limit (optional)').fill('5');
    await invitations.getByRole('button', { name: 'Create an invitation' }).click();
    const linkField = invitations.getByLabel('New invitation link');
    await expect.poll(() => linkField.inputValue()).toMatch(new RegExp(`^${server.url}/invite/inv_[\\w-]+$`));
    const link = await linkField.inputValue();
    expect(await focused(linkField)).toBe(true);
    await invitations.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => invitations.locator('.new-link [role=status]').textContent()).toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const listed = invitations.locator('ul.invitations > li');
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.locator('.state').textContent()).toBe('Open');
    expect(await listed.locator('.meta').textContent()).toContain('0 of 5 uses');
    expect(await listed.locator('.meta').textContent()).toContain('by @rivka');
    // Two days from now, give or take the minute it took.
    const { invitations: made } = (await rivka.get(`/api/groups/${slug}/invitations`)).body as { invitations: { expires: string }[] };
    expect(Math.abs(Date.parse(made[0].expires) - Date.now() - 2 * 86_400_000)).toBeLessThan(120_000);
    // The audit log on the same page records it at once.
    await expect.poll(() => page.locator('daf-group-audit li[data-action="invitation.created"]').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir, 'group-owner.png'), fullPage: true });

    // The newcomer opens the link signed out, signs up in the page and joins.
    const { page: shmuel } = await freshPage();
    await shmuel.goto(link);
    const invite = shmuel.locator('daf-invite-page');
    // The link names its group at once; a private group's description stays with its members.
    await expect.poll(() => invite.locator('h1').textContent()).toBe(`You are invited to ${groupName}`);
    expect(await invite.locator('.description').count()).toBe(0);
    // It says who sent it.
    expect(await invite.locator('.sender').textContent()).toMatch(/^From .+ \(@rivka\)\.$/);
    expect(await shmuel.title()).toBe(`An invitation to ${groupName} · Daf`);
    await shmuel.screenshot({ path: path.join(screenshotDir, 'invite-signed-out.png') });
    await invite.getByRole('button', { name: 'Sign up' }).click();
    const dialog = invite.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Handle').fill('shmuel');
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByLabel('Display name').fill('Shmuel Katz');
    await dialog.locator('button[type=submit]').click();
    const join = invite.getByRole('button', { name: 'Join the group' });
    await expect.poll(() => join.isVisible(), hashing).toBe(true);
    expect(await invite.locator('p', { hasText: 'You are signed in as' }).textContent()).toBe('You are signed in as Shmuel Katz (@shmuel).');
    await expect.poll(() => focused(join)).toBe(true);
    expect(await shmuel.locator('daf-app header daf-account .name').textContent()).toBe('Shmuel Katz');
    await shmuel.screenshot({ path: path.join(screenshotDir, 'invite-signed-in.png') });
    await join.click();
    await expect.poll(() => shmuel.url()).toBe(`${server.url}/g/${slug}`);
    await expect.poll(() => groupPage(shmuel).locator('.standing').textContent()).toBe('You are a member of this group.');
    // Back on the link, a member is shown the way in, and now the group's description.
    await shmuel.goto(link);
    await expect.poll(() => invite.locator('p', { hasText: 'already a member' }).count()).toBe(1);
    expect(await invite.locator('.description').textContent()).toBe('We read Pirkei Avot slowly, one mishnah each Thursday.');
    expect(await invite.getByRole('button', { name: 'Join the group' }).count()).toBe(0);
    await invite.getByRole('link', { name: 'Open the group' }).click();
    await expect.poll(() => shmuel.url()).toBe(`${server.url}/g/${slug}`);
    await expect.poll(() => members(shmuel).count()).toBe(2);
    // A member sees who belongs and their roles, and changes nothing.
    expect(await members(shmuel).locator('select').count()).toBe(0);
    expect(await members(shmuel).filter({ hasText: 'rivka' }).locator('.role').textContent()).toBe('owner');
    expect(await shmuel.locator('daf-group-invitations').count()).toBe(0);

    // The owner reloads: the newcomer is a member; she makes him a moderator.
    await page.reload();
    const row = members(page).filter({ hasText: 'Shmuel Katz' });
    await expect.poll(() => row.count()).toBe(1);
    const role = row.getByLabel('Role of Shmuel Katz');
    expect(await role.inputValue()).toBe('member');
    expect(await page.locator('daf-group-invitations ul.invitations .meta').textContent()).toContain('1 of 5 uses');
    await role.selectOption('moderator');
    await expect.poll(() => page.locator('daf-group-members [role=status]').textContent()).toBe('Shmuel Katz is now a moderator.');
    expect(await members(page).filter({ hasText: 'Shmuel Katz' }).getByLabel('Role of Shmuel Katz').inputValue()).toBe('moderator');
    const over = await rivka.get(`/api/groups/${slug}/members`);
    expect(over.body.members.map((m: any) => `${m.handle}:${m.role}`).sort()).toEqual(['rivka:owner', 'shmuel:moderator']);
    await context.close();
  });

  it('lets a moderator approve, hide with a reason and restore from the queue', async () => {
    await moderatorShmuel();
    // A new member joins by invitation and writes; the owner writes too, and the member flags it.
    const inv = await rivka.post(`/api/groups/${slug}/invitations`, { expiresInHours: 24 });
    const pnina = await signupOver(server.url, 'pnina');
    expect((await pnina.post(`/api/invitations/${inv.body.token}/accept`)).status).toBe(200);
    const write = async (who: HttpClient, exact: string, markdown: string) => {
      const res = await who.post('/api/texts/pirkei-avot-en/layers/our-notes/glosses', { target: { exact }, body: { markdown } });
      expect(res.status).toBe(201);
      return res.body as { id: number; status: string };
    };
    const welcome = await write(pnina, 'Be deliberate in judgment', 'Deliberate means weighing, not waiting.');
    const offTopic = await write(pnina, 'raise up many disciples', 'Buy cheap sandals at my shop!');
    const owners = await write(rivka, 'make a fence to the Thorah', 'A fence protects a specific law.');
    expect([welcome.status, offTopic.status, owners.status]).toEqual(['pending', 'pending', 'active']);
    expect((await pnina.post(`/api/glosses/${owners.id}/flag`, { reason: 'Is this right?' })).status).toBe(201);

    // The moderator opens the page and reads the queue.
    const { page } = await signedIn('shmuel');
    const reads: string[] = [];
    page.on('request', (r) => r.method() === 'GET' && reads.push(new URL(r.url()).pathname));
    await openGroup(page);
    expect(await groupPage(page).locator('.standing').textContent()).toBe('You are a moderator of this group.');
    await expect.poll(() => queue(page).count()).toBe(3);
    const item = (id: number) => page.locator(`daf-moderation-queue ul.queue > li[data-id="${id}"]`);
    expect(await item(welcome.id).locator('blockquote').textContent()).toBe('Deliberate means weighing, not waiting.');
    expect(await item(welcome.id).locator('.meta').textContent()).toMatch(/^Gloss by @pnina in Our Thursday notes on\s+Pirkei Avot \(English\) · waiting for approval · /);
    expect(await item(welcome.id).locator('a').getAttribute('href')).toBe(`/t/pirkei-avot-en#g-${welcome.id}`);
    expect(await item(owners.id).locator('.flags').textContent()).toContain('Flagged by @pnina: Is this right?');
    expect(await item(owners.id).locator('.meta').textContent()).toContain('Gloss by @rivka');
    expect(await item(owners.id).locator('.meta').textContent()).toContain('active');
    expect(await item(owners.id).locator('blockquote').textContent()).toBe('A fence protects a specific law.');
    // The queue came whole in one answer: no read per flagged post.
    expect(reads.filter((p) => p.startsWith('/api/glosses/'))).toEqual([]);
    expect(await item(owners.id).getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, 'group-moderator.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(screenshotDir, 'group-moderator-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 900 });

    // Approve one; the audit log on the same page tells of it at once.
    const approvals = page.locator('daf-group-audit li[data-action="gloss.approved"]');
    const approvedBefore = await approvals.count();
    await item(welcome.id).getByRole('button', { name: 'Approve the gloss by pnina' }).click();
    await expect.poll(() => item(welcome.id).count()).toBe(0);
    // (The live stream may read the queue again before the action's own answer comes: wait for it.)
    await expect.poll(() => page.locator('daf-moderation-queue [role=status]').first().textContent()).toBe('The gloss by @pnina is approved.');
    await expect.poll(() => approvals.count()).toBe(approvedBefore + 1);

    // Hide another, with a reason for its author.
    await item(offTopic.id).getByRole('button', { name: 'Hide the gloss by pnina' }).click();
    const dialog = page.locator('daf-moderation-queue').getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('h2').textContent()).toBe('Hide this gloss?');
    await dialog.getByLabel('Reason, for the author').fill('Please keep to the text.');
    await page.screenshot({ path: path.join(screenshotDir, 'group-hide-dialog.png') });
    await dialog.getByRole('button', { name: 'Hide' }).click();
    await expect.poll(() => item(offTopic.id).count()).toBe(0);
    expect(await dialog.isVisible()).toBe(false);

    // Hide the flagged one, then think better of it and restore it from what was done.
    await item(owners.id).getByRole('button', { name: 'Hide the gloss by rivka' }).click();
    await dialog.getByLabel('Reason, for the author').fill('Checking the source.');
    await dialog.getByRole('button', { name: 'Hide' }).click();
    await expect.poll(() => item(owners.id).count()).toBe(0);
    const done = page.locator('daf-moderation-queue ul.done > li');
    await expect.poll(async () => (await done.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'Gloss by @rivka: hidden — Checking the source. A fence protects a specific law. Restore',
      'Gloss by @pnina: hidden — Please keep to the text. Buy cheap sandals at my shop! Restore',
      'Gloss by @pnina: approved Deliberate means weighing, not waiting.',
    ]);
    await done.filter({ hasText: '@rivka' }).getByRole('button', { name: 'Restore the gloss by rivka' }).click();
    await expect.poll(() => done.first().textContent()).toContain('Gloss by @rivka: restored');

    // The queue is empty, in the page and on the server; the statuses are the server's.
    await expect.poll(() => page.locator('daf-moderation-queue .queue-empty').textContent()).toBe('Nothing is waiting: no posts to approve and no flags.');
    expect(await queue(page).count()).toBe(0);
    const status = async (id: number) => (await rivka.get(`/api/glosses/${id}`)).body;
    expect((await status(welcome.id)).status).toBe('active');
    expect(await status(offTopic.id)).toMatchObject({ status: 'hidden', moderationNote: 'Please keep to the text.' });
    expect((await status(owners.id)).status).toBe('active');
    const q = await rivka.get(`/api/groups/${slug}/moderation`);
    expect(q.body).toMatchObject({ pending: [], flags: [] });
    await page.reload();
    await expect.poll(() => page.locator('daf-moderation-queue .queue-empty').count()).toBe(1);
  });

  it('keeps an open group page current, and lets a moderator approve, hide and restore from the card', async () => {
    await moderatorShmuel();
    await invitedMember('pnina');
    const pnina = new HttpClient(server.url);
    expect((await pnina.post('/api/auth/login', { handle: 'pnina', password })).status).toBe(200);
    // The moderator's group page is open and the queue empty; a post held for approval shows up
    // in it without a reload.
    const { page: groupTab } = await signedIn('shmuel');
    await openGroup(groupTab);
    await expect.poll(() => groupTab.locator('daf-moderation-queue .queue-empty').count()).toBe(1);
    const held = await pnina.post('/api/texts/pirkei-avot-en/layers/our-notes/glosses', {
      target: { exact: 'On three things the world stands' },
      body: { markdown: 'Three pillars, and the world rests on them.' },
    });
    expect(held.body.status).toBe('pending');
    const item = groupTab.locator(`daf-moderation-queue ul.queue > li[data-id="${held.body.id}"]`);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);

    // In another tab, the moderator finds it on the text, unfolds its card and approves it there.
    const { page } = await signedIn('shmuel');
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const card = page.locator(`daf-text-page daf-gloss-card[data-id="${held.body.id}"]`);
    await unfold(card);
    expect(await card.textContent()).toContain('Three pillars');
    await card.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(async () => (await rivka.get(`/api/glosses/${held.body.id}`)).body.status).toBe('active');
    // The group page, still open, lets it go from the queue and tells it in the audit log.
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => groupTab.locator('daf-group-audit li[data-action="gloss.approved"]').first().textContent()).toContain('pnina');

    // Hide it from the card, with a reason, in Daf's dialog (not the browser's).
    await unfold(card);
    expect(await card.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await card.getByRole('button', { name: 'Hide', exact: true }).click();
    const dialog = page.locator('daf-confirm dialog[open]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Hide this gloss?');
    await dialog.getByLabel('Reason, for the author').fill('Please quote the mishnah you mean.');
    await page.screenshot({ path: path.join(screenshotDir, 'card-hide-dialog.png') });
    await dialog.getByRole('button', { name: 'Hide' }).click();
    await expect.poll(async () => (await rivka.get(`/api/glosses/${held.body.id}`)).body).toMatchObject({ status: 'hidden', moderationNote: 'Please quote the mishnah you mean.' });

    // Its author reads why on her own card; the moderator restores it from his.
    const author = await signedIn('pnina');
    await author.page.goto(`${server.url}/t/pirkei-avot-en`);
    await author.page.locator('daf-text-page[data-laid-out]').waitFor();
    const hers = author.page.locator(`daf-text-page daf-gloss-card[data-id="${held.body.id}"]`);
    await expect.poll(() => hers.locator('.who').first().textContent()).toContain(' · hidden');
    await unfold(hers);
    expect(await hers.locator('.tag').allTextContents()).toContain('Hidden by a moderator: Please quote the mishnah you mean.');
    expect(await hers.getByRole('button', { name: 'Restore', exact: true }).count()).toBe(0);
    await unfold(card);
    await card.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect.poll(async () => (await rivka.get(`/api/glosses/${held.body.id}`)).body.status).toBe('active');
    await expect.poll(() => groupTab.locator('daf-group-audit li[data-action="gloss.restored"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await author.context.close();
    await page.context().close();
  });

  it('passes axe-core on the group page and the invitation page', async () => {
    await moderatorShmuel();
    await invitedMember('pnina');
    // A post waiting, so the queue has an item with its buttons.
    const pnina = new HttpClient(server.url);
    expect((await pnina.post('/api/auth/login', { handle: 'pnina', password })).status).toBe(200);
    expect((await pnina.post('/api/texts/pirkei-avot-en/layers/our-notes/glosses', { target: { exact: 'Love work' }, body: { markdown: 'Work is a blessing.' } })).body.status).toBe('pending');
    // This context alone bypasses the page's CSP, which forbids the inline script that injects axe.
    const { context, page } = await signedIn('rivka', { bypassCSP: true });
    const check = async (what: string) => {
      const violations = await seriousViolations(page);
      if (violations.length) console.log(`axe on ${what}:\n${JSON.stringify(violations, null, 2)}`);
      expect(violations).toEqual([]);
    };
    await openGroup(page);
    await expect.poll(() => queue(page).count()).toBe(1);
    await expect.poll(() => members(page).count()).toBe(3);
    await expect.poll(() => page.locator('daf-group-invitations ul.invitations > li').count()).toBe(2);
    await check('the group page');
    await page.goto(`${server.url}/invite/inv_unknown`);
    await expect.poll(() => page.locator('daf-invite-page h1').count()).toBe(1);
    await check('the invitation page');
    await context.close();
  });

  it('shows an outsider and a visitor that there is no such group, and nothing of it', async () => {
    await signupOver(server.url, 'zelig');
    for (const who of ['zelig', null]) {
      const { context, page } = who ? await signedIn(who) : await freshPage();
      await page.goto(`${server.url}/g/${slug}`);
      await expect.poll(() => groupPage(page).locator('h1').textContent()).toBe('No such group, or it is private');
      const seen = await deepText(page);
      expect(seen).toContain('No such group, or it is private');
      for (const secret of [groupName, layerName, 'Thursday', 'rivka', 'shmuel', 'pnina']) expect(seen).not.toContain(secret);
      await context.close();
    }
    expect(refused.filter((p) => p === `/api/groups/${slug}`)).toHaveLength(2);
  });

  it('says so when the group pages’ script cannot be loaded, instead of an empty page', async () => {
    const { context, page } = await freshPage();
    const chunk = (url: URL) => /^\/assets\/daf-group-page-[\w-]+\.js$/.test(url.pathname);
    await page.route(chunk, (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}/g/${slug}`);
    await expect.poll(() => page.locator('daf-app main [role=alert]').textContent()).toBe('This page could not be loaded. Check your connection, then reload the page.');
    await context.close();
  });

  it('shows the server’s message for a revoked or an expired invitation', async () => {
    await signupOver(server.url, 'zelig');
    const revoked = await rivka.post(`/api/groups/${slug}/invitations`, {});
    expect((await rivka.send('DELETE', `/api/groups/${slug}/invitations/${revoked.body.id}`)).status).toBe(204);
    const expired = await rivka.post(`/api/groups/${slug}/invitations`, {});
    await server.database.db.updateTable('invitation').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', expired.body.id).execute();
    const { context, page } = await signedIn('zelig');
    for (const [inv, message] of [
      [revoked.body, 'This invitation was revoked'],
      [expired.body, 'This invitation has expired'],
    ] as const) {
      // The page says so as it opens: there is nothing to try.
      await page.goto(inv.url);
      await expect.poll(() => page.locator('daf-invite-page [role=alert]').textContent()).toBe(message);
      // The link is dead: no button to try again, a way on instead.
      expect(await page.locator('daf-invite-page').getByRole('button', { name: 'Join the group' }).count()).toBe(0);
      expect(await page.locator('daf-invite-page').getByRole('link', { name: 'Go to the library' }).isVisible()).toBe(true);
      expect(page.url()).toBe(inv.url);
    }
    await page.screenshot({ path: path.join(screenshotDir, 'invite-expired.png') });
    expect((await rivka.get(`/api/groups/${slug}/members`)).body.members.map((m: any) => m.handle)).not.toContain('zelig');
    await context.close();
  });

  it('joins an open group from its page, asks to join an approval group, and keeps the last owner', async () => {
    await signupOver(server.url, 'zelig');
    // A visitor reads the public demo group, reached from the library, and is asked to log in.
    const visitor = await freshPage();
    await visitor.page.goto(server.url + '/');
    await visitor.page.locator('daf-library .groups a', { hasText: 'The Thursday Avot circle' }).click();
    await expect.poll(() => groupPage(visitor.page).locator('h1').textContent()).toBe('The Thursday Avot circle');
    expect(visitor.page.url()).toBe(`${server.url}/g/avot-circle`);
    expect(await groupPage(visitor.page).locator('.standing').textContent()).toBe('Log in or sign up to join this group.');
    expect(await groupPage(visitor.page).getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    const reading = groupPage(visitor.page).locator('ul.reading li');
    expect(await reading.locator('a').allTextContents()).toEqual(['Study notes', 'Study notes']);
    expect(await reading.locator('.meta').allTextContents()).toEqual(['A layer on Pirkei Avot (English)', 'A layer on Pirkei Avot · פרקי אבות']);
    expect(await visitor.page.locator('daf-group-members').count()).toBe(0);
    await visitor.context.close();

    // A signed-in reader joins the open group at once.
    const { context, page } = await signedIn('zelig');
    await openGroup(page, 'The Thursday Avot circle', 'avot-circle');
    await groupPage(page).getByRole('button', { name: 'Join the group' }).click();
    await expect.poll(() => groupPage(page).locator('.standing').textContent()).toBe('You are a member of this group.');
    expect(await groupPage(page).locator('.join [role=status]').textContent()).toBe('You have joined the group.');
    await expect.poll(() => members(page).filter({ hasText: 'zelig' }).count()).toBe(1);

    // An approval group: the request waits; its owner approves it on the page.
    expect((await rivka.post('/api/groups', { slug: 'avot-askers', name: 'Askers', visibility: 'public', joinPolicy: 'approval' })).status).toBe(201);
    await openGroup(page, 'Askers', 'avot-askers');
    await groupPage(page).getByRole('button', { name: 'Ask to join' }).click();
    await expect.poll(() => groupPage(page).locator('.join [role=status]').textContent()).toBe('Request sent: it is awaiting a moderator.');
    await expect.poll(() => groupPage(page).locator('.standing').textContent()).toBe('Your request to join is waiting for a moderator.');
    const owner = await signedIn('rivka');
    await openGroup(owner.page, 'Askers', 'avot-askers');
    const request = owner.page.locator('daf-group-members li', { hasText: 'zelig' });
    await request.getByRole('button', { name: 'Approve zelig' }).click();
    await expect.poll(() => owner.page.locator('daf-group-members [role=status]').textContent()).toBe('zelig is now a member.');
    await expect.poll(() => members(owner.page).count()).toBe(2);

    // The last owner may not leave: told so at once, before any question is asked.
    await groupPage(owner.page).getByRole('button', { name: 'Leave the group' }).click();
    expect(await groupPage(owner.page).getByRole('dialog').isVisible()).toBe(false);
    await expect.poll(() => groupPage(owner.page).locator('.join [role=alert]').textContent()).toBe(
      'You are the only owner of this group: make someone else an owner before you leave.',
    );
    expect(await groupPage(owner.page).locator('.standing').textContent()).toBe('You are an owner of this group.');
    await owner.context.close();
    await context.close();
    expect(errors).toEqual([]);
  });

  it('lets an owner make a group layer from the group page, and says beside the name when it is taken', async () => {
    await invitedMember('pnina');
    const { page, context } = await signedIn('rivka');
    await openGroup(page);
    const toggle = groupPage(page).getByRole('button', { name: 'New layer…' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const form = page.locator('daf-layer-form form');
    // The texts offered are the public ones (the group has none of its own).
    const options = await form.locator('select[name=text] option').allTextContents();
    expect(options).toContain('Pirkei Avot (English)');
    await form.locator('select[name=text]').selectOption({ label: 'Pirkei Avot (English)' });
    await form.getByLabel('Name', { exact: true }).fill('Questions for Thursday');
    await form.locator('select[name=visibility]').selectOption('public');
    await form.locator('select[name=writePolicy]').selectOption('moderators');
    await form.locator('select[name=replyPolicy]').selectOption('signed_in');
    await form.getByLabel('This one:').check();
    await form.getByLabel('The layer’s colour').fill('#aa3377');
    await form.getByLabel('Description', { exact: true }).fill('What we mean to ask on Thursday.');
    await page.screenshot({ path: path.join(screenshotDir, 'group-new-layer.png'), fullPage: true });
    await form.getByRole('button', { name: 'Create layer' }).click();
    await expect.poll(() => page.locator('daf-layer-form [role=status]').textContent()).toBe('The layer “Questions for Thursday” is made.');
    // The page lists it at once, and the server has it as it was asked.
    const listed = groupPage(page).locator('ul.reading li', { hasText: 'Questions for Thursday' });
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.locator('.meta').textContent()).toBe('A layer on Pirkei Avot (English)');
    // The audit log tells who made it.
    await expect.poll(() => page.locator('daf-group-audit li[data-action="layer.created"] .sentence').first().textContent()).toBe('@rivka made the layer “Questions for Thursday”.');
    const { layers } = (await rivka.get('/api/texts/pirkei-avot-en/layers')).body as { layers: Record<string, unknown>[] };
    expect(layers.find((l) => l.name === 'Questions for Thursday')).toMatchObject({
      group: slug,
      visibility: 'public',
      writePolicy: 'moderators',
      replyPolicy: 'signed_in',
      color: '#aa3377',
      description: 'What we mean to ask on Thursday.',
    });
    // The same name again on the same text: the server's word, beside the name.
    await form.getByLabel('Name', { exact: true }).fill('Questions for Thursday');
    await form.getByRole('button', { name: 'Create layer' }).click();
    const nameError = form.locator('#name-error');
    await expect.poll(() => nameError.textContent()).toContain('exists already');
    expect(await form.locator('input[name=name]').getAttribute('aria-invalid')).toBe('true');
    const after = (await rivka.get('/api/texts/pirkei-avot-en/layers')).body as { layers: Record<string, unknown>[] };
    expect(after.layers.filter((l) => l.name === 'Questions for Thursday')).toHaveLength(1);
    await context.close();
    // A member who is no moderator has no such button.
    const member = await signedIn('pnina');
    await openGroup(member.page);
    expect(await groupPage(member.page).getByRole('button', { name: 'New layer…' }).count()).toBe(0);
    await member.context.close();
  });

  it('lets a moderator make a group layer from the composer and write in it at once', async () => {
    await moderatorShmuel();
    const { page, context } = await signedIn('shmuel');
    await page.goto(`${server.url}/t/pirkei-avot-en`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const phrase = 'Love work';
    await dragAcross(page, page.locator('daf-text-page .text'), phrase);
    const popover = page.locator('daf-text-page .popover');
    await popover.getByRole('button', { name: 'Comment' }).click();
    const composer = popover.locator('daf-composer');
    await composer.locator('select').first().selectOption({ label: 'New layer of a group…' });
    const form = composer.locator('daf-layer-form form');
    // The groups offered are those the writer moderates; the text is the one being read.
    await expect.poll(() => form.locator('select[name=group] option').allTextContents()).toEqual([groupName]);
    expect(await form.locator('select[name=text]').count()).toBe(0);
    // Posting before the layer is made says so.
    await composer.locator('daf-editor .ProseMirror').click();
    await page.keyboard.type('Work, not lordship.');
    await composer.getByRole('button', { name: 'Post' }).click();
    expect(await composer.locator('[role=alert]', { hasText: 'Create the group’s layer first, or choose another layer.' }).count()).toBe(1);
    await form.locator('input[name=name]').fill('Shmuel’s Thursday asides');
    await page.screenshot({ path: path.join(screenshotDir, 'composer-group-layer.png') });
    await form.getByRole('button', { name: 'Create layer' }).click();
    // Made, it is the layer chosen, and the gloss goes into it.
    const select = composer.locator('select').first();
    await expect.poll(() => select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0].textContent)).toBe('Shmuel’s Thursday asides');
    expect(await composer.locator('daf-layer-form').count()).toBe(0);
    await composer.getByRole('button', { name: 'Post' }).click();
    const card = page.locator('daf-text-page daf-gloss-card', { hasText: 'Work, not lordship.' });
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    const { layers } = (await rivka.get('/api/texts/pirkei-avot-en/layers')).body as { layers: Record<string, unknown>[] };
    expect(layers.find((l) => l.name === 'Shmuel’s Thursday asides')).toMatchObject({ group: slug, visibility: 'group', writePolicy: 'members' });
    await context.close();
  });

  it('lets an owner add a Markdown text to the group from its page: preview, create, and read it with its list and quote', async () => {
    const { page, context } = await signedIn('rivka');
    await openGroup(page);
    await groupPage(page).getByRole('link', { name: 'Add a text' }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}/t/new?group=${slug}`);
    const form = page.locator('daf-add-text form');
    await expect.poll(() => page.locator('daf-add-text h1').textContent()).toBe(`Add a text to ${groupName}`);
    // A file Daf does not read is refused before anything is sent.
    await form.locator('input[type=file]').setInputFiles({ name: 'essay.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') });
    await expect.poll(() => form.locator('#file-error').textContent()).toContain('“essay.pdf” is none of these');
    // Nor one that is not what its name says.
    await form.locator('input[type=file]').setInputFiles({ name: 'essay.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('%PDF-1.7') });
    await expect.poll(() => form.locator('#file-error').textContent()).toContain('“essay.docx” is not a Word document');
    await form.locator('input[type=file]').setInputFiles({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from([0xff, 0xfe, 0x00, 0x41]) });
    await expect.poll(() => form.locator('#file-error').textContent()).toContain('“notes.md” is not a text file');
    // A .json file that is not a Sefaria export: the server's word, beside the text.
    await form.locator('input[type=file]').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"title": "x"') });
    await expect.poll(() => form.locator('select[name=format]').inputValue()).toBe('sefaria');
    await form.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => form.locator('#content-error').textContent()).not.toBe('');
    expect(await form.locator('textarea[name=content]').getAttribute('aria-invalid')).toBe('true');

    // Pasted Markdown: the format follows the words, and the preview shows the passages to come.
    const markdown = '# On Friendship\n\nAristotle names three kinds:\n\n- utility\n- pleasure\n- the good\n\n> Friendship is a single soul dwelling in two bodies.\n';
    await form.locator('input[name=title]').fill('On Friendship');
    await form.locator('textarea[name=content]').fill(markdown);
    expect(await form.locator('select[name=format]').inputValue()).toBe('markdown');
    expect(await form.locator('input[name=language]').inputValue()).toBe('en');
    await form.locator('input[name=attribution]').fill('After the Nicomachean Ethics, book VIII');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('daf-add-text .preview');
    await expect.poll(() => preview.locator('li').allTextContents()).toEqual([
      'Aristotle names three kinds:',
      'utility',
      'pleasure',
      'the good',
      'Friendship is a single soul dwelling in two bodies.',
    ]);
    expect(await preview.locator('.meta').textContent()).toContain('5 paragraphs');
    await page.screenshot({ path: path.join(screenshotDir, 'add-text.png'), fullPage: true });
    await form.getByRole('button', { name: 'Create text' }).click();

    // It opens as the group's text, its list a list and its quote a quote, the title shown once.
    await expect.poll(() => page.url()).toBe(`${server.url}/t/on-friendship`);
    await page.locator('daf-text-page[data-laid-out]').waitFor();
    const text = page.locator('daf-text-page .text');
    expect(await text.locator('li').allTextContents()).toEqual(['utility', 'pleasure', 'the good']);
    expect(await text.locator('blockquote').textContent()).toContain('Friendship is a single soul');
    expect(await text.textContent()).not.toContain('On Friendship');
    const made = (await rivka.get('/api/texts/on-friendship')).body;
    expect(made).toMatchObject({ title: 'On Friendship', visibility: 'group', attribution: 'After the Nicomachean Ethics, book VIII', language: 'en' });
    // The group's page lists it.
    await openGroup(page);
    expect(await groupPage(page).locator('ul.reading li', { hasText: 'On Friendship' }).locator('.meta').textContent()).toBe('A text of the group');
    await expect.poll(() => page.locator('daf-group-audit li[data-action="text.created"] .sentence').first().textContent()).toBe('@rivka added the text “On Friendship”.');
    await context.close();
  });

  describe('an owner’s tools: bans, the audit log, the settings', () => {
    const dusk = 'avot-dusk';
    const duskName = 'Avot at dusk';
    let dovid: HttpClient;
    /** The gloss dovid wrote, which the owner approved. */
    let approved: number;
    const audit = (page: Page) => page.locator('daf-group-audit ol.audit > li');
    const sentences = async (page: Page) => (await audit(page).locator('.sentence').allTextContents()).map((t) => t.trim());
    const write = (who: HttpClient, exact: string) =>
      who.post(`/api/texts/pirkei-avot-en/layers/dusk-notes/glosses`, { target: { exact }, body: { markdown: 'Cheap sandals, today only!' } });

    beforeEach(async () => {
      // A public, open, pre-moderated group with a layer; dovid joins and writes, rivka approves it.
      expect((await rivka.post('/api/groups', { slug: dusk, name: duskName, visibility: 'public', joinPolicy: 'open', premoderation: true })).status).toBe(201);
      const layer = await rivka.post('/api/texts/pirkei-avot-en/layers', { name: 'Dusk notes', slug: 'dusk-notes', group: dusk, visibility: 'group', writePolicy: 'members', replyPolicy: 'members' });
      expect(layer.status).toBe(201);
      dovid = await signupOver(server.url, 'dovid');
      expect((await dovid.post(`/api/groups/${dusk}/join`)).body).toEqual({ state: 'active', role: 'member' });
      const gloss = await write(dovid, 'Be deliberate in judgment');
      expect(gloss.body.status).toBe('pending');
      approved = gloss.body.id;
      expect((await rivka.post(`/api/glosses/${approved}/approve`)).status).toBe(200);
    }, 60_000);

    it('lets an owner ban a member from the page and lift the ban, and the audit log tells it', async () => {
      // This context alone bypasses the page's CSP, which forbids the inline script that injects axe.
      const { context, page } = await signedIn('rivka', { bypassCSP: true });
      await openGroup(page, duskName, dusk);
      await expect.poll(() => members(page).count()).toBe(2);
      // The oldest entry: the layer the group was given when it was set up.
      const made = '@rivka made the layer “Dusk notes”.';
      await expect.poll(() => sentences(page)).toEqual([`@rivka approved @dovid’s gloss no. ${approved}.`, made]);

      // Ban dovid, with a reason.
      await members(page).filter({ hasText: 'dovid' }).getByRole('button', { name: 'Ban dovid' }).click();
      const dialog = page.locator('daf-group-members').getByRole('dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.locator('h2').textContent()).toBe('Ban dovid?');
      await dialog.getByLabel('Reason (optional), kept in the audit log').fill('Advertising, again.');
      await page.screenshot({ path: path.join(screenshotDir, 'group-ban-dialog.png') });
      await dialog.getByRole('button', { name: 'Ban' }).click();
      await expect.poll(() => page.locator('daf-group-members [role=status]').textContent()).toBe('dovid is banned from the group.');
      expect(await dialog.isVisible()).toBe(false);
      // Gone from the members, listed among the banned; the page's count follows.
      expect(await members(page).filter({ hasText: 'dovid' }).count()).toBe(0);
      expect(await members(page).count()).toBe(1);
      const banned = page.locator('daf-group-members ul.banned > li');
      expect(await banned.count()).toBe(1);
      expect(await banned.getAttribute('data-handle')).toBe('dovid');
      await expect.poll(() => groupPage(page).locator('.meta').first().textContent()).toContain('1 member ·');

      // The ban holds on the server: dovid may not join again, and the members' layer is gone for him.
      const join = await dovid.post(`/api/groups/${dusk}/join`);
      expect(join.status).toBe(403);
      expect(join.body.error.message).toBe('You are banned from this group');
      expect((await write(dovid, 'Love work')).status).toBe(404);
      const listed = (await rivka.get(`/api/groups/${dusk}/members`)).body.members.map((m: any) => `${m.handle}:${m.state}`);
      expect(listed.sort()).toEqual(['dovid:banned', 'rivka:active']);

      // The audit log says it in words, newest first, with the reason.
      await expect.poll(() => sentences(page)).toEqual(['@rivka banned @dovid.', `@rivka approved @dovid’s gloss no. ${approved}.`, made]);
      expect(await audit(page).first().locator('q').textContent()).toBe('Advertising, again.');
      expect(await audit(page).nth(1).locator('q').count()).toBe(0);
      expect(await audit(page).first().locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      await page.screenshot({ path: path.join(screenshotDir, 'group-owner-tools.png'), fullPage: true });
      const violations = await seriousViolations(page);
      if (violations.length) console.log(`axe on the owner's tools:\n${JSON.stringify(violations, null, 2)}`);
      expect(violations).toEqual([]);

      // Lift the ban: dovid may join again.
      await banned.getByRole('button', { name: 'Lift the ban on dovid' }).click();
      await expect.poll(() => page.locator('daf-group-members [role=status]').textContent()).toBe('The ban on dovid is lifted: they may join again.');
      expect(await banned.count()).toBe(0);
      await expect.poll(() => sentences(page)).toEqual(['@rivka lifted the ban on @dovid.', '@rivka banned @dovid.', `@rivka approved @dovid’s gloss no. ${approved}.`, made]);
      expect((await dovid.post(`/api/groups/${dusk}/join`)).body).toEqual({ state: 'active', role: 'member' });
      await page.reload();
      await expect.poll(() => members(page).count()).toBe(2);

      // Someone who is not a member is banned by handle, before they ever join.
      const yoni = await signupOver(server.url, 'yoni');
      const byHandle = page.locator('daf-group-members form.ban-someone');
      await byHandle.getByLabel('Ban someone by handle, member or not').fill('@yoni');
      await byHandle.getByRole('button', { name: 'Ban…' }).click();
      await expect.poll(() => dialog.locator('h2').textContent()).toBe('Ban @yoni?');
      await dialog.getByRole('button', { name: 'Ban' }).click();
      await expect.poll(() => page.locator('daf-group-members [role=status]').textContent()).toBe('@yoni is banned from the group.');
      expect(await banned.getAttribute('data-handle')).toBe('yoni');
      expect(await byHandle.getByLabel('Ban someone by handle, member or not').inputValue()).toBe('');
      expect((await yoni.post(`/api/groups/${dusk}/join`)).status).toBe(403);
      // An invitation link tells him so, and offers no Join.
      const invitation = (await rivka.post(`/api/groups/${dusk}/invitations`, {})).body;
      const yonisPage = await signedIn('yoni');
      await yonisPage.page.goto(invitation.url);
      const invitePage = yonisPage.page.locator('daf-invite-page');
      await expect.poll(() => invitePage.locator('p', { hasText: 'banned' }).textContent()).toBe('You are banned from this group: the link cannot let you in.');
      expect(await invitePage.getByRole('button', { name: 'Join the group' }).count()).toBe(0);
      await yonisPage.context.close();
      // A handle nobody has gets the server's message, and bans no one.
      await byHandle.getByLabel('Ban someone by handle, member or not').fill('nobody-here');
      await byHandle.getByRole('button', { name: 'Ban…' }).click();
      await dialog.getByRole('button', { name: 'Ban' }).click();
      await expect.poll(() => page.locator('daf-group-members [role=alert]').textContent()).not.toBe('');
      expect(await banned.count()).toBe(1);
      await context.close();
    });

    it('lets an owner change the settings from the page, and shows the server’s message for a bad value', async () => {
      const { context, page } = await signedIn('rivka');
      await openGroup(page, duskName, dusk);
      const settings = page.locator('daf-group-settings');
      expect(await settings.getByLabel('Name').inputValue()).toBe(duskName);
      expect(await settings.getByLabel('Who may join').inputValue()).toBe('open');
      expect(await settings.getByLabel('New members’ posts wait for a moderator').isChecked()).toBe(true);
      expect(await settings.getByLabel('Trusted after (approved posts)').inputValue()).toBe('3');

      await settings.getByLabel('Name').fill('Avot at nightfall');
      await settings.getByLabel('Who may join').selectOption('approval');
      await settings.getByRole('button', { name: 'Save the settings' }).click();
      await expect.poll(() => settings.locator('[role=status]').textContent()).toBe('The settings are saved.');
      // The page shows the new values, and so does the server.
      await expect.poll(() => groupPage(page).locator('h1').textContent()).toBe('Avot at nightfall');
      expect(await groupPage(page).locator('.meta').first().textContent()).toBe('Public · joining needs approval · 2 members · you are an owner · new members’ posts are read by a moderator first');
      await expect.poll(() => page.title()).toBe('Avot at nightfall · Daf');
      expect((await rivka.get(`/api/groups/${dusk}`)).body).toMatchObject({ name: 'Avot at nightfall', joinPolicy: 'approval', visibility: 'public', premoderation: true, trustAfter: 3 });
      await expect.poll(async () => (await sentences(page))[0]).toBe('@rivka changed the name to “Avot at nightfall”, the join policy to approval by a moderator.');
      await page.screenshot({ path: path.join(screenshotDir, 'group-settings.png'), fullPage: true });

      // A name of spaces alone passes the browser's check; the server refuses it, and nothing changes.
      const expected = await rivka.send('PATCH', `/api/groups/${dusk}`, { name: '   ' });
      expect(expected.status).toBe(400);
      await settings.getByLabel('Name').fill('   ');
      await settings.getByRole('button', { name: 'Save the settings' }).click();
      await expect.poll(() => settings.locator('[role=alert]').textContent()).toBe(expected.body.error.message);
      expect(await settings.locator('[role=status]').textContent()).toBe('');
      expect(await groupPage(page).locator('h1').textContent()).toBe('Avot at nightfall');
      expect((await rivka.get(`/api/groups/${dusk}`)).body).toMatchObject({ name: 'Avot at nightfall', joinPolicy: 'approval' });
      // The layer, the approval and the change of settings: the refused change wrote nothing.
      expect(await audit(page).count()).toBe(3);
      await page.screenshot({ path: path.join(screenshotDir, 'group-settings-refused.png') });

      // A member sees neither the settings, nor the audit log, nor a Ban button.
      const member = await signedIn('dovid');
      await openGroup(member.page, 'Avot at nightfall', dusk);
      await expect.poll(() => members(member.page).count()).toBe(2);
      expect(await member.page.locator('daf-group-settings').count()).toBe(0);
      expect(await member.page.locator('daf-group-audit').count()).toBe(0);
      expect(await member.page.locator('daf-group-members').getByRole('button', { name: /^Ban/ }).count()).toBe(0);
      await member.context.close();
      await context.close();
      expect(errors).toEqual([]);
    });
  });
});
