/**
 * The NUL character (U+0000), which PostgreSQL cannot hold in a text column (SQLite can), is
 * refused with 400 on both dialects wherever a request may carry it — its address or its JSON
 * body — before any query sees it (server/middleware/nul.ts). On PostgreSQL these were 500s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableRows, tableRowsDiff } from '../helpers/db-snapshot.ts';
import { expectError } from '../helpers/expect-error.ts';
import { createLayer, createText, testOrigin, useTestApp, writeGloss, type TestClient, type TestResponse } from '../helpers/test-app.ts';

describe('the NUL character', () => {
  const t = useTestApp();
  let ada: TestClient;
  let text: string;
  let layer: string;
  let gloss: number;

  beforeAll(async () => {
    ada = await t.signup('ada');
    text = await createText(ada, { title: 'Light', content: 'And there was light.' });
    layer = await createLayer(ada, text, { name: 'Notes' });
    gloss = (await writeGloss(ada, text, layer, { exact: 'light' }, 'On light.')).id;
    expect((await ada.post('/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' })).status).toBe(201);
  });

  /** Sends `send` and checks it was refused with 400 `invalid_request` for its NUL, leaving every row as it was. */
  async function refused(send: () => Promise<TestResponse>) {
    const before = await tableRows(t.database);
    const res = await send();
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.message).toContain('NUL');
    expect(tableRowsDiff(before, await tableRows(t.database))).toEqual([]);
  }

  it('is refused in an address: a path or a query', async () => {
    for (const path of ['/api/texts/%00', `/api/texts/${text}/layers/%00/glosses`, '/api/groups/%00', '/annotations/%00/notes/', `/api/search?q=a%00b`, `/api/texts/${text}/glosses?layer=%00`]) {
      await refused(() => ada.get(path));
    }
    await refused(() => ada.post(`/api/texts/${text}/layers/a%00b/glosses`, { target: { exact: 'light' }, body: { markdown: 'x' } }));
  });

  it('is refused anywhere in a JSON body: a value, a key, deep down', async () => {
    await refused(() => ada.post('/api/tokens', { name: 'x\u0000' }));
    await refused(() => ada.patch(`/api/texts/${text}/layers/${layer}`, { name: 'Notes\u0000' }));
    await refused(() => ada.post(`/api/texts/${text}/layers/${layer}/glosses`, { target: { exact: 'light' }, body: { markdown: 'a\u0000b' } }));
    await refused(() => ada.post('/api/texts', { title: 'T', content: 'Some\u0000words.' }));
    await refused(() => ada.post(`/api/glosses/${gloss}/replies`, { body: { markdown: 'ok' }, ['\u0000']: 1 }));
    await refused(() => t.visitor().post('/api/auth/signup', { handle: 'bea', password: 'correct horse battery', displayName: 'B\u0000' }));
    const ld = { 'content-type': 'application/ld+json' };
    const annotation = (value: string) => ({ target: { source: `${testOrigin}/t/${text}`, selector: { type: 'TextQuoteSelector', exact: 'light' } }, bodyValue: value });
    await refused(() => ada.post(`/annotations/${text}/${layer}/`, annotation('a\u0000'), ld));
    await refused(() => ada.post(`/api/texts/${text}/layers/${layer}/import`, [annotation('fine'), annotation('not\u0000fine')], ld));
  });

  it('is looked for without recursion: a body nested 30,000 deep is read to its shape, and a NUL at its bottom found', async () => {
    const nested = (leaf: string) => `{"name":"Deep","deep":${'['.repeat(30_000)}${leaf}${']'.repeat(30_000)}}`;
    // Without a NUL, the walk comes through and the shape refuses the key it does not know.
    const fine = await ada.post('/api/tokens', nested('"fine"'));
    expectError(fine, 400, 'invalid_request');
    expect(fine.body.error.message).toContain('deep');
    await refused(() => ada.post('/api/tokens', nested('"\\u0000"')));
  });
});
