/**
 * The search index's write path: each write finds its one entry through an index instead of
 * scanning the whole index (so one account's large texts do not slow everyone's writes) — by
 * rowid on SQLite's FTS5 table, by primary key on PostgreSQL's table. (The migration that keyed
 * SQLite's index by rowid: search-index.sqlite.test.ts.)
 */
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../server/storage/open-database.ts';
import type { Statement } from '../helpers/test-database.ts';
import { createLayer, createText, useTestApp, writeGloss } from '../helpers/test-app.ts';

/**
 * Whether the database finds the rows `statement` touches in the search index through an index:
 * FTS5 reports a rowid lookup as "INDEX 0:=" and a full scan as a bare "INDEX 0:"; PostgreSQL,
 * with sequential scans priced out of its choice, still plans one only when no index serves.
 */
async function findsByIndex(database: OpenDatabase, statement: Statement): Promise<{ plan: string; byIndex: boolean }> {
  if (database.dialect === 'sqlite') {
    const rows = await database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${statement.sql}`, [...statement.parameters]));
    const plan = rows.rows.map((r) => r.detail).join('\n');
    return { plan, byIndex: /VIRTUAL TABLE INDEX \d+:=/.test(plan) };
  }
  return database.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${statement.sql}`, [...statement.parameters]));
    const plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    return { plan, byIndex: !/Seq Scan on search_index/.test(plan) };
  });
}

describe('search index writes', () => {
  const t = useTestApp({}, { each: true });

  it('finds the entry to replace or remove through an index (rowid, primary key), never by scanning the index', async () => {
    const ada = await t.signup('ada');
    const text = await createText(ada, { title: 'Fables', content: 'The quick brown fox.' });
    const layer = await createLayer(ada, text, { name: 'Notes' });
    const { statements } = await t.statementsDuring(async () => {
      const gloss = await writeGloss(ada, text, layer, { exact: 'quick' }, 'Swift.');
      await ada.patch(`/api/glosses/${gloss.id}`, { body: { markdown: 'Rapid.' } });
      await ada.post(`/api/texts/${text}/versions`, { format: 'markdown', content: 'The quick red fox.' });
      await ada.delete(`/api/glosses/${gloss.id}`);
    });
    const deletes = statements.filter((s) => /^\s*delete\s+from\s+"?search_index/i.test(s.sql));
    expect(deletes.length).toBeGreaterThan(0);
    for (const statement of deletes) {
      const { plan, byIndex } = await findsByIndex(t.database, statement);
      expect(byIndex, `${statement.sql}\n${plan}`).toBe(true);
    }
  });
});
