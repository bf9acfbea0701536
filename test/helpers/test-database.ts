/**
 * The database a test app runs on: a SQLite file in the test's folder, or — with
 * `DAF_TEST_DIALECT=postgres` — a fresh PostgreSQL database of its own, made on the server at
 * `DAF_TEST_PG_URL` (127.0.0.1:5432 as `postgres` by default) and dropped after
 * (docs/postgres.md §5).
 */
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DialectName, type OpenDatabase } from '../../server/storage/open-database.ts';

/** The dialect the server suites run on. */
export const testDialect: DialectName = process.env.DAF_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL server tests make their databases on (any database of it: the maintenance one will do). */
export const testPgUrl = process.env.DAF_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let made = 0;

/** A URL like `base` naming the database `name` instead. */
function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the test server's maintenance connection. */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPgUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Where a new, empty database for a test goes: a file in `dir`, or a new PostgreSQL database's
 * URL. `drop` removes a PostgreSQL one (whoever opened it must have closed it; a file goes with `dir`).
 */
export async function newTestDatabase(dir: string): Promise<{ location: string; drop(): Promise<void> }> {
  if (testDialect === 'sqlite') return { location: path.join(dir, 'daf.db'), drop: async () => {} };
  return newPgTestDatabase();
}

/**
 * A new, empty PostgreSQL database on the test server, whatever the dialect under test: its URL,
 * and `drop` to remove it. `options` is what follows `CREATE DATABASE name` (`TEMPLATE template0
 * LC_CTYPE 'C' …`, for a database made wrong on purpose).
 */
export async function newPgTestDatabase(options = ''): Promise<{ location: string; drop(): Promise<void> }> {
  const name = `daf_test_${process.pid}_${++made}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE "${name}" ${options}`);
  return { location: withDatabase(testPgUrl, name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Opens a new, empty, migrated database for one test app; `drop` closes and removes it. */
export async function openTestDatabase(dir: string): Promise<{ database: OpenDatabase; drop(): Promise<void> }> {
  const made = await newTestDatabase(dir);
  const database = await openDatabase(made.location, { poolMax: 4 });
  return {
    database,
    drop: async () => {
      await database.close();
      await made.drop();
    },
  };
}
