/**
 * `daf doctor` (docs/postgres.md §9): checks the database the other commands would use and prints
 * a line a check, `ok`, `FAIL`, `warn` (works, but read why) or `n/a`; exits 1 when one fails.
 * Changes nothing: it neither migrates nor creates a SQLite file.
 */
import fs from 'node:fs';
import { AppError } from '../errors.ts';
import { migrationDrift } from '../storage/migrate.ts';
import { isPostgresUrl, openDatabase, shownLocation, type DialectName, type OpenDatabase } from '../storage/open-database.ts';
import { notifyRoundTrip, postgresFacts } from '../storage/postgres/health.ts';
import { openSqliteReadOnly, sqliteFacts } from '../storage/sqlite/health.ts';

interface Check {
  status: 'ok' | 'FAIL' | 'warn' | 'n/a';
  what: string;
  detail: string;
}

/** The oldest PostgreSQL Daf runs on: the search index's `tsvector` is a stored generated column (postgres/baseline.ts). */
const minimumVersion = { num: 120000, name: '12' };
/** How long a notification may take to come back. */
const notifyTimeoutMs = 2000;

const newDatabaseAdvice = 'createdb -E UTF8 -T template0 --locale=C.UTF-8 daf (or en_US.UTF-8)';

export async function doctorCommand({ db }: { db: string }) {
  const checks = isPostgresUrl(db) ? await postgresChecks(db) : await sqliteChecks(db);
  for (const c of checks) process.stdout.write(`${c.status.padEnd(4)}  ${c.what}: ${c.detail}\n`);
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  if (failed) throw new AppError('doctor_failed', 409, `${failed} of ${checks.length} checks failed on ${shownLocation(db)}`);
}

async function postgresChecks(url: string): Promise<Check[]> {
  const database = await openDatabase(url, { migrate: false, poolMax: 2 });
  try {
    const checks: Check[] = [];
    let facts;
    try {
      facts = await postgresFacts(database.db);
    } catch (e) {
      return [{ status: 'FAIL', what: 'connection', detail: `could not reach ${shownLocation(url)}: ${(e as Error).message}` }];
    }
    const oldEnough = facts.versionNum >= minimumVersion.num;
    checks.push({
      status: oldEnough ? 'ok' : 'FAIL',
      what: 'server version',
      detail: `PostgreSQL ${facts.version}${oldEnough ? '' : `: Daf needs ${minimumVersion.name} or later (the search index is a stored generated column)`}`,
    });
    const utf8 = facts.encoding === 'UTF8';
    checks.push({
      status: utf8 ? 'ok' : 'FAIL',
      what: 'encoding',
      detail: utf8 ? 'UTF8' : `${facts.encoding}: Daf's texts (Hebrew, Greek, emoji…) need UTF8; create the database with ${newDatabaseAdvice}`,
    });
    checks.push(localeCheck(facts));
    checks.push(await migrationCheck(database, 'postgres', `daf migrate --database-url ${shownLocation(url)}`));
    checks.push(await notifyCheck(database, url));
    return checks;
  } finally {
    await database.close();
  }
}

/**
 * The locale PostgreSQL's own character functions follow. Daf relies on none of it for what it
 * needs: search folds case, Latin diacritics and Hebrew points in JavaScript (postgres/search-index.ts),
 * handles are folded before they are stored, and the term parser makes the same terms of Daf's
 * words under any LC_CTYPE (docs/postgres.md §9 has the rare exception, harmless).
 * In `C` (or `POSIX`) those functions know ASCII only, so `lower(email)` — how an account is found
 * by its address for a password reset — folds A–Z only, as SQLite's `lower()` does. Worth knowing,
 * not failing.
 */
