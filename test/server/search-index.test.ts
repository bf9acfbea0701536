/**
 * The search index's write path: each write finds its one entry by rowid instead of scanning
 * the whole index (so one account's large texts do not slow everyone's writes), and the
 * migration that keys an existing index keeps every entry findable and removable.
 */
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { up as keyIndex } from '../../server/storage/migrations/2026_12_05_301_search_rowids.ts';
import { createLayer, createText, useTestApp, writeGloss } from '../helpers/test-app.ts';

describe('search index writes', () => {
  const t = useTestApp({}, { each: true });

  it('finds the entry to replace or remove by rowid, never by scanning the index', async () => {
    const ada = await t.signup('ada');
    const text = await createText(ada, { title: 'Fables', content: 'The quick brown fox.' });
    const layer = await createLayer(ada, text, { name: 'Notes' });
    const statements: string[] = [];
    const prepare = t.database.sqlite.prepare.bind(t.database.sqlite);
    const spy = vi.spyOn(t.database.sqlite, 'prepare').mockImplementation((source: string) => {
      if (/^\s*delete\s+from\s+"?search_index/i.test(source)) statements.push(source);
      return prepare(source);
    });
    const gloss = await writeGloss(ada, text, layer, { exact: 'quick' }, 'Swift.');
    await ada.patch(`/api/glosses/${gloss.id}`, { body: { markdown: 'Rapid.' } });
    await ada.post(`/api/texts/${text}/versions`, { format: 'markdown', content: 'The quick red fox.' });
    await ada.delete(`/api/glosses/${gloss.id}`);
    spy.mockRestore();
    expect(statements.length).toBeGreaterThan(0);
    for (const source of statements) {
      const params = (source.match(/\?/g) ?? []).map(() => 1);
      const plan = t.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[];
      // FTS5 reports a rowid lookup as "INDEX 0:=" and a full scan as a bare "INDEX 0:".
      expect(plan.map((p) => p.detail).join('\n'), source).toMatch(/VIRTUAL TABLE INDEX \d+:=/);
    }
  });

  it('keys an index written before rowids: entries stay searchable, replaceable and removable', async () => {
    const ada = await t.signup('ada');
    const text = await createText(ada, { title: 'Fables', content: 'The quick brown fox.' });
    const layer = await createLayer(ada, text, { name: 'Notes' });
    const gloss = await writeGloss(ada, text, layer, { exact: 'quick' }, 'Vulpine swiftness.');
    // Put the index back as the first search migration left it: entries under arbitrary rowids.
    const db = t.ctx.db;
    const rows = await sql<{ body: string; kind: string; item_id: number; text_id: number; layer_id: number | null }>`
      SELECT body, kind, item_id, text_id, layer_id FROM search_index`.execute(db);
    await sql`DROP TABLE search_index`.execute(db);
    await sql`CREATE VIRTUAL TABLE search_index USING fts5(body, kind UNINDEXED, item_id UNINDEXED,
      text_id UNINDEXED, layer_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
    for (const [i, r] of rows.rows.entries()) {
      await sql`INSERT INTO search_index (rowid, body, kind, item_id, text_id, layer_id)
        VALUES (${1000 + i}, ${r.body}, ${r.kind}, ${r.item_id}, ${r.text_id}, ${r.layer_id})`.execute(db);
    }
    await keyIndex(db);

    const search = async (q: string) => (await t.visitor().get(`/api/search?q=${q}`)).body.results.map((r: any) => r.kind);
    expect(await search('vulpine')).toEqual(['gloss']);
    expect(await search('brown')).toEqual(['text']);
    await ada.patch(`/api/glosses/${gloss.id}`, { body: { markdown: 'Canine calm.' } });
    expect(await search('vulpine')).toEqual([]);
    expect(await search('canine')).toEqual(['gloss']);
    await ada.delete(`/api/glosses/${gloss.id}`);
    expect(await search('canine')).toEqual([]);
    const count = await sql<{ n: number }>`SELECT count(*) AS n FROM search_index`.execute(db);
    expect(count.rows[0].n).toBe(1);
  });
});
