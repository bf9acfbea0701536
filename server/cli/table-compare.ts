/**
 * How `daf migrate-to-postgres` proves a copy (docs/postgres.md §8): both sides of a table are
 * read in primary-key order, every value normalised alike, and each side hashed (sha256) and
 * counted; the rows are also matched by key, so that a difference can be shown, not only found.
 */
import { createHash } from 'node:crypto';

/**
 * A value as it is compared: a number as a number, text as text, null as null, a boolean as 0 or
 * 1 (SQLite has no booleans), bytes as their hex, a bigint as a number. Any other type (a date, a
 * parsed JSON object: what a later column type could give on one side only) is kept as its JSON,
 * which then differs from the other side's text, so that the copy fails rather than pass unproved.
 */
export function normalised(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (typeof value === 'number' || typeof value === 'string') return value;
  return { [Object.prototype.toString.call(value)]: JSON.stringify(value) };
}

/** One side of a table as verified: its rows and their sha256, hex. */
export interface TableDigest {
  rows: number;
  sha256: string;
}

/** Both sides of a table, and the differences found (at most `shownDifferences`, then a count). */
export interface TableComparison {
  table: string;
  source: TableDigest;
  target: TableDigest;
  differences: string[];
}

/** How many differing rows a comparison describes before it only counts them. */
export const shownDifferences = 5;

/** Two keys' order: numbers by value, text by its UTF-8 bytes (as both databases are told to order them). */
function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === null || y === null) return x === null ? -1 : 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
  }
  return 0;
}

const shown = (v: unknown) => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * Reads both sides of a table, each a sequence of rows (values in `columns`' order) in key order,
 * together; `key` is the positions of the primary key's columns (every column when it has none).
 */
export async function compareTable(
  table: string,
  columns: string[],
  key: number[],
  source: Iterable<unknown[]> | AsyncIterable<unknown[]>,
  target: Iterable<unknown[]> | AsyncIterable<unknown[]>,
): Promise<TableComparison> {
  const sides = [source, target].map((rows) => ({
    rows: (Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]()) as Iterator<unknown[]> | AsyncIterator<unknown[]>,
    hash: createHash('sha256'),
    count: 0,
    current: null as unknown[] | null,
    json: '',
  }));
  const next = async (side: (typeof sides)[number]) => {
    const step = await side.rows.next();
    side.current = step.done ? null : step.value.map(normalised);
    if (side.current) {
      side.json = JSON.stringify(side.current);
      side.hash.update(`${side.json}\n`);
      side.count++;
    }
  };
  const [a, b] = sides;
  await next(a);
  await next(b);
  let differing = 0;
  const differences: string[] = [];
  const note = (line: string) => {
    if (++differing <= shownDifferences) differences.push(line);
  };
  const keyOf = (row: unknown[]) => key.map((i) => row[i]);
  const named = (row: unknown[]) => key.map((i) => `${columns[i]}=${shown(row[i])}`).join(', ');
  while (a.current || b.current) {
    const order = !a.current ? 1 : !b.current ? -1 : compareKeys(keyOf(a.current), keyOf(b.current));
    if (order < 0) {
      note(`${table} ${named(a.current!)}: only in SQLite`);
      await next(a);
    } else if (order > 0) {
      note(`${table} ${named(b.current!)}: only in PostgreSQL`);
      await next(b);
    } else if (a.json === b.json) {
      await Promise.all([next(a), next(b)]);
    } else {
      const changed = columns.filter((_, i) => JSON.stringify(a.current![i]) !== JSON.stringify(b.current![i]));
      const c = columns.indexOf(changed[0]);
      note(`${table} ${named(a.current!)}: ${changed.join(', ')} differ (${changed[0]}: ${shown(a.current![c])} in SQLite, ${shown(b.current![c])} in PostgreSQL)`);
      await Promise.all([next(a), next(b)]);
    }
  }
  if (differing > shownDifferences) differences.push(`${table}: ${differing - shownDifferences} more differing rows`);
  const digest = (side: (typeof sides)[number]) => ({ rows: side.count, sha256: side.hash.digest('hex') });
  return { table, source: digest(a), target: digest(b), differences };
}
