/**
 * Opens a SQLite database file with the pragmas Daf relies on (WAL, a busy timeout, foreign
 * keys, synchronous=NORMAL which is durable in WAL mode across process crashes), and wraps it in
 * Kysely (docs/postgres.md §1: the embedded default).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type LogConfig } from 'kysely';
import type { Database } from '../database.ts';
import { migrateToLatest } from '../migrate.ts';
import type { OpenDatabase } from '../open-database.ts';

/** How long a writer waits for another connection's lock before failing, in milliseconds. */
const busyTimeoutMs = 5000;

/**
 * Opens (creating if needed) and migrates (unless `migrate` is false) the database at `file`;
 * `:memory:` works too. `log` is Kysely's: told of every statement run.
 */
export async function openSqlite(file: string, options: { migrate?: boolean; log?: LogConfig } = {}): Promise<OpenDatabase> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: options.log });
  if (options.migrate !== false) await migrateAlone(sqlite, db);
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * Migrates inside one IMMEDIATE transaction: Kysely's migrator takes no lock on SQLite and runs
 * each step on its own, so processes starting together on a new file would each see a step
 * pending and run it twice ("duplicate column"). The transaction makes the others wait (the busy
 * timeout) and then find nothing to do; a failed step leaves the file as it was. The migrations
 * use no transactions or pragmas of their own, which this would break.
 */
async function migrateAlone(sqlite: SQLite.Database, db: Kysely<Database>): Promise<void> {
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    await migrateToLatest(db, 'sqlite');
    sqlite.exec('COMMIT');
  } catch (e) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw e;
  }
}
