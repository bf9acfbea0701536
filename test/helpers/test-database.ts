/**
 * The database a test app runs on: a SQLite file in the test's folder, or — with
 * `DAF_TEST_DIALECT=postgres` — a fresh PostgreSQL database of its own, made on the server at
 * `DAF_TEST_PG_URL` (127.0.0.1:5432 as `postgres` by default) and dropped after
 * (docs/postgres.md §5).
 */
import path from 'node:path';
import { inject } from 'vitest';
import { testPgUrl } from './pg-available.ts';
import { adminStatement, databaseUrl } from './pg-template.ts';
import { isPostgresUrl, openDatabase, type DialectName, type OpenDatabase } from '../../server/storage/open-database.ts';

/** The dialect the server suites run on. */
export const testDialect: DialectName = process.env.DAF_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

export { testPgUrl };

let made = 0;

/**
 * Where a new, empty database for a test goes: a file in `dir` (`file`, by default `daf.db`), or
 * a new PostgreSQL database's URL — with `migrated`, a copy of the run's migrated template
 * (pg-template.ts) when it has one, which whoever opens it need not migrate. `drop` removes a
 * PostgreSQL one (whoever opened it must have closed it; a file goes with `dir`).
 */
export async function newTestDatabase(
  dir: string,
  options: { file?: string; migrated?: boolean; dialect?: DialectName } = {},
): Promise<{ location: string; drop(): Promise<void> }> {
  if ((options.dialect ?? testDialect) === 'sqlite') return { location: path.join(dir, options.file ?? 'daf.db'), drop: async () => {} };
  const template = options.migrated ? inject('pgTemplate') : undefined;
  return newPgTestDatabase(template ? `TEMPLATE "${template}"` : '');
}

/**
 * A new, empty PostgreSQL database on the test server, whatever the dialect under test: its URL,
 * and `drop` to remove it. `options` is what follows `CREATE DATABASE name` (`TEMPLATE template0
 * LC_CTYPE 'C' …`, for a database made wrong on purpose).
 */
export async function newPgTestDatabase(options = ''): Promise<{ location: string; drop(): Promise<void> }> {
  const name = `daf_test_${process.pid}_${++made}_${Date.now().toString(36)}`;
  await adminStatement(`CREATE DATABASE "${name}" ${options}`);
  return { location: databaseUrl(testPgUrl, name), drop: () => dropDatabase(name) };
}

/**
 * Drops a test database. A closed pool's connections may still be on their way out, and FORCE
 * would kill them mid-goodbye (an unhandled "terminating connection" in the test that closed
 * them): a plain DROP waits up to 5 s for them; only what stays after that is forced out.
 */
async function dropDatabase(name: string): Promise<void> {
  try {
    await adminStatement(`DROP DATABASE IF EXISTS "${name}"`);
  } catch (e) {
    if ((e as { code?: string }).code !== '55006') throw e; // object_in_use
    await adminStatement(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

/** A statement a test app's database ran: its SQL and the values bound to it. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** Told of each statement a test app's database runs. */
export type StatementListener = (statement: Statement) => void;

/**
 * Opens a new, empty, migrated database of `dialect` (the suites' by default) for one test app,
 * at `location` (a file or a URL); `drop`
 * closes and removes it. `watch` tells a listener of every statement the database runs from then
 * on (through Kysely's `log`, on either dialect: transactions' `begin` and `commit` included),
 * until the function it returns is called.
 */
export async function openTestDatabase(
  dir: string,
  dialect: DialectName = testDialect,
): Promise<{ database: OpenDatabase; location: string; watch(listener: StatementListener): () => void; drop(): Promise<void> }> {
  const made = await newTestDatabase(dir, { migrated: true, dialect });
  const listeners = new Set<StatementListener>();
  const database = await openDatabase(made.location, {
    poolMax: 4,
    log: (event) => {
      for (const listener of listeners) listener({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  return {
    database,
    location: made.location,
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    drop: async () => {
      await database.close();
      await made.drop();
    },
  };
}

/** The command-line options that name the database at `location` (a file or a postgres:// URL). */
export function databaseArgs(location: string): string[] {
  return isPostgresUrl(location) ? ['--database-url', location] : ['--db', location];
}