function localeCheck(facts: { ctype: string; collate: string; provider: string }): Check {
  const locale = `LC_CTYPE ${facts.ctype}, LC_COLLATE ${facts.collate}${facts.provider === 'libc' ? '' : ` (${facts.provider} provider)`}`;
  if (facts.provider !== 'libc' || !/^(C|POSIX)$/i.test(facts.ctype)) return { status: 'ok', what: 'locale', detail: locale };
  return {
    status: 'warn',
    what: 'locale',
    detail:
      `${locale}: Daf works (it folds case and Hebrew points for search in JavaScript), but PostgreSQL's own lower(), upper(), ILIKE and ` +
      `regular expressions know ASCII letters only here, so finding an account by a non-ASCII e-mail address ignores case only for A–Z, ` +
      `as on SQLite. For full Unicode, create the database with ${newDatabaseAdvice}`,
  };
}

async function migrationCheck(database: OpenDatabase, dialect: DialectName, command: string): Promise<Check> {
  const drift = await migrationDrift(database.db, dialect);
  if (drift.unknown.length) {
    return { status: 'FAIL', what: 'migrations', detail: `has ${drift.unknown.length} this build does not know (${drift.unknown.join(', ')}): a newer Daf wrote it` };
  }
  if (drift.pending.length) {
    return { status: 'FAIL', what: 'migrations', detail: `${drift.pending.length} pending (from ${drift.pending[0]}): run ${command}, or start the server without DAF_MIGRATE=off` };
  }
  return { status: 'ok', what: 'migrations', detail: `up to date (${drift.applied.length}, the last ${drift.applied.at(-1)})` };
}

/** LISTEN where the server would (`DAF_PG_LISTEN_URL`, else the database's URL), NOTIFY through the pool. */
async function notifyCheck(database: OpenDatabase, url: string): Promise<Check> {
  const listenUrl = process.env.DAF_PG_LISTEN_URL ?? url;
  const through = process.env.DAF_PG_LISTEN_URL ? ` (listening through DAF_PG_LISTEN_URL, ${shownLocation(listenUrl)})` : '';
  try {
    const ms = await notifyRoundTrip(database.db, listenUrl, notifyTimeoutMs);
    if (ms !== null) return { status: 'ok', what: 'LISTEN/NOTIFY', detail: `a notification came back in ${ms} ms${through}` };
    return {
      status: 'FAIL',
      what: 'LISTEN/NOTIFY',
      detail: `no notification within ${notifyTimeoutMs / 1000} s${through}: other servers' events reach a stream only at its next poll. Behind a transaction pooler, set DAF_PG_LISTEN_URL to a direct connection`,
    };
  } catch (e) {
    return { status: 'FAIL', what: 'LISTEN/NOTIFY', detail: `could not listen${through}: ${(e as Error).message}` };
  }
}

async function sqliteChecks(file: string): Promise<Check[]> {
  const notApplicable: Check = { status: 'n/a', what: 'LISTEN/NOTIFY', detail: "SQLite: one machine's processes share the file, and streams see each other's events at their next poll" };
  if (!fs.existsSync(file)) return [{ status: 'FAIL', what: 'database file', detail: `no database at ${file}` }, notApplicable];
  let database: OpenDatabase;
  try {
    database = openSqliteReadOnly(file);
  } catch (e) {
    return [{ status: 'FAIL', what: 'database file', detail: `${file} does not open: ${(e as Error).message}` }, notApplicable];
  }
  try {
    const { version, journalMode: mode } = sqliteFacts(database.sqlite);
    return [
      { status: 'ok', what: 'database file', detail: `${file} opens (SQLite ${version})` },
      mode === 'wal'
        ? { status: 'ok', what: 'journal mode', detail: 'WAL' }
        : {
            status: 'FAIL',
            what: 'journal mode',
            detail: `${mode}, not WAL: Daf sets WAL when it opens the file, so readers never wait for a writer; if a server has run on it, the file system refuses WAL (a network file system?)`,
          },
      await migrationCheck(database, 'sqlite', `daf migrate --db ${file}`),
      notApplicable,
    ];
  } finally {
    await database.close();
  }
}
