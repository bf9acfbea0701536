/**
 * Per-account storage quotas: the number of texts a person owns and the bytes of the text
 * versions they wrote. Past either, creating a text or a version answers 413 `quota_exceeded`
 * and writes nothing; other people are not affected.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/expect-error.ts';
import { createText, useTestApp, type TestApp } from '../helpers/test-app.ts';

/** Row counts of every table a text or a version writes to. */
async function counts(t: TestApp) {
  const out: Record<string, number> = {};
  for (const table of ['text', 'text_version', 'search_index', 'event']) {
    const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.ctx.db);
    out[table] = r.rows[0].n;
  }
  return out;
}

describe('storage quotas', () => {
  const t = useTestApp({}, { each: true });

  it('refuses a text past the number of texts an account may own, and writes nothing', async () => {
    await t.reopen({ options: { quotas: { textsPerAccount: 2, bytesPerAccount: 1e9 } } });
    const ada = await t.signup('ada');
    await createText(ada, { title: 'One', content: 'First.' });
    await createText(ada, { title: 'Two', content: 'Second.' });
    const before = await counts(t);
    const res = await ada.post('/api/texts', { title: 'Three', format: 'markdown', language: 'en', content: 'Third.' });
    expectError(res, 413, 'quota_exceeded');
    expect(await counts(t)).toEqual(before);
    expect((await ada.get('/api/texts/three')).status).toBe(404);
    // Someone else's quota is their own.
    const bob = await t.signup('bob');
    await createText(bob, { title: 'Bob', content: 'Mine.' });
  });

  it('refuses a text or a version past the bytes an account may store, and writes nothing', async () => {
    await t.reopen({ options: { quotas: { textsPerAccount: 100, bytesPerAccount: 6000 } } });
    const ada = await t.signup('ada');
    const slug = await createText(ada, { title: 'Long', content: 'a'.repeat(1000) });
    const before = await counts(t);

    const big = await ada.post('/api/texts', { title: 'Big', format: 'markdown', language: 'en', content: 'b'.repeat(3000) });
    expectError(big, 413, 'quota_exceeded');
    const revision = await ada.post(`/api/texts/${slug}/versions`, { format: 'markdown', content: 'c'.repeat(3000) });
    expectError(revision, 413, 'quota_exceeded');
    expect(await counts(t)).toEqual(before);
    const text = await ada.get(`/api/texts/${slug}`);
    expect(text.body.version.number).toBe(1);
    expect(text.body.text).toBe('a'.repeat(1000));

    // A small revision still fits.
    const small = await ada.post(`/api/texts/${slug}/versions`, { format: 'markdown', content: 'short' });
    expect(small.status, JSON.stringify(small.body)).toBe(201);
  });
});
