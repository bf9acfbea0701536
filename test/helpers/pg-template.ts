/**
 * The `server-pg` project's global setup (vitest.config.ts): one PostgreSQL database migrated
 * once per run, from which every test app's database is copied (`CREATE DATABASE … TEMPLATE`,
 * test-database.ts) instead of being migrated anew — making a test database then costs a file
 * copy rather than the baseline's and every migration's statements. Dropped after the run.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, shownLocation } from '../../server/storage/open-database.ts';
import { pgUnavailable, testPgUrl } from './pg-available.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database test apps' databases are copied from, on the `server-pg` project. */
    pgTemplate: string;
  }
}

/** A URL like `base` naming the database `name` instead. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the test server's maintenance connection. */
export async function adminStatement(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPgUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const absent = await pgUnavailable();
  if (absent !== null) {
    throw new Error(`The server-pg project runs the server suites on PostgreSQL, but none answered at ${shownLocation(testPgUrl)} (${absent}): start one, set DAF_TEST_PG_URL, or leave it out (--project server runs them on SQLite; npm test leaves it out by itself)`);
  }
  const name = `daf_test_template_${process.pid}_${Date.now().toString(36)}`;
  await adminStatement(`CREATE DATABASE "${name}"`);
  const database = await openDatabase(databaseUrl(testPgUrl, name), { poolMax: 1 });
  await database.close();
  project.provide('pgTemplate', name);
  return async () => {
    await adminStatement(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
}
