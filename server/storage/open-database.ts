/**
 * Opens the SQLite database file with the pragmas Daf relies on (WAL, a busy timeout, foreign
 * keys, synchronous=NORMAL which is durable in WAL mode across process crashes), and wraps it in
 * Kysely. This is the one module that knows it is SQLite; a PostgreSQL opener goes beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database, DB } from './database.ts';
import { migrateToLatest } from './migrate.ts';

/** How long a writer waits for another connection's lock before failing, in milliseconds. */
const busyTimeoutMs = 5000;

/** An open database: the Kysely handle and the raw connection (for backup and benchmarks). */
export interface OpenDatabase {
  db: DB;
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

/** Opens (creating if needed) and migrates the database at `file`; `:memory:` works too. */
export async function openDatabase(file: string): Promise<OpenDatabase> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}
