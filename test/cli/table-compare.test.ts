/**
 * The pure parts of `daf migrate-to-postgres`: the comparison that proves a copy (a differing,
 * missing or extra row is found and shown; equal rows hash alike whatever their types' quirks),
 * and the order tables are copied in. No database: the command itself is tested against real
 * ones in migrate-to-postgres.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { copyOrder } from '../../server/cli/copy-plan.ts';
import { compareTable, normalised, shownDifferences } from '../../server/cli/table-compare.ts';
import type { ForeignKey } from '../../server/storage/postgres/copy-target.ts';

const columns = ['id', 'body', 'score', 'flag', 'bytes'];
const rows = [
  [1, 'שָׁלוֹם', 0.5, 1, Buffer.from([0, 255])],
  [2, 'light 😀', 2, 0, null],
  [3, null, -1.25, 1, Buffer.alloc(0)],
];

async function* pages(list: unknown[][]) {
  for (const row of list) yield row;
}

describe('comparing both sides of a copied table', () => {
  it('finds them equal when SQLite gives 0/1 and PostgreSQL booleans, and bytes as Buffers on both', async () => {
    const target = rows.map(([id, body, score, flag, bytes]) => [id, body, score, flag === 1, bytes === null ? null : Buffer.from(bytes as Buffer)]);
    const c = await compareTable('t', columns, [0], rows, pages(target));
    expect(c.differences).toEqual([]);
    expect(c.source).toEqual(c.target);
    expect(c.source).toEqual({ rows: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('shows a row that differs in one value, its key and both values, and the checksums differ', async () => {
    const target = rows.map((r) => [...r]);
    target[1][1] = 'light 😀 ';
    const c = await compareTable('gloss', columns, [0], rows, target);
    expect(c.differences).toEqual(['gloss id=2: body differ (body: "light 😀" in SQLite, "light 😀 " in PostgreSQL)']);
    expect(c.source.rows).toBe(c.target.rows);
    expect(c.source.sha256).not.toBe(c.target.sha256);
  });

  it('tells a number from the same digits as text, and null from an empty string', async () => {
    expect((await compareTable('t', ['id', 'v'], [0], [[1, 5]], [[1, '5']])).differences).toHaveLength(1);
    expect((await compareTable('t', ['id', 'v'], [0], [[1, null]], [[1, '']])).differences).toHaveLength(1);
  });

  it('matches rows by a composite key: a row missing on either side is named, the rest still match', async () => {
    const source = [
      [1, 1, 'a'],
      [1, 2, 'b'],
      [2, 1, 'c'],
    ];
    const target = [
      [1, 1, 'a'],
      [2, 1, 'c'],
      [2, 2, 'd'],
    ];
    const c = await compareTable('membership', ['group_id', 'user_id', 'role'], [0, 1], source, pages(target));
    expect(c.differences).toEqual(['membership group_id=1, user_id=2: only in SQLite', 'membership group_id=2, user_id=2: only in PostgreSQL']);
    expect([c.source.rows, c.target.rows]).toEqual([3, 3]);
  });

  it('shows the first few differences and counts the rest', async () => {
    const source = Array.from({ length: 12 }, (_, i) => [i + 1, 'x']);
    const target = source.map(([id]) => [id, 'y']);
    const c = await compareTable('t', ['id', 'v'], [0], source, target);
    expect(c.differences).toHaveLength(shownDifferences + 1);
    expect(c.differences.at(-1)).toBe(`t: ${12 - shownDifferences} more differing rows`);
  });

  it('orders text keys by their UTF-8 bytes, as both databases are told to', async () => {
    // U+FF5E sorts before U+1F600 in UTF-8 (and in code points), after it in UTF-16 units.
    // Ordered by UTF-16 units instead, the merge would lose step and report 😀 missing on both sides.
    const c = await compareTable('t', ['k'], [0], [['～'], ['😀']], [['😀']]);
    expect(c.differences).toEqual(['t k="～": only in SQLite']);
  });

  it('normalises as documented, and keeps any other type distinct from text', () => {
    expect([true, false, 7n, null, undefined, 'x', 1.5].map(normalised)).toEqual([1, 0, 7, null, null, 'x', 1.5]);
    expect(normalised(Buffer.from('hi'))).toEqual({ bytes: '6869' });
    expect(normalised(new Date(0))).not.toBe(new Date(0).toISOString());
  });
});

describe('the order tables are copied in', () => {
  const fk = (table: string, references: string, nullable = false): ForeignKey => ({ name: `${table}_${references}`, table, references, nullable, definition: '' });

  it('puts parents first, and defers a self-reference and the nullable edge of a cycle', () => {
    const keys = [
      fk('gloss', 'layer'),
      fk('gloss', 'gloss', true),
      fk('gloss', 'reply', true),
      fk('reply', 'gloss'),
      fk('reply', 'reply', true),
      fk('layer', 'user'),
      fk('anchor', 'gloss'),
      fk('search_index', 'text'),
    ];
    const { order, deferred } = copyOrder(['anchor', 'gloss', 'layer', 'reply', 'user'], keys);
    expect(order).toEqual(['user', 'layer', 'gloss', 'anchor', 'reply']);
    expect(deferred.map((k) => k.name).sort()).toEqual(['gloss_gloss', 'gloss_reply', 'reply_reply']);
  });

  it('breaks a cycle of non-null keys too, rather than loop', () => {
    const { order, deferred } = copyOrder(['a', 'b'], [fk('a', 'b'), fk('b', 'a')]);
    expect(order).toEqual(['a', 'b']);
    expect(deferred.map((k) => k.name)).toEqual(['a_b']);
  });
});
