/**
 * What `daf doctor` asks a SQLite database file (docs/postgres.md §9), read-only: it neither
 * creates the file nor changes its journal mode, as opening it to serve would.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database.ts';
import type { OpenDatabase } from '../open-database.ts';

/** Opens an existing database file read-only (throws if there is none, or it is no database), without migrating. */
export function openSqliteReadOnly(file: string): OpenDatabase {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

/** SQLite's version, and the database's journal mode (`wal` once Daf has opened it). */
export function sqliteFacts(sqlite: SQLite.Database): { version: string; journalMode: string } {
  return {
    version: String(sqlite.prepare('SELECT sqlite_version()').pluck().get()),
    journalMode: String(sqlite.pragma('journal_mode', { simple: true })),
  };
}
