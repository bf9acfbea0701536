/**
 * Notifications (docs/notifications.md): who is told of a reply, a comment, a mention, a post
 * waiting for moderation and a moderator's decision; and above all who is not — nobody of their
 * own act, nobody of a post they may not read, when it is written or when their list is read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, createText, useTestApp, writeGloss, type TestClient } from '../helpers/test-app.ts';

interface Notification {
  id: number;
  kind: string;
  read: boolean;
  actor: { handle: string; displayName: string } | null;
  text: { slug: string; title: string };
  gloss: number;
  reply: number | null;
  excerpt: string;
  note: string | null;
  url: string;
}

const list = async (client: TestClient, query = '') => {
  const res = await client.get(`/api/notifications${query}`);
  expect(res.status).toBe(200);
  return res.body as { unread: number; notifications: Notification[]; next: number | null };
};
const kinds = async (client: TestClient) => (await list(client)).notifications.map((n) => `${n.kind}:${n.actor?.handle ?? '-'}`);
const reply = async (client: TestClient, gloss: number, markdown: string, parent?: number) => {
  const res = await client.post(`/api/glosses/${gloss}/replies`, { body: { markdown }, ...(parent === undefined ? {} : { parent }) });
  expect(res.status).toBe(201);
  return res.body as { id: number; status: string };
};

describe('notifications', () => {
  const t = useTestApp();
  let ada: TestClient;
  let bob: TestClient;
  let cy: TestClient;
  let text: string;
  let open: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    bob = await t.signup('bob');
    cy = await t.signup('cy');
    text = await createText(ada, { title: 'Ethics of the Fathers', content: 'Who is wise? One who learns from every person.\n\nWho is strong? One who masters himself.' });
    open = await createLayer(ada, text, { name: 'Open', writePolicy: 'signed_in' });
  });

  it('tells a gloss’s author of a reply to it, with who, where, what and a link; the writer is told nothing', async () => {
    const gloss = await writeGloss(ada, text, open, { exact: 'Who is wise?' }, 'A question about wisdom.');
    const before = (await list(ada)).unread;
    const r = await reply(bob, gloss.id, 'Wisdom   begins\nwith listening.');
    const mine = await list(ada);
    expect(mine.unread).toBe(before + 1);
    expect(mine.notifications[0]).toMatchObject({
      kind: 'reply',
      read: false,
      actor: { handle: 'bob', displayName: 'bob' },
      text: { slug: text, title: 'Ethics of the Fathers' },
      gloss: gloss.id,
      reply: r.id,
      excerpt: 'Wisdom begins with listening.',
      note: null,
      url: `http://daf.test/t/${text}#g-${gloss.id}-r-${r.id}`,
    });
    expect(await kinds(bob)).toEqual([]);
  });

  it('tells the author of the reply answered, not the gloss’s author again', async () => {
    const gloss = await writeGloss(ada, text, open, { exact: 'Who is strong?' }, 'On strength.');
    const first = await reply(bob, gloss.id, 'Strength is restraint.');
    const adaBefore = (await list(ada)).notifications.length;
    await reply(cy, gloss.id, 'Restraint of what?', first.id);
    expect((await list(bob)).notifications[0]).toMatchObject({ kind: 'reply', actor: { handle: 'cy' }, reply: expect.any(Number) });
    expect((await list(ada)).notifications.length).toBe(adaBefore);
  });

  it('tells a gloss’s author of a gloss written on it', async () => {
    const gloss = await writeGloss(bob, text, open, { exact: 'masters himself' }, 'Mastery is a daily practice.');
    const comment = await writeGloss(cy, text, open, { gloss: gloss.id, exact: 'daily practice' }, 'Daily, not once.');
    expect((await list(bob)).notifications[0]).toMatchObject({ kind: 'comment', actor: { handle: 'cy' }, gloss: comment.id, reply: null });
  });

  it('tells the people a post mentions, once each; not an e-mail address, an unknown handle or the writer', async () => {
    const dee = await t.signup('dee');
    const before = (await list(ada)).notifications.length;
    await writeGloss(bob, text, open, { exact: 'every person' }, 'As @Dee said, and @dee again; mail dee@example.org, ask @nobody_here, or @bob himself. Also @ada.');
    expect(await kinds(dee)).toEqual(['mention:bob']);
    expect((await list(ada)).notifications.length).toBe(before + 1);
    expect((await list(ada)).notifications[0].kind).toBe('mention');
  });

  it('tells a person answered and mentioned in one post once, as the answer', async () => {
    const gloss = await writeGloss(cy, text, open, { exact: 'One who learns' }, 'Learning from everyone?');
    const before = (await list(cy)).notifications.length;
    await reply(bob, gloss.id, 'Yes, @cy, from everyone.');
    const after = await list(cy);
    expect(after.notifications.length).toBe(before + 1);
    expect(after.notifications[0].kind).toBe('reply');
  });

  it('marks some or all read, only one’s own, and lists unread ones alone on request', async () => {
    const eve = await t.signup('eve');
    const gloss = await writeGloss(eve, text, open, { exact: 'Who is wise?' }, 'Eve asks.');
    for (const words of ['one', 'two', 'three']) await reply(bob, gloss.id, words);
    const all = await list(eve);
    expect(all.unread).toBe(3);
    const [newest, , oldest] = all.notifications;
    // Someone else's ids change nothing.
    expect((await bob.post('/api/notifications/read', { ids: [newest.id] })).body).toMatchObject({ marked: 0 });
    expect((await eve.post('/api/notifications/read', { ids: [newest.id, oldest.id] })).body).toEqual({ marked: 2, unread: 1 });
    const unread = await list(eve, '?unread=1');
    expect(unread.notifications.map((n) => n.excerpt)).toEqual(['two']);
    expect((await list(eve)).notifications.map((n) => n.read)).toEqual([true, false, true]);
    expect((await eve.post('/api/notifications/read', { all: true })).body).toEqual({ marked: 1, unread: 0 });
  });

  it('pages newest first with next as the cursor', async () => {
    const fay = await t.signup('fay');
    const gloss = await writeGloss(fay, text, open, { exact: 'One who masters' }, 'Fay.');
    for (let i = 1; i <= 5; i++) await reply(bob, gloss.id, `Reply ${i}`);
    const first = await list(fay, '?limit=2');
    expect(first.notifications.map((n) => n.excerpt)).toEqual(['Reply 5', 'Reply 4']);
    const second = await list(fay, `?limit=2&before=${first.next}`);
    expect(second.notifications.map((n) => n.excerpt)).toEqual(['Reply 3', 'Reply 2']);
    const third = await list(fay, `?limit=2&before=${second.next}`);
    expect(third.notifications.map((n) => n.excerpt)).toEqual(['Reply 1']);
    expect(third.next).toBeNull();
  });

  it('refuses visitors and bad input in the JSON error shape', async () => {
    expectError(await t.visitor().get('/api/notifications'), 401, 'unauthenticated');
    expectError(await t.visitor().post('/api/notifications/read', { all: true }), 401, 'unauthenticated');
    expectError(await ada.get('/api/notifications?unread=yes'), 400, 'invalid_request');
    expectError(await ada.get('/api/notifications?limit=0'), 400, 'invalid_request');
    expectError(await ada.get('/api/notifications?before=x'), 400, 'invalid_request');
    expectError(await ada.post('/api/notifications/read', {}), 400, 'invalid_request');
    expectError(await ada.post('/api/notifications/read', { ids: [] }), 400, 'invalid_request');
    expectError(await ada.post('/api/notifications/read', { all: false }), 400, 'invalid_request');
    expectError(await ada.post('/api/notifications/read', { ids: ['1'] }), 400, 'invalid_request');
  });

  it('cuts a long post’s excerpt at a word, with an ellipsis', async () => {
    const gus = await t.signup('gus');
    const gloss = await writeGloss(gus, text, open, { exact: 'Who is strong?' }, 'Gus.');
    await reply(bob, gloss.id, 'word '.repeat(100));
    const [n] = (await list(gus)).notifications;
    expect(n.excerpt.endsWith('word…')).toBe(true);
    expect(n.excerpt.length).toBeLessThanOrEqual(141);
  });
});

describe('notifications never tell of what the recipient may not read', () => {
  const t = useTestApp();
  let owner: TestClient;
  let member: TestClient;
  let outsider: TestClient;
  let text: string;

  beforeAll(async () => {
    owner = await t.signup('olga');
    member = await t.signup('mo');
    outsider = await t.signup('otto');
    expect((await owner.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'private', joinPolicy: 'invite' })).status).toBe(201);
    const invite = await owner.post('/api/groups/circle/invitations', {});
    expect((await member.post(`/api/invitations/${invite.body.token}/accept`)).status).toBe(200);
    text = await createText(owner, { title: 'Light', content: 'Let there be light. And there was light.' });
  });

  it('a mention in one’s own private layer tells nobody (the mentioned cannot read it)', async () => {
    const notes = await createLayer(owner, text, { name: 'Mine', visibility: 'private' });
    await writeGloss(owner, text, notes, { exact: 'Let there be light.' }, 'Ask @mo and @otto about this.');
    expect(await kinds(member)).toEqual([]);
    expect(await kinds(outsider)).toEqual([]);
  });

  it('a mention in a group layer tells the member, not the outsider', async () => {
    const layer = await owner.post(`/api/texts/${text}/layers`, { name: 'Ours', slug: 'ours', group: 'circle', visibility: 'group', writePolicy: 'members' });
    expect(layer.status).toBe(201);
    await writeGloss(owner, text, 'ours', { exact: 'And there was light.' }, 'For @mo and @otto.');
    expect(await kinds(member)).toEqual(['mention:olga']);
    expect(await kinds(outsider)).toEqual([]);
  });

  it('a member removed from the group no longer sees what they were told of there', async () => {
    const extra = await t.signup('ria');
    const invite = await owner.post('/api/groups/circle/invitations', {});
    await extra.post(`/api/invitations/${invite.body.token}/accept`);
    const gloss = await writeGloss(extra, text, 'ours', { exact: 'Let there be light.' }, 'Ria’s note.');
    await reply(owner, gloss.id, 'Olga answers @ria.');
    expect((await list(extra)).unread).toBe(1);
    expect((await owner.delete('/api/groups/circle/members/ria')).status).toBe(204);
    const after = await list(extra);
    expect(after).toEqual({ unread: 0, notifications: [], next: null });
  });

  it('tells a writer, before they post, who they name would not be told', async () => {
    const reach = (client: TestClient, layer: string, handles: string) => client.get(`/api/texts/${text}/layers/${layer}/mentions?handles=${handles}`);
    // In the group's layer: the member would be told, the outsider not, a stranger is unknown, oneself is left out.
    expect((await reach(owner, 'ours', '@mo,otto,nobody-here,olga')).body).toEqual({ reach: ['mo'], unreached: ['otto'], unknown: ['nobody-here'] });
    // Nobody may ask about a layer they cannot read: the same 404 as no layer.
    expectError(await reach(outsider, 'ours', 'mo'), 404, 'not_found');
    expectError(await t.visitor().get(`/api/texts/${text}/layers/ours/mentions?handles=mo`), 401, 'unauthenticated');
    expectError(await reach(owner, 'ours', ''), 400, 'invalid_request');
    expectError(await reach(owner, 'ours', 'not a handle'), 400, 'invalid_request');
    expectError(await reach(owner, 'ours', Array.from({ length: 21 }, (_, i) => `h${i}x`).join(',')), 400, 'invalid_request');
  });

  it('a post hidden later drops out of the list and the count of those it mentions', async () => {
    const gloss = await writeGloss(owner, text, 'ours', { exact: 'there was light' }, 'Again @mo.');
    const before = await list(member);
    expect(before.notifications[0]).toMatchObject({ kind: 'mention', gloss: gloss.id });
    // The owner moderates: hiding needs a reason.
    expect((await owner.post(`/api/glosses/${gloss.id}/hide`, { reason: 'Off topic' })).status).toBe(200);
    const after = await list(member);
    expect(after.notifications.map((n) => n.gloss)).not.toContain(gloss.id);
    expect(after.unread).toBe(before.unread - 1);
  });

  it('a layer made private later hides what was told of in it from those who may no longer read it', async () => {
    const own = await createText(outsider, { title: 'Otto’s text', content: 'Alpha beta gamma delta.' });
    const layer = await createLayer(outsider, own, { name: 'Public notes', writePolicy: 'signed_in' });
    const gloss = await writeGloss(outsider, own, layer, { exact: 'Alpha beta' }, 'Otto.');
    await reply(member, gloss.id, 'Mo asks @otto and tells @olga.');
    expect(await kinds(owner)).toContain('mention:mo');
    expect((await outsider.patch(`/api/texts/${own}/layers/${layer}`, { visibility: 'private' })).status).toBe(200);
    expect((await list(owner)).notifications.map((n) => n.text.slug)).not.toContain(own);
    expect((await list(outsider)).notifications.map((n) => n.text.slug)).toContain(own);
  });
});

describe('moderation notifications', () => {
  const t = useTestApp();
  let owner: TestClient;
  let mod: TestClient;
  let newcomer: TestClient;
  let friend: TestClient;
  let text: string;

  beforeAll(async () => {
    owner = await t.signup('paula');
    mod = await t.signup('mira');
    newcomer = await t.signup('nell');
    friend = await t.signup('fred');
    expect((await owner.post('/api/groups', { slug: 'held', name: 'Held', visibility: 'public', joinPolicy: 'open', premoderation: true, trustAfter: 5 })).status).toBe(201);
    for (const c of [mod, newcomer, friend]) expect((await c.post('/api/groups/held/join')).status).toBe(200);
    expect((await owner.patch('/api/groups/held/members/mira', { role: 'moderator' })).status).toBe(200);
    text = await createText(owner, { title: 'Held text', content: 'First words here. Second words there.', group: 'held', visibility: 'public' });
    expect((await owner.post(`/api/texts/${text}/layers`, { name: 'Talk', slug: 'talk', group: 'held', visibility: 'public', writePolicy: 'members' })).status).toBe(201);
  });

  it('a held post tells the moderators it waits, and nobody it mentions until it is approved', async () => {
    const gloss = await writeGloss(newcomer, text, 'talk', { exact: 'First words here.' }, 'Hello @fred.');
    expect(gloss.status).toBe('pending');
    expect(await kinds(owner)).toEqual(['pending:nell']);
    expect(await kinds(mod)).toEqual(['pending:nell']);
    expect(await kinds(friend)).toEqual([]);

    expect((await mod.post(`/api/glosses/${gloss.id}/approve`, {})).status).toBe(200);
    expect(await kinds(newcomer)).toEqual(['approved:mira']);
    expect(await kinds(friend)).toEqual(['mention:nell']);
    // Nothing waits any more: the moderators' notice of it is read.
    expect((await list(owner)).notifications[0]).toMatchObject({ kind: 'pending', read: true });
    expect((await list(mod)).unread).toBe(0);
  });

  it('a hidden post tells its author why', async () => {
    const gloss = await writeGloss(newcomer, text, 'talk', { exact: 'Second words there.' }, 'Shouting.');
    expect((await owner.post(`/api/glosses/${gloss.id}/hide`, { reason: 'Please keep it civil' })).status).toBe(200);
    expect((await list(newcomer)).notifications[0]).toMatchObject({ kind: 'hidden', actor: { handle: 'paula' }, note: 'Please keep it civil', gloss: gloss.id });
  });

  it('an account deleted takes what it was told and what others were told of its doing', async () => {
    const gloss = await writeGloss(friend, text, 'talk', { exact: 'Second words' }, 'Fred, soon gone, asks @paula.');
    // Fred is not trusted yet: held, so the moderators are told.
    expect(gloss.status).toBe('pending');
    expect((await list(mod)).notifications.some((n) => n.gloss === gloss.id)).toBe(true);
    expect((await friend.delete('/api/me', { 'content-type': 'application/json' })).status).toBe(400);
    const res = await friend.request('DELETE', '/api/me', { password: 'correct horse battery' });
    expect(res.status).toBe(200);
    expect((await list(mod)).notifications.some((n) => n.actor?.handle === 'fred')).toBe(false);
  });
});

describe('personal invitations', () => {
  const t = useTestApp();
  let owner: TestClient;
  let guest: TestClient;
  let other: TestClient;

  beforeAll(async () => {
    owner = await t.signup('hana');
    guest = await t.signup('ilan');
    other = await t.signup('jo');
    expect((await owner.post('/api/groups', { slug: 'quiet', name: 'Quiet room', visibility: 'private', joinPolicy: 'invite' })).status).toBe(201);
  });

  it('tells the person invited, whose link only they may use, and drops the notice once it is used', async () => {
    const made = await owner.post('/api/groups/quiet/invitations', { handle: 'Ilan' });
    expect(made.status).toBe(201);
    expect(made.body.maxUses).toBe(1);
    const [n] = (await list(guest)).notifications;
    expect(n).toMatchObject({ kind: 'invited', actor: { handle: 'hana' }, text: null, gloss: null, reply: null, group: { slug: 'quiet', name: 'Quiet room' }, url: made.body.url });
    expect(await kinds(other)).toEqual([]);
    // Someone else holding the link cannot use it.
    const token = made.body.token as string;
    expectError(await other.post(`/api/invitations/${token}/accept`), 403, 'invitation_not_yours');
    expect((await guest.post(`/api/invitations/${token}/accept`)).body).toMatchObject({ group: 'quiet', state: 'active' });
    expect(await list(guest)).toEqual({ unread: 0, notifications: [], next: null });
  });

  it('drops the notice of a revoked invitation, and refuses a stranger, a member or a banned person', async () => {
    const made = await owner.post('/api/groups/quiet/invitations', { handle: 'jo' });
    expect((await list(other)).unread).toBe(1);
    expect((await owner.delete(`/api/groups/quiet/invitations/${made.body.id}`)).status).toBe(204);
    expect((await list(other)).unread).toBe(0);
    expectError(await owner.post('/api/groups/quiet/invitations', { handle: 'nobody-here' }), 422, 'unknown_person');
    expectError(await owner.post('/api/groups/quiet/invitations', { handle: 'ilan' }), 409, 'already_member');
    expectError(await owner.post('/api/groups/quiet/invitations', { handle: 'not a handle' }), 400, 'invalid_request');
    // Only its moderators may invite.
    expectError(await other.post('/api/groups/quiet/invitations', { handle: 'ilan' }), 404, 'not_found');
  });
});
