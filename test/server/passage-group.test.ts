/**
 * A passage names the group that owns its text as every text listing does (README, "The API":
 * passages): to those who may know the group, and to nobody else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp, createText, type TestClient } from '../helpers/test-app.ts';

describe('the group a passage names', () => {
  const t = useTestApp();
  let olga: TestClient;
  let otto: TestClient;

  beforeAll(async () => {
    olga = await t.signup('olga');
    otto = await t.signup('otto');
    for (const [slug, visibility] of [['open-circle', 'public'], ['closed-circle', 'private']]) {
      expect((await olga.post('/api/groups', { slug, name: slug, visibility, joinPolicy: 'invite' })).status).toBe(201);
    }
  });

  it('names a public group to everyone, a private one only to its members, as the text list does', async () => {
    const seen = async (client: TestClient, group: string) => {
      const slug = await createText(olga, { title: `Of ${group}`, content: 'One line.', visibility: 'public', group });
      const passage = (await client.get(`/api/texts/${slug}/passage`)).body;
      const listed = (await client.get('/api/texts')).body.texts.find((x: { slug: string }) => x.slug === slug);
      expect(passage.text.group).toBe(listed.group);
      return passage.text.group;
    };
    expect(await seen(otto, 'open-circle')).toBe('open-circle');
    expect(await seen(t.visitor(), 'open-circle')).toBe('open-circle');
    expect(await seen(olga, 'closed-circle')).toBe('closed-circle');
    expect(await seen(otto, 'closed-circle')).toBeNull();
  });
});
