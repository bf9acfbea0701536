/**
 * E-mail digests (docs/notifications.md, "Digests"), through a real SMTP server: what a digest
 * lists (new posts by others in the groups and texts one follows, as HTML and text), its
 * one-click unsubscribe (RFC 8058), its schedule on the app's clock, and above all what it never
 * lists: anything its reader may not read when it is sent, and anything at all to an address
 * that is not confirmed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sendDigests } from '../../server/services/digests.ts';
import { logMailer } from '../../server/services/mail.ts';
import { expectError } from '../helpers/expect-error.ts';
import { useServer } from '../helpers/fixtures.ts';
import { headerOf, linkIn, partOf, useMailServer, type Received } from '../helpers/mail-server.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

const hour = 3_600_000;
const base = 'http://daf.test';

describe('e-mail digests', () => {
  /** How far the app's clock is ahead of the real one. */
  let ahead = 0;
  const smtp = useMailServer();
  const t = useTestApp(() => ({ options: { mailer: smtp.mailer(), clock: () => new Date(Date.now() + ahead) } }));

  /** Signs `handle` up, confirms `handle@example.org` through the mailed link, and chooses `digest`. */
  async function reader(handle: string, digest: 'daily' | 'weekly' | 'off' = 'daily'): Promise<TestClient> {
    const client = await t.signup(handle);
    expect((await client.patch('/api/me', { email: `${handle}@example.org` })).status).toBe(200);
    expect((await t.visitor().post('/api/auth/verify-email', { token: linkIn(smtp.inbox.at(-1)!, 'verify-email') })).status).toBe(200);
    const chosen = await client.patch('/api/me', { digest });
    expect(chosen.status, chosen.text).toBe(200);
    return client;
  }

  /** Sends what is due (or, with `all`, every digest that is on) and returns the mails that went, by recipient. */
  async function send(all = false): Promise<Map<string, Received>> {
    const before = smtp.inbox.length;
    const run = await sendDigests(t.ctx, base, { all });
    const mails = smtp.inbox.slice(before);
    expect(mails).toHaveLength(run.sent);
    expect(run.failed).toBe(0);
    return new Map(mails.map((m) => [m.to[0], m]));
  }

  /** Everything a digest says, in both its parts and its subject. */
  const wordsOf = (mail: Received) => `${headerOf(mail, 'Subject')}\n${partOf(mail, 'text/plain')}\n${partOf(mail, 'text/html')}`;

  const reply = async (client: TestClient, gloss: number, markdown: string) => {
    const res = await client.post(`/api/glosses/${gloss}/replies`, { body: { markdown } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: number };
  };

  describe('what a digest lists', () => {
    let ada: TestClient;
    let bob: TestClient;
    let cy: TestClient;
    let groupText: string;
    let publicText: string;
    let elsewhere: string;
    let glossInGroup: number;
    let replyToAda: number;
    let adaGloss: number;
    let mail: Received;

    beforeAll(async () => {
      ada = await reader('ada');
      bob = await t.signup('bob');
      cy = await t.signup('cy');
      expect((await bob.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
      expect((await ada.post('/api/groups/circle/join')).status).toBe(200);
      groupText = await createText(bob, { title: 'Avot <of the circle>', content: 'Who is wise? One who learns from every person.', group: 'circle', visibility: 'group' });
      const notes = await bob.post(`/api/texts/${groupText}/layers`, { name: 'Circle notes', group: 'circle', visibility: 'group', writePolicy: 'members' });
      expect(notes.status, notes.text).toBe(201);
      publicText = await createText(cy, { title: 'Proverbs', content: 'Iron sharpens iron, and one person sharpens another.' });
      const open = await createLayer(cy, publicText, { name: 'Open notes', writePolicy: 'signed_in' });
      elsewhere = await createText(cy, { title: 'Unfollowed', content: 'Nobody here is followed by ada.' });
      const unfollowed = await createLayer(cy, elsewhere, { name: 'Quiet', writePolicy: 'signed_in' });

      // Ada wrote on the public text (so she follows it) and in her group.
      adaGloss = (await writeGloss(ada, publicText, open, { exact: 'Iron sharpens iron' }, 'Ada on iron: zzadaownqx')).id;
      await writeGloss(ada, groupText, notes.body.slug, { exact: 'Who is wise?' }, 'Ada in the circle: zzadaowntwoqx');
      glossInGroup = (await writeGloss(bob, groupText, notes.body.slug, { exact: 'every person' }, 'Bob: learning from **everyone** <b>zzbobgroupqx</b>')).id;
      replyToAda = (await reply(cy, adaGloss, 'Cy answers ada: zzcyreplyqx')).id;
      await writeGloss(cy, publicText, open, { exact: 'one person sharpens another' }, 'Cy on the public text: zzcypublicqx');
      // Not followed: a text ada never wrote on, of no group of hers.
      await writeGloss(cy, elsewhere, unfollowed, { exact: 'Nobody here' }, 'Elsewhere: zzunfollowedqx');

      // The circle reads a small book, two verses a week from today: the digest names this week's.
      const book = { title: 'Small Book', text: [['One one.', 'One two.', 'One three.', 'One four.']] };
      const planned = await createText(bob, { title: 'Small Book', format: 'sefaria', content: book, group: 'circle', visibility: 'group' });
      const today = new Date(Date.now() + ahead).toISOString().slice(0, 10);
      const plan = await bob.put('/api/groups/circle/plan', { text: planned, schedule: { kind: 'pace', segments: 2, every: 'week', start: today } });
      expect(plan.status, plan.text).toBe(200);

      const sent = await send();
      mail = sent.get('ada@example.org')!;
      expect(mail).toBeDefined();
    });

    it('names the passage her group reads this period, linked to it', () => {
      const text = partOf(mail, 'text/plain');
      expect(text).toMatch(/This period: Circle reads Small Book 1:1–1:2 \(\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d\)/);
      expect(text).toContain(`#${encodeURIComponent('1:1')}`);
      expect(partOf(mail, 'text/html')).toContain('<strong>This period:</strong>');
    });

    it('lists the new posts by others in her group and on the texts she wrote on, grouped by text, with counts, excerpts and links', () => {
      const text = partOf(mail, 'text/plain');
      expect(headerOf(mail, 'Subject')).toMatch(/^Your daily Daf digest: 3 new posts in 2 texts$/);
      expect(text).toContain('Hello ada,');
      expect(text).toContain('Avot <of the circle> — 1 gloss');
      expect(text).toContain('Proverbs — 1 gloss, 1 reply');
      expect(text).toContain('zzbobgroupqx');
      expect(text).toContain(`${base}/t/${groupText}#g-${glossInGroup}`);
      expect(text).toContain(`${base}/t/${publicText}#g-${adaGloss}-r-${replyToAda}`);
      expect(text).toContain('bob (@bob) in Circle notes');
      expect(text).toContain('cy (@cy) replied in Open notes');
      expect(text).toContain('zzcyreplyqx');
      expect(text).toContain('zzcypublicqx');
      // Her unread notifications: cy's reply to her.
      expect(text).toMatch(/You have 1 unread notification on Daf\./);
      // Not her own posts, not a text she does not follow.
      for (const words of [wordsOf(mail)]) {
        expect(words).not.toContain('zzadaownqx');
        expect(words).not.toContain('zzadaowntwoqx');
        expect(words).not.toContain('zzunfollowedqx');
        expect(words).not.toContain('Unfollowed');
      }
    });

    it('sends an HTML part with the same posts, escaped, and links', () => {
      const html = partOf(mail, 'text/html');
      expect(html).toContain(`<a href="${base}/t/${groupText}">Avot &lt;of the circle&gt;</a>`);
      expect(html).toContain(`href="${base}/t/${groupText}#g-${glossInGroup}"`);
      expect(html).toContain(`href="${base}/t/${publicText}#g-${adaGloss}-r-${replyToAda}"`);
      // The post's words as text, never as markup.
      expect(html).toContain('&lt;b&gt;zzbobgroupqx&lt;/b&gt;');
      expect(html).not.toContain('<b>zzbobgroupqx');
    });

    it('carries one-click unsubscribe headers (RFC 8058) and the same link in its words', () => {
      const header = headerOf(mail, 'List-Unsubscribe');
      expect(header).toMatch(/^<http:\/\/daf\.test\/api\/unsubscribe\/[A-Za-z0-9_-]{43}>$/);
      expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const token = linkIn(mail, 'api/unsubscribe');
      expect(header).toBe(`<${base}/api/unsubscribe/${token}>`);
      expect(partOf(mail, 'text/html')).toContain(`${base}/api/unsubscribe/${token}`);
    });

    it('shows the choice on the account, and whether mail is on', async () => {
      expect((await ada.get('/api/me')).body).toMatchObject({ email: 'ada@example.org', emailVerified: true, digest: 'daily', mail: true });
      expect((await bob.get('/api/me')).body).toMatchObject({ email: null, digest: 'off', mail: true });
    });
  });

  it('keeps its schedule: once a day, or once a week, on the app’s clock; nothing new, no mail, but the look counts', async () => {
    const dan = await reader('dan');
    const wes = await reader('wes', 'weekly');
    const eve = await t.signup('eve');
    const slug = await createText(eve, { title: 'Schedule', content: 'Morning and evening, day after day.' });
    const layer = await createLayer(eve, slug, { name: 'Log', writePolicy: 'signed_in' });
    await writeGloss(dan, slug, layer, { exact: 'Morning' }, 'Dan follows this text.');
    await writeGloss(wes, slug, layer, { exact: 'evening' }, 'Wes follows it too.');
    await writeGloss(eve, slug, layer, { exact: 'day after day' }, 'First: zzfirstqx');

    // The first digest covers the last day (or week), and goes at the first look.
    let sent = await send();
    expect(wordsOf(sent.get('dan@example.org')!)).toContain('zzfirstqx');
    expect(wordsOf(sent.get('wes@example.org')!)).toContain('zzfirstqx');
    // Looked again at once: nothing is due.
    expect((await send()).size).toBe(0);

    ahead += hour;
    await writeGloss(eve, slug, layer, { exact: 'Morning and' }, 'Second: zzsecondqx');
    ahead += 22 * hour;
    expect((await send()).size).toBe(0);
    ahead += hour + 60_000;
    sent = await send();
    expect([...sent.keys()]).not.toContain('wes@example.org');
    const second = wordsOf(sent.get('dan@example.org')!);
    expect(second).toContain('zzsecondqx');
    expect(second).not.toContain('zzfirstqx');

    // A day with nothing new: no mail, and the look is recorded.
    ahead += 25 * hour;
    expect((await send()).has('dan@example.org')).toBe(false);
    const row = await t.database.db.selectFrom('user').select('digest_checked_at').where('handle', '=', 'dan').executeTakeFirstOrThrow();
    expect(Date.parse(row.digest_checked_at!)).toBeGreaterThan(Date.now() + ahead - hour);

    // A week after the first, the weekly digest has both.
    ahead += 5 * 24 * hour;
    await writeGloss(eve, slug, layer, { exact: 'after day' }, 'Third: zzthirdqx');
    sent = await send();
    const weekly = wordsOf(sent.get('wes@example.org')!);
    expect(weekly).toContain('zzsecondqx');
    expect(weekly).toContain('zzthirdqx');
    expect(weekly).not.toContain('zzfirstqx');
    expect(headerOf(sent.get('wes@example.org')!, 'Subject')).toMatch(/^Your weekly Daf digest: 2 new posts in “Schedule”$/);

    // `all` (the command line's --now) sends whatever is on and has something new, schedule or not.
    await writeGloss(eve, slug, layer, { exact: 'day,' }, 'Fourth: zzfourthqx');
    expect((await send()).size).toBe(0);
    sent = await send(true);
    expect(wordsOf(sent.get('dan@example.org')!)).toContain('zzfourthqx');
    expect(wordsOf(sent.get('wes@example.org')!)).toContain('zzfourthqx');
    ahead = 0;
  });

  it('unsubscribes in one click: a POST with the link alone, from anywhere; a GET only explains', async () => {
    const fay = await reader('fay');
    const gus = await t.signup('gus');
    const slug = await createText(fay, { title: 'Unsubscribing', content: 'Enough is enough.' });
    const layer = await createLayer(fay, slug, { name: 'Talk', writePolicy: 'signed_in' });
    await writeGloss(fay, slug, layer, { exact: 'Enough' }, 'Mine.');
    await writeGloss(gus, slug, layer, { exact: 'is enough' }, 'Gus writes.');
    const mail = (await send(true)).get('fay@example.org')!;
    const token = linkIn(mail, 'api/unsubscribe');
    // Only the hash of the secret is kept.
    const rows = await t.database.db.selectFrom('unsubscribe_link').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    // Opening the link (or a prefetcher fetching it) changes nothing, and offers the button.
    const page = await t.visitor().get(`/api/unsubscribe/${token}`, { accept: 'text/html,application/xhtml+xml' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('<form method="post">');
    expect(page.text).toContain('@fay');
    expect((await t.visitor().get(`/api/unsubscribe/${token}`)).body).toEqual({ handle: 'fay', digest: 'daily', post: expect.any(String) });
    expect((await fay.get('/api/me')).body.digest).toBe('daily');

    // A mail program's POST: no cookie, no Origin, the RFC's form body.
    const mailer = t.visitor();
    mailer.origin = null;
    const done = await mailer.post(`/api/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toEqual({ handle: 'fay', digest: 'off' });
    expect((await fay.get('/api/me')).body.digest).toBe('off');
    // Used: the link, and the person's every other link, are gone.
    expectError(await mailer.post(`/api/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' }), 422, 'invalid_link');
    expectError(await t.visitor().get(`/api/unsubscribe/${token}`), 404, 'not_found');
    expect((await t.visitor().get(`/api/unsubscribe/${token}`, { accept: 'text/html' })).status).toBe(404);
    const fayId = (await t.database.db.selectFrom('user').select('id').where('handle', '=', 'fay').executeTakeFirstOrThrow()).id;
    expect(await t.database.db.selectFrom('unsubscribe_link').selectAll().where('user_id', '=', fayId).execute()).toEqual([]);

    // Posted with the person's own cookie from another site, it still works, and acts through the link alone.
    expect((await fay.patch('/api/me', { digest: 'daily' })).status).toBe(200);
    await writeGloss(gus, slug, layer, { exact: 'Enough is' }, 'Gus again.');
    const again = linkIn((await send(true)).get('fay@example.org')!, 'api/unsubscribe');
    const crossSite = await fay.post(`/api/unsubscribe/${again}`, 'List-Unsubscribe=One-Click', { origin: 'https://mail.example', 'content-type': 'application/x-www-form-urlencoded' });
    expect(crossSite.status).toBe(200);
    // The exemption is this door's alone: any other write with that cookie from that site is refused.
    expectError(await fay.patch('/api/me', { digest: 'daily' }, { origin: 'https://mail.example' }), 403, 'cross_site');
    expectError(await fay.post('/api/notifications/read', { all: true }, { origin: 'https://mail.example' }), 403, 'cross_site');
    expect((await fay.get('/api/me')).body.digest).toBe('off');

    // The page's own button: a browser posting the form gets a page back.
    expect((await fay.patch('/api/me', { digest: 'weekly' })).status).toBe(200);
    await writeGloss(gus, slug, layer, { exact: 'enough.' }, 'Gus a third time.');
    const third = linkIn((await send(true)).get('fay@example.org')!, 'api/unsubscribe');
    const browser = await t.visitor().post(`/api/unsubscribe/${third}`, 'List-Unsubscribe=One-Click', { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' });
    expect(browser.status).toBe(200);
    expect(browser.text).toContain('no more digests');
    expect((await fay.get('/api/me')).body.digest).toBe('off');
    expectError(await t.visitor().get('/api/unsubscribe/not-a-link'), 404, 'not_found');
    expectError(await t.visitor().post('/api/unsubscribe/not-a-link'), 422, 'invalid_link');
  });

  it('sends nothing to an address that is not confirmed, and refuses digests without one', async () => {
    const hal = await t.signup('hal');
    const ivy = await t.signup('ivy');
    expectError(await hal.patch('/api/me', { digest: 'daily' }), 409, 'email_unconfirmed');
    expect((await hal.patch('/api/me', { email: 'hal@example.org' })).body.emailVerified).toBe(false);
    expectError(await hal.patch('/api/me', { digest: 'daily' }), 409, 'email_unconfirmed');
    // Turning digests on with a new address in the same request: not confirmed either, and nothing changes.
    const jo = await reader('jo', 'off');
    const inbox = smtp.inbox.length;
    expectError(await jo.patch('/api/me', { email: 'jo@new.example', digest: 'daily' }), 409, 'email_unconfirmed');
    expect(smtp.inbox.length).toBe(inbox);
    expect((await jo.patch('/api/me', { email: 'JO@example.org', digest: 'weekly' })).body).toMatchObject({ email: 'jo@example.org', digest: 'weekly' });

    // Even with the choice stored behind the API's back, the unconfirmed address gets nothing.
    await t.database.db.updateTable('user').set({ digest: 'daily' }).where('handle', '=', 'hal').execute();
    const slug = await createText(hal, { title: 'Unconfirmed', content: 'Words to gloss.' });
    const layer = await createLayer(hal, slug, { name: 'Notes', writePolicy: 'signed_in' });
    await writeGloss(hal, slug, layer, { exact: 'Words' }, 'Hal writes.');
    await writeGloss(ivy, slug, layer, { exact: 'to gloss' }, 'Ivy writes.');
    expect([...(await send(true)).keys()]).not.toContain('hal@example.org');

    // A confirmed address changed for a new one: digests wait until it is confirmed.
    const kim = await reader('kim');
    await writeGloss(kim, slug, layer, { exact: 'gloss.' }, 'Kim follows.');
    await writeGloss(ivy, slug, layer, { exact: 'Words to' }, 'Ivy again.');
    expect((await kim.patch('/api/me', { email: 'kim@elsewhere.example' })).body).toMatchObject({ emailVerified: false, digest: 'daily' });
    expect([...(await send(true)).keys()]).not.toContain('kim@elsewhere.example');
    // Removing the address turns digests off.
    expect((await kim.patch('/api/me', { email: null })).body).toMatchObject({ email: null, digest: 'off' });
  });

  describe('never what its reader may not read when it is sent', () => {
    let lea: TestClient;
    let max: TestClient;
    let mail: Received;

    beforeAll(async () => {
      lea = await reader('lea');
      max = await t.signup('max');
      const own = await t.signup('ned');
      expect((await own.post('/api/groups', { slug: 'leaky', name: 'Leaky', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
      expect((await own.post('/api/groups', { slug: 'left', name: 'Left zzleftgroupqx', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
      for (const c of [lea, max]) {
        expect((await c.post('/api/groups/leaky/join')).status).toBe(200);
        expect((await c.post('/api/groups/left/join')).status).toBe(200);
      }
      const text = await createText(own, { title: 'Leaky text', content: 'Alpha beta gamma delta epsilon zeta.', group: 'leaky', visibility: 'group' });
      const layer = async (slug: string, name: string) => {
        const res = await own.post(`/api/texts/${text}/layers`, { name, slug, group: 'leaky', visibility: 'group', writePolicy: 'members', replyPolicy: 'members' });
        expect(res.status, res.text).toBe(201);
        return slug;
      };
      const kept = await layer('kept', 'Kept');
      const closing = await layer('closing', 'Closing zzclosinglayerqx');
      // A control that stays readable, so the digest goes.
      const control = await writeGloss(max, text, kept, { exact: 'Alpha' }, 'Control: zzcontrolqx');
      // Hidden by a moderator before the digest.
      const hidden = await writeGloss(max, text, kept, { exact: 'beta' }, 'Hidden gloss: zzhiddenqx');
      expect((await own.post(`/api/glosses/${hidden.id}/hide`, { reason: 'Off topic' })).status).toBe(200);
      const hiddenReply = await reply(max, control.id, 'Hidden reply: zzhiddenreplyqx');
      expect((await own.post(`/api/replies/${hiddenReply.id}/hide`, { reason: 'Off topic' })).status).toBe(200);
      // A layer made private (a notebook: each member sees only their own) before the digest.
      await writeGloss(max, text, closing, { exact: 'gamma' }, 'In a closing layer: zzclosedqx');
      expect((await own.patch(`/api/texts/${text}/layers/closing`, { visibility: 'private' })).status).toBe(200);
      // A group lea leaves before the digest.
      const leftText = await createText(own, { title: 'Left text zzlefttextqx', content: 'Only members read this.', group: 'left', visibility: 'group' });
      const leftLayer = await own.post(`/api/texts/${leftText}/layers`, { name: 'Members', slug: 'members', group: 'left', visibility: 'group', writePolicy: 'members' });
      expect(leftLayer.status).toBe(201);
      // She wrote there, so she follows the text itself, whatever her groups: only the reading rules keep it out.
      await writeGloss(lea, leftText, 'members', { exact: 'read this' }, 'Lea was here.');
      await writeGloss(max, leftText, 'members', { exact: 'Only members' }, 'For members: zzmembersonlyqx');
      expect((await lea.post('/api/groups/left/leave')).status).toBe(204);
      // A post deleted before the digest.
      const gone = await writeGloss(max, text, kept, { exact: 'delta' }, 'Deleted: zzdeletedqx');
      expect((await max.delete(`/api/glosses/${gone.id}`)).status).toBe(200);

      mail = (await send(true)).get('lea@example.org')!;
      expect(mail).toBeDefined();
    });

    it('lists what she may read, and counts only that', () => {
      const words = wordsOf(mail);
      expect(words).toContain('zzcontrolqx');
      expect(partOf(mail, 'text/plain')).toContain('Leaky text — 1 gloss\n');
      expect(headerOf(mail, 'Subject')).toMatch(/1 new post in/);
    });

    for (const [what, marker] of [
      ['a gloss hidden', 'zzhiddenqx'],
      ['a reply hidden', 'zzhiddenreplyqx'],
      ['a layer made private', 'zzclosedqx'],
      ['the name of that layer', 'zzclosinglayerqx'],
      ['a group she left', 'zzmembersonlyqx'],
      ['the text of that group', 'zzlefttextqx'],
      ['that group', 'zzleftgroupqx'],
      ['a post deleted', 'zzdeletedqx'],
    ]) {
      it(`leaves out ${what}`, () => {
        expect(mail.raw).not.toContain(marker);
        expect(wordsOf(mail)).not.toContain(marker);
      });
    }
  });

  it('logs an address that fails and goes on with the others; it stays due', async () => {
    const logged: string[] = [];
    let refuse = 'nobody';
    const real = smtp.mailer();
    await t.reopen({
      options: {
        mailer: { send: (m) => (m.to === refuse ? Promise.reject(new Error(`refused ${m.to}`)) : real.send(m)) },
        log: (line) => logged.push(line),
      },
    });
    const oli = await reader('oli');
    const pia = await reader('pia');
    const quin = await t.signup('quin');
    const slug = await createText(quin, { title: 'Failing', content: 'One fails, the other gets it.' });
    const layer = await createLayer(quin, slug, { name: 'Notes', writePolicy: 'signed_in' });
    await writeGloss(oli, slug, layer, { exact: 'One fails' }, 'Oli follows.');
    await writeGloss(pia, slug, layer, { exact: 'the other' }, 'Pia follows.');
    await writeGloss(quin, slug, layer, { exact: 'gets it' }, 'News: zznewsqx');
    refuse = 'oli@example.org';
    const before = smtp.inbox.length;
    const run = await sendDigests(t.ctx, base);
    expect(run).toEqual({ checked: 2, sent: 1, failed: 1 });
    expect(smtp.inbox.slice(before).map((m) => m.to)).toEqual([['pia@example.org']]);
    expect(logged.some((l) => l.includes('@oli') && l.includes('refused oli@example.org'))).toBe(true);
    // Oli's digest is due still, and its link was not kept.
    refuse = 'nobody';
    const retry = await sendDigests(t.ctx, base);
    expect(retry).toEqual({ checked: 1, sent: 1, failed: 0 });
    expect(partOf(smtp.inbox.at(-1)!, 'text/plain')).toContain('zznewsqx');
    expect(await t.database.db.selectFrom('unsubscribe_link').select('user_id').execute()).toHaveLength(2);
    await t.reopen();
  });
});

describe('e-mail digests without mail', () => {
  const t = useTestApp({ options: { mailer: logMailer(() => {}) } });

  it('says mail is off, refuses digests, and sends none', async () => {
    const rae = await t.signup('rae');
    expect((await rae.get('/api/me')).body).toMatchObject({ digest: 'off', mail: false });
    expectError(await rae.patch('/api/me', { digest: 'weekly' }), 409, 'mail_off');
    expect((await rae.patch('/api/me', { digest: 'off' })).body.digest).toBe('off');
    await expect(sendDigests(t.ctx, base)).rejects.toMatchObject({ code: 'mail_off' });
  });
});

describe('e-mail digests from a running server', () => {
  const smtp = useMailServer();
  // Read when a mail goes, inside the test: the fixture is open by then.
  const server = useServer({ demo: false, mailer: { send: (mail) => smtp.mailer().send(mail) }, digestCheckMs: 50 });

  /** One request to the server as `cookie`'s holder, from its own origin; returns the answer and any new session cookie. */
  async function call(cookie: string, method: string, path: string, body?: unknown) {
    const res = await fetch(server.url + path, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return { json: await res.json(), cookie: res.headers.get('set-cookie')?.split(';')[0] ?? cookie };
  }

  it('looks on a timer for the digests that are due, and sends them', async () => {
    const ada = (await call('', 'POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' })).cookie;
    const bob = (await call('', 'POST', '/api/auth/signup', { handle: 'bob', password: 'correct horse battery' })).cookie;
    const slug = (await call(bob, 'POST', '/api/texts', { title: 'Served', content: 'A timer looks every so often.', format: 'markdown', language: 'en' })).json.slug;
    await call(bob, 'POST', `/api/texts/${slug}/layers`, { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'signed_in' });
    await call(ada, 'POST', `/api/texts/${slug}/layers/notes/glosses`, { target: { exact: 'A timer' }, body: { markdown: 'Ada follows.' } });
    await call(bob, 'POST', `/api/texts/${slug}/layers/notes/glosses`, { target: { exact: 'every so often' }, body: { markdown: 'Bob: zzservedqx' } });
    await server.database.db.updateTable('user').set({ email: 'ada@example.org', email_verified_at: new Date().toISOString() }).where('handle', '=', 'ada').execute();
    await call(ada, 'PATCH', '/api/me', { digest: 'daily' });
    await expect.poll(() => smtp.inbox.length, { timeout: 5000 }).toBe(1);
    expect(smtp.inbox[0].to).toEqual(['ada@example.org']);
    expect(partOf(smtp.inbox[0], 'text/plain')).toContain('zzservedqx');
    // Not again at the next looks: it is not due for a day.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.inbox).toHaveLength(1);
  });
});
