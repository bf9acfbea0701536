/**
 * The SQLite side of `daf migrate-to-postgres` (docs/postgres.md §8): a consistent snapshot of a
 * database file, through SQLite's online backup (so a server writing to the file meanwhile tears
 * nothing), and the tables and rows of that snapshot.
 */
import SQLite from 'better-sqlite3';
import type { OrderColumn } from '../postgres/copy-target.ts';

/** Writes a consistent copy of the database `file` (which must exist) to `out`. */
export async function snapshotSqlite(file: string, out: string): Promise<void> {
  const source = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(out);
  } finally {
    source.close();
  }
}

export interface SourceTable {
  name: string;
  columns: string[];
  /** A virtual table (FTS5's index), or one of the tables it keeps its data in. */
  virtual: boolean;
}

/** Every table of the database but SQLite's own (`sqlite_…`), with its columns. */
export function sourceTables(sqlite: SQLite.Database): SourceTable[] {
  const tables = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as {
    name: string;
    sql: string;
  }[];
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return tables.map(({ name }) => ({
    name,
    columns: (sqlite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(name) as { name: string }[]).map((c) => c.name),
    virtual: virtual.some((v) => name === v || name.startsWith(`${v}_`)),
  }));
}

/** How many rows a table holds. */
export function countRows(sqlite: SQLite.Database, table: string): number {
  return (sqlite.prepare(`SELECT count(*) AS n FROM ${quoted(table)}`).get() as { n: number }).n;
}

/** A table's rows, each its values in `columns`' order, in the order `orderBy` gives (text by its bytes), one at a time. */
export function orderedSqliteRows(sqlite: SQLite.Database, table: string, columns: string[], orderBy: OrderColumn[]): IterableIterator<unknown[]> {
  const order = orderBy.map((c) => `${quoted(c.name)}${c.text ? ' COLLATE BINARY' : ''}`).join(', ');
  const statement = sqlite.prepare(`SELECT ${columns.map(quoted).join(', ')} FROM ${quoted(table)}${order ? ` ORDER BY ${order}` : ''}`);
  return statement.raw(true).iterate() as IterableIterator<unknown[]>;
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
