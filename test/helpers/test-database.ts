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

/** Opens a new, empty, migrated database for one test app; `drop` closes and removes it. */
export async function openTestDatabase(dir: string): Promise<{ database: OpenDatabase; drop(): Promise<void> }> {
  if (testDialect === 'sqlite') {
    const database = await openDatabase(path.join(dir, 'daf.db'));
    return { database, drop: () => database.close() };
  }
  const name = `daf_test_${process.pid}_${++made}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE "${name}"`);
  const database = await openDatabase(withDatabase(testPgUrl, name), { poolMax: 4 });
  return {
    database,
    drop: async () => {
      await database.close();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
