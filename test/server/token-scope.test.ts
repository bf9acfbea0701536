/**
 * Bearer tokens have scopes. A `full` token acts as its holder; an `embed` token (what the embed
 * widget's sign-in popup hands to another site) may read what its holder may read and write,
 * edit and delete its holder's own glosses and replies, and nothing else: no tokens, no groups,
 * no moderation, no account, no layers. It expires after 30 days.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, createText, writeGloss, type TestClient } from '../helpers/test-app.ts';

describe('token scopes', () => {
  const t = useTestApp();
  let olga: TestClient;
  let mel: TestClient;
  /** Olga (owner of the group `circle`) as the site that embeds sees her: with an embed token. */
  let olgaEmbed: TestClient;
  let olgaEmbedTokenId: number;
  let melGloss: number;
  const slug = 'light';

  function withToken(token: string): TestClient {
    const c = t.visitor();
    c.bearer = token;
    c.origin = null;
    return c;
  }

  beforeAll(async () => {
    olga = await t.signup('olga');
    mel = await t.signup('mel');
    await createText(olga, { title: 'Light', slug, content: 'Let there be light. And there was light.' });
    expect((await olga.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    expect((await mel.post('/api/groups/circle/join')).status).toBe(200);
    const layer = await olga.post(`/api/texts/${slug}/layers`, { name: 'Ours', slug: 'ours', group: 'circle', visibility: 'public', writePolicy: 'members' });
    expect(layer.status).toBe(201);
    melGloss = (await writeGloss(mel, slug, 'ours', { exact: 'light', start: 13, end: 18 }, 'Mel on light.')).id;
    const made = await olga.post('/api/tokens', { name: 'Embed on blog.example', scope: 'embed' });
    expect(made.status).toBe(201);
    olgaEmbed = withToken(made.body.token);
    olgaEmbedTokenId = made.body.id;
  });

  it('makes a full token by default, and an embed token that expires in 30 days', async () => {
    const full = await olga.post('/api/tokens', { name: 'script' });
    expect(full.status).toBe(201);
    expect(full.body).toMatchObject({ scope: 'full', expires: null });
    const embed = await olga.post('/api/tokens', { name: 'widget', scope: 'embed' });
    const days = (Date.parse(embed.body.expires) - Date.now()) / 86_400_000;
    expect(embed.body.scope).toBe('embed');
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const list = (await olga.get('/api/tokens')).body.tokens as any[];
    expect(list.find((k) => k.id === embed.body.id)).toMatchObject({ scope: 'embed', expires: embed.body.expires });
    expect((await olga.delete(`/api/tokens/${embed.body.id}`)).status).toBe(204);
    expectError(await olga.post('/api/tokens', { name: 'x', scope: 'admin' }), 400, 'invalid_request');
  });

  it('lets an embed token read what its holder may read', async () => {
    expect((await olgaEmbed.get(`/api/texts/${slug}`)).status).toBe(200);
    expect((await olgaEmbed.get(`/api/texts/${slug}/glosses`)).body.glosses).toHaveLength(1);
    expect((await olgaEmbed.get(`/api/texts/${slug}/passage`)).status).toBe(200);
    expect((await olgaEmbed.get('/api/search?q=light')).status).toBe(200);
    expect((await olgaEmbed.get(`/annotations/${slug}/ours/`)).status).toBe(200);
  });

  it('lets an embed token write, edit and delete its holder’s own glosses and replies', async () => {
    const gloss = await olgaEmbed.post(`/api/texts/${slug}/layers/ours/glosses`, { target: { exact: 'light', start: 35, end: 40 }, body: { markdown: 'From the blog.' } });
    expect(gloss.status).toBe(201);
    expect((await olgaEmbed.patch(`/api/glosses/${gloss.body.id}`, { body: { markdown: 'Edited from the blog.' } })).status).toBe(200);
    const reply = await olgaEmbed.post(`/api/glosses/${melGloss}/replies`, { body: { markdown: 'A reply from the blog.' } });
    expect(reply.status).toBe(201);
    expect((await olgaEmbed.patch(`/api/replies/${reply.body.id}`, { body: { markdown: 'Edited reply.' } })).status).toBe(200);
    expect((await olgaEmbed.delete(`/api/replies/${reply.body.id}`)).status).toBe(200);
    expect((await olgaEmbed.delete(`/api/glosses/${gloss.body.id}`)).status).toBe(200);
  });

  it('does not let an embed token act as a moderator on others’ posts', async () => {
    expectError(await olgaEmbed.delete(`/api/glosses/${melGloss}`), 403, 'forbidden');
    expectError(await olgaEmbed.post(`/api/glosses/${melGloss}/hide`, { reason: 'no' }), 403, 'insufficient_scope');
    expectError(await olgaEmbed.post(`/api/glosses/${melGloss}/flag`, { reason: 'no' }), 403, 'insufficient_scope');
    expect((await t.visitor().get(`/api/glosses/${melGloss}`)).status).toBe(200);
  });

  it('refuses an embed token everything about tokens, groups, moderation, the account and layers', async () => {
    const refused: [string, string, unknown?][] = [
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens', { name: 'more' }],
      ['POST', '/api/tokens', { name: 'more', scope: 'embed' }],
      ['GET', '/api/me'],
      ['GET', '/api/groups'],
      ['POST', '/api/groups', { slug: 'mine', name: 'Mine' }],
      ['GET', '/api/groups/circle'],
      ['PATCH', '/api/groups/circle', { name: 'Taken' }],
      ['GET', '/api/groups/circle/members'],
      ['POST', '/api/groups/circle/invitations', { expiresInHours: 8760 }],
      ['GET', '/api/groups/circle/invitations'],
      ['GET', '/api/groups/circle/moderation'],
      ['GET', '/api/groups/circle/audit'],
      ['POST', '/api/groups/circle/members/mel/ban', {}],
      ['POST', `/api/texts/${slug}/layers`, { name: 'New', visibility: 'public' }],
      ['PATCH', `/api/texts/${slug}/layers/ours`, { name: 'Renamed' }],
      ['POST', '/api/texts', { title: 'T', language: 'en', format: 'plain', content: 'x' }],
      ['POST', `/api/texts/${slug}/versions`, { format: 'plain', content: 'x' }],
      ['POST', `/api/texts/${slug}/layers/ours/import`, []],
      ['POST', `/annotations/${slug}/ours/`, {}],
      ['POST', `/api/glosses/${melGloss}/approve`, {}],
    ];
    for (const [method, url, body] of refused) {
      const res = await olgaEmbed.request(method, url, body);
      expect(`${method} ${url} ${res.status} ${res.body?.error?.code}`).toBe(`${method} ${url} 403 insufficient_scope`);
    }
    expect((await olga.get('/api/groups/circle')).body.name).toBe('Circle');
    expect((await olga.get('/api/groups/circle/invitations')).body.invitations).toEqual([]);
  });

  it('lets an embed token revoke itself (signing out on the site), and no other token', async () => {
    const other = await olga.post('/api/tokens', { name: 'script' });
    expectError(await olgaEmbed.delete(`/api/tokens/${other.body.id}`), 403, 'insufficient_scope');
    const made = await olga.post('/api/tokens', { name: 'widget', scope: 'embed' });
    const widget = withToken(made.body.token);
    expect((await widget.delete(`/api/tokens/${made.body.id}`)).status).toBe(204);
    expectError(await widget.get(`/api/texts/${slug}`), 401, 'bad_token');
    expect((await olga.get('/api/tokens')).body.tokens.some((k: any) => k.id === other.body.id)).toBe(true);
    expect(olgaEmbedTokenId).not.toBe(made.body.id);
  });

  it('refuses an embed token once it has expired', async () => {
    const made = await mel.post('/api/tokens', { name: 'widget', scope: 'embed' });
    const widget = withToken(made.body.token);
    expect((await widget.get(`/api/texts/${slug}`)).status).toBe(200);
    await t.database.db.updateTable('api_token').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', made.body.id).execute();
    expectError(await widget.get(`/api/texts/${slug}`), 401, 'bad_token');
  });

  it('keeps a full token able to do what its holder may', async () => {
    const made = await olga.post('/api/tokens', { name: 'script' });
    const script = withToken(made.body.token);
    expect((await script.get('/api/tokens')).status).toBe(200);
    expect((await script.get('/api/me')).status).toBe(200);
    expect((await script.get('/api/groups/circle/members')).status).toBe(200);
  });
});
