/**
 * Opens Daf's database: SQLite at a file path (the embedded default), or PostgreSQL at a
 * `postgres://` URL (docs/postgres.md). The openers live beside their dialect's other modules,
 * in storage/sqlite/ and storage/postgres/.
 */
import type SQLite from 'better-sqlite3';
import type { DB } from './database.ts';
import { openPostgres, type PostgresOptions } from './postgres/open.ts';
import { openSqlite } from './sqlite/open.ts';

export type DialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, its dialect, and (on SQLite) the raw connection for backup and benchmarks. */
export interface OpenDatabase {
  db: DB;
  dialect: DialectName;
  /** The raw SQLite connection; on PostgreSQL, reading it throws. */
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

/** Whether a database location names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens (creating if needed) and migrates the database at `location`: a file path, `:memory:`, or
 * a postgres:// URL. `migrate: false` leaves its schema as it is (`daf migrate --status`).
 */
export async function openDatabase(location: string, options: PostgresOptions = {}): Promise<OpenDatabase> {
  return isPostgresUrl(location) ? openPostgres(location, options) : openSqlite(location, options);
}

/** A database location fit to print: a URL's password left out. */
export function shownLocation(location: string): string {
  if (!isPostgresUrl(location) || !URL.canParse(location)) return location;
  const url = new URL(location);
  if (url.password) url.password = '***';
  return url.toString();
}
