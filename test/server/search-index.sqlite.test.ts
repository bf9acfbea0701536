/**
 * SQLite's own: the migration that keyed the FTS5 search index by rowid (2026_12_05_301) keeps
 * every entry of an index written before it findable, replaceable and removable. PostgreSQL's
 * index was keyed from its baseline (docs/postgres.md §2).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { up as keyIndex } from '../../server/storage/migrations/2026_12_05_301_search_rowids.ts';
import { createLayer, createText, useTestApp, writeGloss } from '../helpers/test-app.ts';

describe('keying the SQLite search index by rowid', () => {
  const t = useTestApp();

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
