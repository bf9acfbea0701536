/**
 * Answers that depend on who asks stay out of shared caches: every API and W3C answer varies with
 * the credentials, and any answer to a request that carried credentials is `private, no-store`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, createLayer, createText, type TestClient } from '../helpers/test-app.ts';

describe('cache headers on private answers', () => {
  const t = useTestApp();
  let ada: TestClient;
  let script: TestClient;
  let slug: string;

  beforeAll(async () => {
    ada = await t.signup('ada');
    slug = await createText(ada, { title: 'Light', content: 'Let there be light.' });
    await createLayer(ada, slug, { name: 'Mine', slug: 'mine', visibility: 'private' });
    const made = await ada.post('/api/tokens', { name: 'script' });
    expect(made.headers.get('cache-control')).toBe('private, no-store');
    script = t.visitor();
    script.bearer = made.body.token;
  });

  const varies = (h: Headers) => (h.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

  it('marks answers to a session private and not to be stored', async () => {
    for (const url of ['/api/me', '/api/session', '/api/tokens', `/api/texts/${slug}/glosses`, `/api/texts/${slug}/layers`, `/annotations/${slug}/mine/`]) {
      const res = await ada.get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('cache-control'), url).toBe('private, no-store');
      expect(varies(res.headers), url).toEqual(expect.arrayContaining(['cookie', 'authorization']));
    }
  });

  it('marks answers to a bearer token private and not to be stored, refusals too', async () => {
    const res = await script.get(`/api/texts/${slug}/glosses`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const bad = t.visitor();
    bad.bearer = 'daf_nonsense';
    const refused = await bad.get(`/api/texts/${slug}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('private, no-store');
  });

  it('lets a visitor’s public answer be cached, but only for visitors', async () => {
    const res = await t.visitor().get(`/api/texts/${slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control') ?? '').not.toContain('private');
    expect(varies(res.headers)).toEqual(expect.arrayContaining(['cookie', 'authorization']));
  });
});
