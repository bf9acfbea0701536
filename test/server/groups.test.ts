/**
 * Reading groups, feature by feature: creating and configuring groups, the three ways in (open,
 * by approval, by invitation), invitations and how they run out, roles and the rule that a
 * group keeps an owner, removing and banning, pre-moderation with trust, hiding and restoring,
 * flags and the moderation queue, and the layers a group owns (write and reply policies,
 * notebooks). The access matrix (access-matrix.test.ts) checks every door for every standing;
 * this file checks that each feature works.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { snapshot, snapshotDiff } from '../helpers/access-world.ts';
import { useTestApp, createText, type TestClient } from '../helpers/test-app.ts';

const content = 'The river runs to the sea. The mountain stands in the wind. The city sleeps under the stars.';

describe('reading groups', () => {
  const t = useTestApp();
  let ann: TestClient; // owner
  let moe: TestClient; // moderator
  let mel: TestClient; // member
  let out: TestClient; // outsider
  let text: string;

  beforeAll(async () => {
    [ann, moe, mel, out] = await Promise.all(['ann', 'moe', 'mel', 'out'].map((h) => t.signup(h)));
    text = await createText(ann, { title: 'River', slug: 'river', content });
  });

  /** Creates a group owned by ann with moe as moderator and mel as member. */
  async function circle(slug: string, settings: Record<string, unknown> = {}) {
    const res = await ann.post('/api/groups', { slug, name: slug, visibility: 'public', joinPolicy: 'open', ...settings });
    expect(res.status, res.text).toBe(201);
    const joinPolicy = settings.joinPolicy ?? 'open';
    for (const c of [moe, mel]) {
      if (joinPolicy === 'open') expect((await c.post(`/api/groups/${slug}/join`)).status).toBe(200);
      else {
        const inv = await ann.post(`/api/groups/${slug}/invitations`, {});
        expect((await c.post(`/api/invitations/${inv.body.token}/accept`)).status).toBe(200);
      }
    }
    expect((await ann.patch(`/api/groups/${slug}/members/moe`, { role: 'moderator' })).status).toBe(200);
    return slug;
  }
  const members = async (slug: string, who: TestClient = ann) =>
    ((await who.get(`/api/groups/${slug}/members`)).body.members as any[]).map((m) => `${m.handle}:${m.role}:${m.state}`).sort();
  const audit = async (slug: string) => ((await ann.get(`/api/groups/${slug}/audit`)).body.entries as any[]).map((e) => e.action);
  /** Runs a request that must be refused, and checks it changed nothing. */
  async function refused(req: () => Promise<any>, status: number, code: string) {
    const before = await snapshot(t);
    expectError(await req(), status, code);
    expect(snapshotDiff(before, await snapshot(t))).toEqual([]);
  }
  const gloss = async (who: TestClient, layer: string, exact = 'The river runs', md = 'A note.', extra: Record<string, unknown> = {}) => {
    const res = await who.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact, ...extra }, body: { markdown: md } });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  describe('groups themselves', () => {
    it('creates a group with its creator as owner, and refuses a taken slug', async () => {
      const res = await ann.post('/api/groups', { slug: 'study', name: 'Study', description: 'We read.', visibility: 'public', joinPolicy: 'open' });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/api/groups/study');
      expect(res.body).toMatchObject({ slug: 'study', name: 'Study', visibility: 'public', joinPolicy: 'open', premoderation: false, memberCount: 1, membership: { role: 'owner', state: 'active' } });
      await refused(() => moe.post('/api/groups', { slug: 'study', name: 'Again', visibility: 'public', joinPolicy: 'open' }), 409, 'slug_taken');
      await refused(() => t.visitor().post('/api/groups', { slug: 'nobody', name: 'Nobody', visibility: 'public', joinPolicy: 'open' }), 401, 'unauthenticated');
      await refused(() => ann.post('/api/groups', { slug: 'bad', name: 'Bad', visibility: 'secret', joinPolicy: 'open' }), 400, 'invalid_request');
      // /g/new is the page that starts a group: no group may take that address.
      await refused(() => ann.post('/api/groups', { slug: 'new', name: 'New', visibility: 'public', joinPolicy: 'open' }), 400, 'invalid_request');
    });

    it('lists public groups to everyone and private ones to their members only', async () => {
      await ann.post('/api/groups', { slug: 'hidden-study', name: 'Hidden', visibility: 'private', joinPolicy: 'invite' });
      const slugs = async (c: TestClient) => ((await c.get('/api/groups')).body.groups as any[]).map((g) => g.slug);
      expect(await slugs(ann)).toEqual(expect.arrayContaining(['study', 'hidden-study']));
      for (const c of [out, t.visitor()]) {
        expect(await slugs(c)).toContain('study');
        expect(await slugs(c)).not.toContain('hidden-study');
        expectError(await c.get('/api/groups/hidden-study'), 404, 'not_found');
      }
      const one = await out.get('/api/groups/study');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ slug: 'study', description: 'We read.', memberCount: 1, membership: null });
    });

    it('lets owners alone change the settings', async () => {
      const slug = await circle('settings');
      const res = await ann.patch(`/api/groups/${slug}`, { name: 'Renamed', premoderation: true, trustAfter: 2 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Renamed', premoderation: true, trustAfter: 2 });
      expect((await out.get(`/api/groups/${slug}`)).body.name).toBe('Renamed');
      expect(await audit(slug)).toContain('group.updated');
      for (const c of [moe, mel, out]) await refused(() => c.patch(`/api/groups/${slug}`, { name: 'Mine' }), 403, 'forbidden');
      await refused(() => t.visitor().patch(`/api/groups/${slug}`, { name: 'Mine' }), 401, 'unauthenticated');
      await refused(() => out.patch('/api/groups/hidden-study', { name: 'Mine' }), 404, 'not_found');
    });
  });

  describe('joining', () => {
    it('admits at once to an open group', async () => {
      await ann.post('/api/groups', { slug: 'open-door', name: 'Open', visibility: 'public', joinPolicy: 'open' });
      expect((await out.post('/api/groups/open-door/join')).body).toEqual({ state: 'active', role: 'member' });
      expect(await members('open-door')).toEqual(['ann:owner:active', 'out:member:active']);
      expect((await out.get('/api/groups/open-door')).body.membership).toEqual({ role: 'member', state: 'active' });
      expect((await out.post('/api/groups/open-door/leave')).status).toBe(204);
      expect(await members('open-door')).toEqual(['ann:owner:active']);
    });

    it('holds a request to an approval group until a moderator admits it', async () => {
      const slug = await circle('by-approval', { joinPolicy: 'approval' });
      expect((await out.post(`/api/groups/${slug}/join`)).body).toEqual({ state: 'pending', role: 'member' });
      expect(await members(slug)).toContain('out:member:pending');
      expect(await members(slug, mel)).not.toContain('out:member:pending'); // members see members only
      expectError(await out.get(`/api/groups/${slug}/members`), 403, 'forbidden'); // a request is not membership
      await refused(() => mel.post(`/api/groups/${slug}/members/out/approve`), 403, 'forbidden');
      const ok = await moe.post(`/api/groups/${slug}/members/out/approve`);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ handle: 'out', role: 'member', state: 'active' });
      expect(await members(slug)).toContain('out:member:active');
      await refused(() => moe.post(`/api/groups/${slug}/members/out/approve`), 409, 'not_pending');
      expect(await audit(slug)).toContain('member.approved');
      await out.post(`/api/groups/${slug}/leave`);
    });

    it('refuses to let anyone into an invitation-only group by asking', async () => {
      await ann.post('/api/groups', { slug: 'by-invite', name: 'Invite', visibility: 'public', joinPolicy: 'invite' });
      await refused(() => out.post('/api/groups/by-invite/join'), 403, 'invitation_required');
    });
  });

  describe('invitations', () => {
    let slug: string;
    let extra: TestClient[];
    const invite = async (body: Record<string, unknown> = {}) => {
      const res = await moe.post(`/api/groups/${slug}/invitations`, body);
      expect(res.status, res.text).toBe(201);
      return res.body;
    };

    beforeAll(async () => {
      slug = await circle('invited', { visibility: 'private', joinPolicy: 'invite' });
      extra = await Promise.all(['ivy', 'ike', 'ida'].map((h) => t.signup(h)));
    });

    it('are created by moderators, with the secret shown once', async () => {
      const inv = await invite({ maxUses: 3, expiresInHours: 2 });
      expect(inv).toMatchObject({ id: expect.any(Number), maxUses: 3, uses: 0, revoked: false, createdBy: 'moe', token: expect.stringMatching(/^inv_/), url: expect.stringContaining(inv.token) });
      expect(Date.parse(inv.expires) - Date.now()).toBeGreaterThan(3_600_000);
      const list = await ann.get(`/api/groups/${slug}/invitations`);
      expect(list.status).toBe(200);
      expect(list.body.invitations.find((i: any) => i.id === inv.id)).toMatchObject({ id: inv.id, uses: 0, createdBy: 'moe' });
      expect(list.text).not.toContain(inv.token);
      await refused(() => mel.post(`/api/groups/${slug}/invitations`, {}), 403, 'forbidden');
      await refused(() => out.post(`/api/groups/${slug}/invitations`, {}), 404, 'not_found'); // a private group
    });

    it('make whoever accepts one a member', async () => {
      const inv = await invite();
      const res = await extra[0].post(`/api/invitations/${inv.token}/accept`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ group: slug, role: 'member', state: 'active' });
      expect(await members(slug)).toContain('ivy:member:active');
      expect((await extra[0].get(`/api/groups/${slug}`)).status).toBe(200);
      expect(await audit(slug)).toContain('invitation.accepted');
    });

    it('name their group to whoever holds the link, before they join, without being used up', async () => {
      expect((await ann.patch(`/api/groups/${slug}`, { description: 'For those we asked.' })).status).toBe(200);
      const inv = await invite({ maxUses: 1 });
      const look = async (c: TestClient) => (await c.get(`/api/invitations/${inv.token}`)).body;
      // A private group: its name, never its description, to a visitor or a stranger.
      const iris = await t.signup('iris');
      for (const c of [t.visitor(), iris]) {
        // It says who sent it: the link is theirs.
        expect(await look(c)).toEqual({
          group: { slug, name: expect.any(String), description: null, visibility: 'private' },
          invitedBy: { handle: 'moe', name: 'moe' },
          expires: inv.expires,
          membership: null,
        });
      }
      expect((await look(ann)).group.description).toBe('For those we asked.');
      expect((await look(ann)).membership).toEqual({ role: 'owner', state: 'active' });
      // Looking used none of its one use.
      expect((await iris.post(`/api/invitations/${inv.token}/accept`)).status).toBe(200);
      expectError(await t.visitor().get(`/api/invitations/${inv.token}`), 410, 'invitation_used_up');
      expectError(await t.visitor().get('/api/invitations/inv_unknown'), 404, 'not_found');
    });

    it('refuse an expired invitation (410) and change nothing', async () => {
      const inv = await invite();
      await t.database.db.updateTable('invitation').set({ expires_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', inv.id).execute();
      await refused(() => extra[1].post(`/api/invitations/${inv.token}/accept`), 410, 'invitation_expired');
      expect(await members(slug)).not.toContain('ike:member:active');
    });

    it('refuse a used-up invitation (410) to the next person', async () => {
      const inv = await invite({ maxUses: 1 });
      expect((await extra[1].post(`/api/invitations/${inv.token}/accept`)).status).toBe(200);
      await refused(() => extra[2].post(`/api/invitations/${inv.token}/accept`), 410, 'invitation_used_up');
      expect(await members(slug)).not.toContain('ida:member:active');
    });

    it('refuse a revoked invitation (410)', async () => {
      const inv = await invite();
      await refused(() => mel.delete(`/api/groups/${slug}/invitations/${inv.id}`), 403, 'forbidden');
      expect((await moe.delete(`/api/groups/${slug}/invitations/${inv.id}`)).status).toBe(204);
      await refused(() => moe.delete(`/api/groups/${slug}/invitations/${inv.id}`), 409, 'revoked');
      await refused(() => extra[2].post(`/api/invitations/${inv.token}/accept`), 410, 'invitation_revoked');
      expect((await ann.get(`/api/groups/${slug}/invitations`)).body.invitations.find((i: any) => i.id === inv.id).revoked).toBe(true);
    });

    it('answer 404 for an unknown token', async () => {
      await refused(() => extra[2].post('/api/invitations/inv_unknown/accept'), 404, 'not_found');
      await refused(() => t.visitor().post('/api/invitations/inv_unknown/accept'), 401, 'unauthenticated');
    });
  });

  describe('roles', () => {
    let slug: string;
    beforeAll(async () => {
      slug = await circle('roles');
    });

    it('lets the owner promote and demote', async () => {
      expect((await ann.patch(`/api/groups/${slug}/members/mel`, { role: 'moderator' })).body).toEqual({ handle: 'mel', role: 'moderator', state: 'active' });
      expect(await members(slug)).toContain('mel:moderator:active');
      expect((await ann.patch(`/api/groups/${slug}/members/mel`, { role: 'owner' })).status).toBe(200);
      expect(await members(slug)).toContain('mel:owner:active');
      // Two owners: one of them may step down.
      expect((await mel.patch(`/api/groups/${slug}/members/mel`, { role: 'member' })).status).toBe(200);
      expect(await members(slug)).toContain('mel:member:active');
      expect(await audit(slug)).toContain('member.role');
    });

    it('does not let moderators or members change roles', async () => {
      await refused(() => moe.patch(`/api/groups/${slug}/members/mel`, { role: 'moderator' }), 403, 'forbidden');
      await refused(() => moe.patch(`/api/groups/${slug}/members/moe`, { role: 'owner' }), 403, 'forbidden');
      await refused(() => mel.patch(`/api/groups/${slug}/members/mel`, { role: 'owner' }), 403, 'forbidden');
    });

    it('refuses an unknown role (400) and an unknown member (404)', async () => {
      await refused(() => ann.patch(`/api/groups/${slug}/members/mel`, { role: 'king' }), 400, 'invalid_request');
      await refused(() => ann.patch(`/api/groups/${slug}/members/out`, { role: 'moderator' }), 404, 'not_found');
    });

    it('keeps the last owner: no leaving, demoting or removing (409), and nothing changes', async () => {
      await refused(() => ann.post(`/api/groups/${slug}/leave`), 409, 'last_owner');
      await refused(() => ann.patch(`/api/groups/${slug}/members/ann`, { role: 'moderator' }), 409, 'last_owner');
      await refused(() => ann.delete(`/api/groups/${slug}/members/ann`), 409, 'last_owner');
      expect(await members(slug)).toContain('ann:owner:active');
      // The group tells its only owner so, before they try; a second owner, and it no longer does.
      expect((await ann.get(`/api/groups/${slug}`)).body.membership).toEqual({ role: 'owner', state: 'active', soleOwner: true });
      expect((await ann.patch(`/api/groups/${slug}/members/mel`, { role: 'owner' })).status).toBe(200);
      expect((await ann.get(`/api/groups/${slug}`)).body.membership).toEqual({ role: 'owner', state: 'active', soleOwner: false });
      expect((await mel.get(`/api/groups/${slug}`)).body.membership).toEqual({ role: 'owner', state: 'active', soleOwner: false });
      expect((await mel.patch(`/api/groups/${slug}/members/mel`, { role: 'member' })).status).toBe(200);
      expect((await mel.get(`/api/groups/${slug}`)).body.membership).toEqual({ role: 'member', state: 'active' });
    });
  });

  describe('removing and banning', () => {
    let slug: string;
    let bea: TestClient;
    beforeAll(async () => {
      slug = await circle('strict', { joinPolicy: 'approval' });
      bea = await t.signup('bea');
      await ann.post(`/api/texts/${text}/layers`, { slug: 'strict-group', name: 'Strict', visibility: 'group', group: slug });
      await ann.post(`/api/texts/${text}/layers`, { slug: 'strict-public', name: 'Strict public', visibility: 'public', group: slug });
    });

    it('lets an owner remove a member, and a moderator decline a request but not remove a member', async () => {
      await out.post(`/api/groups/${slug}/join`);
      await refused(() => mel.delete(`/api/groups/${slug}/members/out`), 403, 'forbidden');
      expect((await moe.delete(`/api/groups/${slug}/members/out`)).status).toBe(204); // declined
      expect(await members(slug)).not.toContain('out:member:pending');
      expect(await audit(slug)).toContain('member.declined');
      await out.post(`/api/groups/${slug}/join`);
      await moe.post(`/api/groups/${slug}/members/out/approve`);
      await refused(() => moe.delete(`/api/groups/${slug}/members/out`), 403, 'forbidden');
      expect((await ann.delete(`/api/groups/${slug}/members/out`)).status).toBe(204);
      expect(await members(slug)).not.toContain('out:member:active');
      expect(await audit(slug)).toContain('member.removed');
    });

    it('keeps a banned person out: no joining, no invitation, no group layers, no replies', async () => {
      await bea.post(`/api/groups/${slug}/join`);
      await moe.post(`/api/groups/${slug}/members/bea/approve`);
      const mine = await gloss(bea, 'strict-group', 'The river runs', 'Before the ban.');
      const pub = await gloss(ann, 'strict-public', 'The mountain stands', 'Public words.');
      await refused(() => moe.post(`/api/groups/${slug}/members/bea/ban`, {}), 403, 'forbidden');
      expect((await ann.post(`/api/groups/${slug}/members/bea/ban`, { reason: 'Trouble.' })).status).toBe(204);
      expect(await members(slug)).toContain('bea:member:banned');
      expect(await audit(slug)).toContain('member.banned');

      await refused(() => bea.post(`/api/groups/${slug}/join`), 403, 'banned');
      const inv = await ann.post(`/api/groups/${slug}/invitations`, {});
      await refused(() => bea.post(`/api/invitations/${inv.body.token}/accept`), 403, 'banned');
      expectError(await bea.get(`/api/texts/${text}/layers/strict-group`), 404, 'not_found');
      expectError(await bea.get(`/api/texts/${text}/layers/strict-group/glosses`), 404, 'not_found');
      expectError(await bea.get(`/api/glosses/${mine.id}`), 404, 'not_found'); // not even her own
      expect(((await bea.get(`/api/texts/${text}/layers`)).body.layers as any[]).map((l) => l.slug)).not.toContain('strict-group');
      expect((await bea.get(`/api/glosses/${pub.id}`)).status).toBe(200); // the public layer stays readable
      await refused(() => bea.post(`/api/glosses/${pub.id}/replies`, { body: { markdown: 'Let me in.' } }), 403, 'forbidden');
      await refused(() => bea.post(`/api/texts/${text}/layers/strict-public/glosses`, { target: { exact: 'The city' }, body: { markdown: 'x' } }), 403, 'forbidden');
      await refused(() => ann.delete(`/api/groups/${slug}/members/bea`), 409, 'banned');
      expectError(await bea.get(`/api/groups/${slug}/members`), 403, 'forbidden');
    });

    it('lifts a ban (owners only), after which the person may ask again', async () => {
      await refused(() => moe.delete(`/api/groups/${slug}/members/bea/ban`), 403, 'forbidden');
      expect((await ann.delete(`/api/groups/${slug}/members/bea/ban`)).status).toBe(204);
      await refused(() => ann.delete(`/api/groups/${slug}/members/bea/ban`), 404, 'not_found');
      expect((await bea.post(`/api/groups/${slug}/join`)).body).toEqual({ state: 'pending', role: 'member' });
      expect(await audit(slug)).toContain('member.unbanned');
    });

    it('takes away the texts of the group from a moderator who created them and was then banned', async () => {
      await moe.post(`/api/groups/${slug}/join`);
      const made = await moe.post('/api/texts', { title: 'Group reading', slug: 'strict-reading', format: 'markdown', language: 'en', content, visibility: 'group', group: slug });
      expect(made.status, made.text).toBe(201);
      expect((await mel.get('/api/texts/strict-reading')).status).toBe(200);
      expect((await ann.post(`/api/groups/${slug}/members/moe/ban`, {})).status).toBe(204);
      expectError(await moe.get('/api/texts/strict-reading'), 404, 'not_found');
      expect(((await moe.get('/api/texts')).body.texts as any[]).map((x) => x.slug)).not.toContain('strict-reading');
      await refused(() => moe.post('/api/texts/strict-reading/versions', { format: 'markdown', content: `${content} More.` }), 404, 'not_found');
      await refused(() => moe.post('/api/texts/strict-reading/layers', { name: 'Mine', visibility: 'private' }), 404, 'not_found');
      expect((await ann.post('/api/texts/strict-reading/versions', { format: 'markdown', content: `${content} More.` })).status).toBe(201);
      // Back in good standing, the moderator reads it again.
      await ann.delete(`/api/groups/${slug}/members/moe/ban`);
      await moe.post(`/api/groups/${slug}/join`);
      await ann.post(`/api/groups/${slug}/members/moe/approve`);
      expect((await moe.get('/api/texts/strict-reading')).status).toBe(200);
    });
  });

  describe('pre-moderation', () => {
    let slug: string;
    let pia: TestClient; // new member
    let pat: TestClient; // another new member
    const layer = 'premod';
    const search = async (c: TestClient, q: string) => ((await c.get(`/api/search?q=${q}`)).body.results as any[]).map((r) => r.id);
    const count = async (c: TestClient) => ((await c.get(`/api/texts/${text}/layers`)).body.layers as any[]).find((l) => l.slug === layer)?.glossCount;
    const listed = async (c: TestClient) => ((await c.get(`/api/texts/${text}/layers/${layer}/glosses`)).body.glosses as any[]).map((g) => g.id);

    beforeAll(async () => {
      slug = await circle('careful', { premoderation: true, trustAfter: 2 });
      [pia, pat] = await Promise.all(['pia', 'pat'].map((h) => t.signup(h)));
      for (const c of [pia, pat]) await c.post(`/api/groups/${slug}/join`);
      await ann.post(`/api/texts/${text}/layers`, { slug: layer, name: 'Careful', visibility: 'public', group: slug });
    });

    it('holds a new member’s gloss: seen by its author and the moderators only, not counted, not found', async () => {
      const g = await gloss(pia, layer, 'The river runs', 'Pendingword first.');
      expect(g.status).toBe('pending');
      for (const c of [pia, moe, ann]) {
        expect((await c.get(`/api/glosses/${g.id}`)).body.status, c.handle!).toBe('pending');
        expect(await listed(c), c.handle!).toContain(g.id);
        expect(await count(c), c.handle!).toBe(1);
        expect(await search(c, 'pendingword'), c.handle!).toEqual([g.id]);
      }
      for (const c of [mel, pat, out, t.visitor()]) {
        expectError(await c.get(`/api/glosses/${g.id}`), 404, 'not_found');
        expect(await listed(c)).not.toContain(g.id);
        expect(await count(c)).toBe(0);
        expect(await search(c, 'pendingword')).toEqual([]);
        expect((await c.get(`/annotations/${text}/${layer}/`)).body.total).toBe(0);
      }
      const queue = await moe.get(`/api/groups/${slug}/moderation`);
      expect(queue.body.pending).toEqual([expect.objectContaining({ kind: 'gloss', id: g.id, author: 'pia', layer, text })]);
      await refused(() => mel.post(`/api/glosses/${g.id}/approve`), 404, 'not_found');
      await refused(() => pia.post(`/api/glosses/${g.id}/approve`), 403, 'forbidden');

      expect((await moe.post(`/api/glosses/${g.id}/approve`)).body.status).toBe('active');
      for (const c of [mel, out, t.visitor()]) {
        expect((await c.get(`/api/glosses/${g.id}`)).status).toBe(200);
        expect(await count(c)).toBe(1);
        expect(await search(c, 'pendingword')).toEqual([g.id]);
      }
      expect((await moe.get(`/api/groups/${slug}/moderation`)).body.pending).toEqual([]);
      expect(await audit(slug)).toContain('gloss.approved');
    });

    it('trusts a member after trustAfter approvals: the next post is published at once', async () => {
      const second = await gloss(pia, layer, 'The mountain stands', 'Second.');
      expect(second.status).toBe('pending');
      await ann.post(`/api/glosses/${second.id}/approve`);
      expect((await gloss(pia, layer, 'The city sleeps', 'Third.')).status).toBe('active');
      const r = await pia.post(`/api/glosses/${second.id}/replies`, { body: { markdown: 'A trusted reply.' } });
      expect(r.body.status).toBe('active');
      // Others are not trusted by it, and moderators never wait.
      expect((await gloss(pat, layer, 'The city sleeps', 'Not yet.')).status).toBe('pending');
      expect((await gloss(moe, layer, 'The city sleeps', 'Moderator.')).status).toBe('active');
      expect(((await ann.get(`/api/groups/${slug}/members`)).body.members as any[]).find((m) => m.handle === 'pia').trusted).toBe(true);
    });

    it('answers a new member’s W3C annotation with 201, held like any other post', async () => {
      const annotation = {
        '@context': 'http://www.w3.org/ns/anno.jsonld',
        type: 'Annotation',
        body: { type: 'TextualBody', value: 'Annotated while new.' },
        target: { source: `http://daf.test/t/${text}`, selector: { type: 'TextQuoteSelector', exact: 'The city sleeps' } },
      };
      const paz = await t.signup('paz');
      await paz.post(`/api/groups/${slug}/join`);
      const res = await paz.post(`/annotations/${text}/${layer}/`, annotation, { 'content-type': 'application/ld+json' });
      expect(res.status, res.text).toBe(201);
      const id = Number(String(res.body.id).split('/').pop());
      expect(res.headers.get('location')).toBe(res.body.id);
      expect((await paz.get(`/api/glosses/${id}`)).body.status).toBe('pending');
      // The container publishes approved annotations only.
      for (const c of [paz, out]) expectError(await c.get(`/annotations/${text}/${layer}/${id}`), 404, 'not_found');
      expectError(await out.get(`/api/glosses/${id}`), 404, 'not_found');
      await moe.post(`/api/glosses/${id}/approve`);
      expect((await out.get(`/annotations/${text}/${layer}/${id}`)).status).toBe(200);
    });

    it('holds replies of untrusted people too, and lists them in the queue', async () => {
      const target = await gloss(moe, layer, 'The river runs', 'Reply here.');
      const r = await pat.post(`/api/glosses/${target.id}/replies`, { body: { markdown: 'Pendingreply words.' } });
      expect(r.body.status).toBe('pending');
      const o = await out.post(`/api/glosses/${target.id}/replies`, { body: { markdown: 'Outsider words.' } });
      expect(o.body.status).toBe('pending'); // not a member: never trusted
      const thread = async (c: TestClient) => ((await c.get(`/api/glosses/${target.id}`)).body.replies as any[]).map((x) => x.id);
      expect(await thread(mel)).toEqual([]);
      expect(await thread(pat)).toEqual([r.body.id]);
      expect(await thread(moe)).toEqual([r.body.id, o.body.id]);
      const pending = (await ann.get(`/api/groups/${slug}/moderation`)).body.pending as any[];
      expect(pending).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'reply', id: r.body.id }), expect.objectContaining({ kind: 'reply', id: o.body.id })]));
      expect((await moe.post(`/api/replies/${r.body.id}/approve`)).status).toBe(200);
      expect(await thread(mel)).toEqual([r.body.id]);
    });

    it('hides with a reason the author sees, and restores', async () => {
      const g = await gloss(pia, layer, 'The mountain stands', 'Hideword here.'); // pia is trusted now
      expect(g.status).toBe('active');
      await refused(() => moe.post(`/api/glosses/${g.id}/hide`, {}), 400, 'invalid_request');
      await refused(() => moe.post(`/api/glosses/${g.id}/hide`, { reason: '  ' }), 400, 'invalid_request');
      await refused(() => pia.post(`/api/glosses/${g.id}/hide`, { reason: 'Mine.' }), 403, 'forbidden');
      const hidden = await moe.post(`/api/glosses/${g.id}/hide`, { reason: 'Please rephrase.' });
      expect(hidden.status).toBe(200);
      const seen = await pia.get(`/api/glosses/${g.id}`);
      expect(seen.body).toMatchObject({ status: 'hidden', moderationNote: 'Please rephrase.' });
      for (const c of [mel, pat, out, t.visitor()]) {
        expectError(await c.get(`/api/glosses/${g.id}`), 404, 'not_found');
        expect(await search(c, 'hideword')).toEqual([]);
        expect(await listed(c)).not.toContain(g.id);
      }
      expect(await search(pia, 'hideword')).toEqual([g.id]);
      expect((await ann.get(`/api/glosses/${g.id}`)).body.moderationNote).toBe('Please rephrase.');
      await refused(() => pia.patch(`/api/glosses/${g.id}`, { body: { markdown: 'Rephrased.' } }), 403, 'forbidden');
      await refused(() => pia.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'But.' } }), 409, 'gloss_not_active');
      await refused(() => moe.post(`/api/glosses/${g.id}/hide`, { reason: 'Again.' }), 409, 'not_hideable');
      const restored = await ann.post(`/api/glosses/${g.id}/restore`);
      expect(restored.body).toMatchObject({ status: 'active', moderationNote: null });
      expect((await out.get(`/api/glosses/${g.id}`)).status).toBe(200);
      await refused(() => ann.post(`/api/glosses/${g.id}/restore`), 409, 'not_hidden');
      expect(await audit(slug)).toEqual(expect.arrayContaining(['gloss.hidden', 'gloss.restored']));
    });

    it('hides glosses on a hidden gloss with it, and restores each to what it was', async () => {
      const parent = await gloss(pia, layer, 'The river runs', 'Parent remarks here.');
      const onIt = { gloss: parent.id };
      const active = (await pia.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'remarks here', ...onIt }, body: { markdown: 'Child.' } })).body;
      const held = (await pat.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'remarks here', ...onIt }, body: { markdown: 'Unapproved child.' } })).body;
      expect([active.status, held.status]).toEqual(['active', 'pending']);
      await moe.post(`/api/glosses/${parent.id}/hide`, { reason: 'No.' });
      expectError(await out.get(`/api/glosses/${active.id}`), 404, 'not_found');
      expect((await pia.get(`/api/glosses/${active.id}`)).body).toMatchObject({ status: 'hidden', moderationNote: expect.stringContaining(String(parent.id)) });
      // While what it comments on is hidden, the unapproved child waits and cannot be approved.
      expect((await pat.get(`/api/glosses/${held.id}`)).body.status).toBe('pending');
      await refused(() => moe.post(`/api/glosses/${held.id}/approve`), 409, 'target_not_active');
      await moe.post(`/api/glosses/${parent.id}/restore`);
      expect((await out.get(`/api/glosses/${active.id}`)).body.status).toBe('active');
      // The unapproved child comes back unapproved: restoring is not approving.
      expectError(await out.get(`/api/glosses/${held.id}`), 404, 'not_found');
      expect((await pat.get(`/api/glosses/${held.id}`)).body.status).toBe('pending');
      expect(((await moe.get(`/api/groups/${slug}/moderation`)).body.pending as any[]).map((p) => p.id)).toContain(held.id);
      expect((await moe.post(`/api/glosses/${held.id}/approve`)).body.status).toBe('active');
    });

    it('returns a post hidden while pending to the queue when restored, not to the page', async () => {
      const newcomer = await t.signup('nia');
      await newcomer.post(`/api/groups/${slug}/join`);
      const g = await gloss(newcomer, layer, 'The river runs', 'Hidden while waiting.');
      expect(g.status).toBe('pending');
      await moe.post(`/api/glosses/${g.id}/hide`, { reason: 'Not like this.' });
      expect((await moe.post(`/api/glosses/${g.id}/restore`)).body.status).toBe('pending');
      expectError(await out.get(`/api/glosses/${g.id}`), 404, 'not_found');
      expect(((await moe.get(`/api/groups/${slug}/moderation`)).body.pending as any[]).map((p) => p.id)).toContain(g.id);
    });

    it('does not restore a gloss while the gloss it comments on is still hidden', async () => {
      const parent = await gloss(pia, layer, 'The river runs', 'Parent of a restored child.');
      const child = (await pia.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'restored child', gloss: parent.id }, body: { markdown: 'Child.' } })).body;
      expect(child.status).toBe('active');
      await moe.post(`/api/glosses/${parent.id}/hide`, { reason: 'No.' });
      await refused(() => moe.post(`/api/glosses/${child.id}/restore`), 409, 'target_not_active');
      expectError(await out.get(`/api/glosses/${child.id}`), 404, 'not_found');
      await moe.post(`/api/glosses/${parent.id}/restore`);
      expect((await out.get(`/api/glosses/${child.id}`)).body.status).toBe('active');
    });

    it('records a moderator’s delete of someone else’s gloss in the audit log', async () => {
      const g = await gloss(pia, layer, 'The city sleeps', 'To be removed.');
      await refused(() => pat.delete(`/api/glosses/${g.id}`), 403, 'forbidden');
      expect((await moe.delete(`/api/glosses/${g.id}`)).status).toBe(200);
      expectError(await pia.get(`/api/glosses/${g.id}`), 404, 'not_found');
      const entries = (await ann.get(`/api/groups/${slug}/audit`)).body.entries as any[];
      expect(entries).toContainEqual(expect.objectContaining({ action: 'gloss.deleted', actor: 'moe', subject: 'pia', item: g.id }));
      // Deleting one's own is no moderation: no entry.
      const own = await gloss(pia, layer, 'The city sleeps', 'My own.');
      await pia.delete(`/api/glosses/${own.id}`);
      expect(((await ann.get(`/api/groups/${slug}/audit`)).body.entries as any[]).filter((e) => e.item === own.id)).toEqual([]);
    });

    it('takes one flag per person per post, and lists open flags in the queue', async () => {
      const g = await gloss(pia, layer, 'The river runs', 'Flag me.');
      const f = await out.post(`/api/glosses/${g.id}/flag`, { reason: 'Spam.' });
      expect(f.status).toBe(201);
      expect(f.body).toMatchObject({ kind: 'gloss', item: g.id, reason: 'Spam.' });
      await refused(() => out.post(`/api/glosses/${g.id}/flag`, { reason: 'Spam again.' }), 409, 'already_flagged');
      await refused(() => out.post(`/api/glosses/${g.id}/flag`, {}), 400, 'invalid_request');
      expect((await pat.post(`/api/glosses/${g.id}/flag`, { reason: 'Me too.' })).status).toBe(201);
      const flags = (await moe.get(`/api/groups/${slug}/moderation`)).body.flags as any[];
      expect(flags.filter((x) => x.item === g.id).map((x) => x.flagger).sort()).toEqual(['out', 'pat']);
      // A flag names the gloss to read it at: the gloss itself, or a reply's gloss.
      expect(flags.find((x) => x.item === g.id).gloss).toBe(g.id);
      const r = await moe.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'A reply to flag.' } });
      expect((await out.post(`/api/replies/${r.body.id}/flag`, { reason: 'Rude.' })).status).toBe(201);
      const replyFlag = ((await moe.get(`/api/groups/${slug}/moderation`)).body.flags as any[]).find((x) => x.kind === 'reply' && x.item === r.body.id);
      expect(replyFlag).toMatchObject({ gloss: g.id, reason: 'Rude.', flagger: 'out' });
      // Each flag carries its post as the queue shows it: no second read per flag.
      const glossFlag = ((await moe.get(`/api/groups/${slug}/moderation`)).body.flags as any[]).find((x) => x.kind === 'gloss' && x.item === g.id);
      expect(glossFlag.post).toEqual({ text, layer, status: 'active', author: 'pia', excerpt: 'Flag me.', created: g.created });
      expect(replyFlag.post).toEqual({ text, layer, status: 'active', author: 'moe', excerpt: 'A reply to flag.', created: r.body.created });
      // A post its author deleted keeps neither words nor author in the queue: a gloss with a
      // thread stays as a tombstone, a lone reply is gone.
      const kept = await gloss(pia, layer, 'The river runs', 'Soon a tombstone.');
      const gone = await moe.post(`/api/glosses/${kept.id}/replies`, { body: { markdown: 'Soon gone.' } });
      expect((await pat.post(`/api/glosses/${kept.id}/flag`, { reason: 'Odd.' })).status).toBe(201);
      expect((await pat.post(`/api/replies/${gone.body.id}/flag`, { reason: 'Odd.' })).status).toBe(201);
      expect((await pia.delete(`/api/glosses/${kept.id}`)).status).toBe(200);
      expect((await moe.delete(`/api/replies/${gone.body.id}`)).status).toBe(200);
      const queue = (await moe.get(`/api/groups/${slug}/moderation`)).body.flags as any[];
      expect(queue.find((x) => x.kind === 'gloss' && x.item === kept.id).post).toEqual({ text, layer, status: 'deleted', author: null, excerpt: '', created: kept.created });
      expect(queue.find((x) => x.kind === 'reply' && x.item === gone.body.id)).toMatchObject({ gloss: null, post: null });
      expectError(await mel.get(`/api/groups/${slug}/moderation`), 403, 'forbidden');
      // Acting on the post resolves its flags.
      await moe.post(`/api/glosses/${g.id}/hide`, { reason: 'Flagged.' });
      expect(((await moe.get(`/api/groups/${slug}/moderation`)).body.flags as any[]).filter((x) => x.item === g.id)).toEqual([]);
    });

    it('does not let a moderator of one group act on another group’s content', async () => {
      const other = await circle('elsewhere');
      await ann.post(`/api/texts/${text}/layers`, { slug: 'elsewhere-public', name: 'Elsewhere', visibility: 'public', group: other });
      // In "elsewhere", pat is nobody; in "careful", moe moderates. Make a moderator of careful only.
      const g = await gloss(ann, 'elsewhere-public', 'The river runs', 'Not yours.');
      const r = (await ann.post(`/api/glosses/${g.id}/replies`, { body: { markdown: 'Not yours either.' } })).body;
      expect((await ann.patch(`/api/groups/${slug}/members/pia`, { role: 'moderator' })).status).toBe(200);
      await refused(() => pia.post(`/api/glosses/${g.id}/hide`, { reason: 'Mine now.' }), 403, 'forbidden');
      await refused(() => pia.delete(`/api/glosses/${g.id}`), 403, 'forbidden');
      await refused(() => pia.post(`/api/replies/${r.id}/hide`, { reason: 'Mine now.' }), 403, 'forbidden');
      await refused(() => pia.delete(`/api/replies/${r.id}`), 403, 'forbidden');
      await refused(() => pia.get(`/api/groups/${other}/moderation`), 403, 'forbidden');
    });
  });

  describe('group layers', () => {
    let slug: string;
    beforeAll(async () => {
      slug = await circle('layered');
    });

    it('are created by owners and moderators only', async () => {
      expect((await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-a', name: 'A', visibility: 'group', group: slug })).status).toBe(201);
      const b = await moe.post(`/api/texts/${text}/layers`, { slug: 'layered-b', name: 'B', visibility: 'public', group: slug });
      expect(b.status).toBe(201);
      expect(b.body).toMatchObject({ group: slug, writePolicy: 'members', replyPolicy: 'signed_in' });
      await refused(() => mel.post(`/api/texts/${text}/layers`, { name: 'C', visibility: 'group', group: slug }), 403, 'forbidden');
      await refused(() => out.post(`/api/texts/${text}/layers`, { name: 'C', visibility: 'public', group: slug }), 403, 'forbidden');
      await refused(() => ann.post(`/api/texts/${text}/layers`, { name: 'C', visibility: 'group', group: 'no-such-group' }), 404, 'not_found');
    });

    it('go only on texts every member of the group can read', async () => {
      // A private group's own text, and a person's private text, both read by ann and mel only.
      await ann.post('/api/groups', { slug: 'inner', name: 'Inner', visibility: 'private', joinPolicy: 'invite' });
      const inv = await ann.post('/api/groups/inner/invitations', {});
      await mel.post(`/api/invitations/${inv.body.token}/accept`);
      expect((await ann.post('/api/texts', { title: 'Inner', slug: 'inner-text', format: 'markdown', language: 'en', content, visibility: 'group', group: 'inner' })).status).toBe(201);
      await createText(ann, { title: 'Diary', slug: 'ann-diary', content, visibility: 'private' });
      // moe moderates "layered" but cannot read either text: a "layered" layer there would put
      // posts, flags and their reasons on a text he may not read into his moderation queue.
      for (const where of ['inner-text', 'ann-diary']) {
        for (const visibility of ['public', 'group', 'private']) {
          await refused(() => ann.post(`/api/texts/${where}/layers`, { name: 'Elsewhere', visibility, group: slug }), 409, 'text_not_shared');
        }
      }
      expect((await ann.post('/api/texts/inner-text/layers', { name: 'Inner notes', visibility: 'group', group: 'inner' })).status).toBe(201);
      expect((await ann.post('/api/texts/inner-text/layers', { name: 'Own', visibility: 'private' })).status).toBe(201);
    });

    it('refuses "group" visibility without a group (400)', async () => {
      await refused(() => ann.post(`/api/texts/${text}/layers`, { name: 'Lonely', visibility: 'group' }), 400, 'invalid_request');
      await refused(() => ann.post(`/api/texts/${text}/layers`, { name: 'Lonely', visibility: 'public', writePolicy: 'members' }), 400, 'invalid_request');
    });

    it('lets only moderators write in a moderators-only layer', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-mods', name: 'Mods', visibility: 'public', group: slug, writePolicy: 'moderators' });
      await gloss(moe, 'layered-mods');
      await gloss(ann, 'layered-mods');
      await refused(() => mel.post(`/api/texts/${text}/layers/layered-mods/glosses`, { target: { exact: 'The river runs' }, body: { markdown: 'x' } }), 403, 'forbidden');
      await refused(() => out.post(`/api/texts/${text}/layers/layered-mods/glosses`, { target: { exact: 'The river runs' }, body: { markdown: 'x' } }), 403, 'forbidden');
    });

    it('closes threads with replyPolicy nobody, and opens them to members only with members', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-quiet', name: 'Quiet', visibility: 'public', group: slug, replyPolicy: 'nobody' });
      await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-members', name: 'Members', visibility: 'public', group: slug, replyPolicy: 'members' });
      const quiet = await gloss(mel, 'layered-quiet');
      const talk = await gloss(mel, 'layered-members');
      for (const c of [ann, moe, mel, out]) await refused(() => c.post(`/api/glosses/${quiet.id}/replies`, { body: { markdown: 'x' } }), 403, 'forbidden');
      await refused(() => out.post(`/api/glosses/${talk.id}/replies`, { body: { markdown: 'x' } }), 403, 'forbidden');
      await refused(() => t.visitor().post(`/api/glosses/${talk.id}/replies`, { body: { markdown: 'x' } }), 401, 'unauthenticated');
      expect((await mel.post(`/api/glosses/${talk.id}/replies`, { body: { markdown: 'Member reply.' } })).status).toBe(201);
      expect((await ann.patch(`/api/texts/${text}/layers/layered-members`, { replyPolicy: 'signed_in' })).status).toBe(200);
      expect((await out.post(`/api/glosses/${talk.id}/replies`, { body: { markdown: 'Now I may.' } })).status).toBe(201);
    });

    it('tells each person what they may do in each layer, as the server will judge it', async () => {
      const you = async (c: TestClient, layer: string) => {
        const listed = ((await c.get(`/api/texts/${text}/layers`)).body.layers as any[]).find((l) => l.slug === layer).you;
        expect((await c.get(`/api/texts/${text}/layers/${layer}`)).body.you).toEqual(listed);
        return listed;
      };
      expect(await you(ann, 'layered-mods')).toEqual({ write: true, reply: true, edit: true, manage: true, moderate: true });
      expect(await you(moe, 'layered-mods')).toEqual({ write: true, reply: true, edit: true, manage: false, moderate: true });
      expect(await you(mel, 'layered-mods')).toEqual({ write: false, reply: true, edit: true, manage: false, moderate: false });
      expect(await you(out, 'layered-mods')).toEqual({ write: false, reply: true, edit: true, manage: false, moderate: false });
      expect(await you(t.visitor(), 'layered-mods')).toEqual({ write: false, reply: false, edit: false, manage: false, moderate: false });
      expect(await you(mel, 'layered-quiet')).toEqual({ write: true, reply: false, edit: true, manage: false, moderate: false });
      expect(await you(out, 'layered-members')).toEqual({ write: false, reply: true, edit: true, manage: false, moderate: false });
    });

    it('are listed with the group’s own texts on the group, each to those who may read it', async () => {
      expect((await ann.post('/api/texts', { title: 'Group river', slug: 'layered-text', format: 'markdown', language: 'en', content, visibility: 'group', group: slug })).status).toBe(201);
      expect((await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-open', name: 'Open notes', visibility: 'public', group: slug, description: 'For all.' })).status).toBe(201);
      expect((await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-inner', name: 'Inner notes', visibility: 'group', group: slug })).status).toBe(201);
      const where = async (c: TestClient) => {
        const { texts, layers } = (await c.get(`/api/groups/${slug}`)).body;
        return { texts: (texts as any[]).map((x) => x.slug), layers: (layers as any[]).map((l) => `${l.text.slug}/${l.slug}`) };
      };
      const member = await where(mel);
      expect(member.texts).toEqual(['layered-text']);
      expect(member.layers).toEqual(expect.arrayContaining([`${text}/layered-open`, `${text}/layered-inner`]));
      for (const c of [out, t.visitor()]) {
        const outside = await where(c);
        expect(outside.texts).toEqual([]);
        expect(outside.layers).toContain(`${text}/layered-open`);
        expect(outside.layers).not.toContain(`${text}/layered-inner`);
      }
      const open = ((await out.get(`/api/groups/${slug}`)).body.layers as any[]).find((l) => l.slug === 'layered-open');
      expect(open).toEqual({ slug: 'layered-open', name: 'Open notes', description: 'For all.', color: expect.any(String), visibility: 'public', replyPolicy: 'signed_in', text: { slug: text, title: 'River', language: 'en', direction: 'ltr' } });
    });

    it('keeps a notebook: each member sees and counts only their own entries', async () => {
      await ann.post(`/api/texts/${text}/layers`, { slug: 'layered-notebook', name: 'Notebook', visibility: 'private', group: slug });
      const a = await gloss(mel, 'layered-notebook', 'The river runs', 'Mel private.');
      const b = await gloss(moe, 'layered-notebook', 'The mountain stands', 'Moe private.');
      const c2 = await gloss(moe, 'layered-notebook', 'The city sleeps', 'Moe again.');
      expect([a.status, b.status, c2.status]).toEqual(['active', 'active', 'active']);
      const view = async (c: TestClient) => {
        const layers = (await c.get(`/api/texts/${text}/layers`)).body.layers as any[];
        const ids = ((await c.get(`/api/texts/${text}/layers/layered-notebook/glosses`)).body.glosses as any[]).map((g) => g.id);
        return { count: layers.find((l) => l.slug === 'layered-notebook')?.glossCount, ids };
      };
      expect(await view(mel)).toEqual({ count: 1, ids: [a.id] });
      expect(await view(moe)).toEqual({ count: 2, ids: [b.id, c2.id] }); // a moderator too sees only their own
      expect(await view(ann)).toEqual({ count: 0, ids: [] });
      expectError(await ann.get(`/api/glosses/${a.id}`), 404, 'not_found');
      expectError(await out.get(`/api/texts/${text}/layers/layered-notebook/glosses`), 404, 'not_found');
      await refused(() => ann.post(`/api/glosses/${a.id}/hide`, { reason: 'x' }), 404, 'not_found');
      await refused(() => out.post(`/api/texts/${text}/layers/layered-notebook/glosses`, { target: { exact: 'The river runs' }, body: { markdown: 'x' } }), 404, 'not_found');
      // Its author may flag an entry; the moderators' queue shows the flag, never the entry's words.
      expect((await mel.post(`/api/glosses/${a.id}/flag`, { reason: 'Note to self.' })).status).toBe(201);
      const queue = await ann.get(`/api/groups/${slug}/moderation`);
      expect((queue.body.flags as any[]).find((f) => f.item === a.id)).toMatchObject({ kind: 'gloss', flagger: 'mel', post: null });
      expect(queue.text).not.toContain('Mel private.');
    });
  });
});
