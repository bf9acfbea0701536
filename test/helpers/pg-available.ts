/**
 * Whether the PostgreSQL server the tests use answers: for `npm test` (test/run-tests.ts), which
 * runs the PostgreSQL suites only then, and for the command-line suites that need a server
 * whatever the dialect under test (migrate-to-postgres, doctor), which run only when it does and
 * say so when it does not: never a silent skip.
 */
import pg from 'pg';

/** The PostgreSQL server tests make their databases on (any database of it: the maintenance one will do). */
export const testPgUrl = process.env.DAF_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** How long a server has to answer before it counts as absent. */
const connectTimeoutMs = 2000;

/**
 * Why the server at `url` (the tests' by default) cannot be used, or null when it answers a
 * query within 2 s.
 */
export async function pgUnavailable(url: string = testPgUrl): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, query_timeout: connectTimeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message || e.name : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether the server at `url` (the tests' by default) answers a query within 2 s. */
export async function pgAvailable(url?: string): Promise<boolean> {
  return (await pgUnavailable(url)) === null;
}

/**
 * Whether PostgreSQL is there for `suite`; when it is not, prints (on stderr) that the suite is
 * skipped, why, and how to run it.
 */
export async function pgAvailableFor(suite: string): Promise<boolean> {
  const why = await pgUnavailable();
  if (why === null) return true;
  const where = new URL(testPgUrl);
  where.password = where.password ? '***' : '';
  console.warn(
    `SKIPPED ${suite}: no PostgreSQL answers at ${where.toString()} (${why}). ` +
      'Start one there (user postgres, trust authentication) or set DAF_TEST_PG_URL to a server the tests may create databases on, then run it again.',
  );
  return false;
}
