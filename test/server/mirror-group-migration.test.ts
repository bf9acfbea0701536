/**
 * Migration 121 (`layer.remote_group`, docs/federation.md §7) on a database that already holds
 * mirror layers: each gets the group its group follows on that layer's server when there is
 * exactly one, and keeps null when there are two (an answer cannot tell which) or none.
 */
import { describe, expect, it } from 'vitest';
import { down, up } from '../../server/storage/migrations/2026_12_07_121_mirror_group.ts';
import { createText, useTestApp } from '../helpers/test-app.ts';

describe('migration 121 on mirror layers made before it', () => {
  const t = useTestApp();

  it('names the one group followed on each mirror layer’s server, and no group where there are two or none', async () => {
    const ben = await t.signup('ben');
    expect((await ben.post('/api/groups', { slug: 'room', name: 'Room', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
    const text = await createText(ben, { title: 'Avot', content: 'Make for yourself a teacher.' });
    const db = t.database.db;
    const group = await db.selectFrom('reading_group').select(['id', 'created_by']).where('slug', '=', 'room').executeTakeFirstOrThrow();
    const textRow = await db.selectFrom('text').select('id').where('slug', '=', text).executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const follow = (actor: string) => ({ group_id: group.id, actor_uri: actor, inbox_uri: `${actor}/inbox`, handle: 'g@x', name: 'G', follow_uri: `${actor}#f`, state: 'accepted' as const, created_at: now });
    await db.insertInto('fed_following').values([follow('https://one.example/ap/actors/group.a'), follow('https://two.example/ap/actors/group.b'), follow('https://two.example/ap/actors/group.c')]).execute();
    const mirror = (slug: string, container: string) => ({
      text_id: textRow.id,
      slug,
      name: slug,
      description: '',
      color: '#5f6b7a',
      owner_id: group.created_by,
      group_id: group.id,
      visibility: 'public' as const,
      write_policy: 'moderators' as const,
      reply_policy: 'nobody' as const,
      license: null,
      attribution: null,
      created_at: now,
      remote_uri: container,
    });
    await down(db);
    await db
      .insertInto('layer')
      .values([mirror('from-one', 'https://one.example/annotations/avot/study/'), mirror('from-two', 'https://two.example/annotations/avot/b/'), mirror('from-three', 'https://three.example/annotations/avot/x/')] as never)
      .execute();
    await up(db);
    const rows = await db.selectFrom('layer').select(['slug', 'remote_group']).where('remote_uri', 'is not', null).orderBy('slug').execute();
    expect(rows).toEqual([
      { slug: 'from-one', remote_group: 'https://one.example/ap/actors/group.a' },
      { slug: 'from-three', remote_group: null },
      { slug: 'from-two', remote_group: null },
    ]);
  });
});
