/**
 * Whether the PostgreSQL server the tests make databases on (`testPgUrl`: DAF_TEST_PG_URL, or
 * 127.0.0.1:5432 as postgres) answers, for the suites that need one whatever the dialect under
 * test (the command line's migrate-to-postgres and doctor). Such a suite runs only when it does,
 * and says so when it does not: never a silent skip.
 */
import pg from 'pg';
import { testPgUrl } from './test-database.ts';

/** Whether a connection to `url` opens and answers within `timeoutMs`. */
export async function pgAvailable(url = testPgUrl, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Whether PostgreSQL is there for `suite`; when it is not, prints (on stderr) that the suite is
 * skipped and how to run it.
 */
export async function pgAvailableFor(suite: string): Promise<boolean> {
  if (await pgAvailable()) return true;
  const where = new URL(testPgUrl);
  where.password = where.password ? '***' : '';
  console.warn(
    `SKIPPED ${suite}: no PostgreSQL answers at ${where.toString()}. ` +
      'Start one there (user postgres, trust authentication) or set DAF_TEST_PG_URL to a server the tests may create databases on, then run it again.',
  );
  return false;
}
