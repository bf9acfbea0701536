/**
 * `daf migrate-to-postgres --from FILE.db --to postgres://URL [--dry-run]` (docs/postgres.md §8):
 * moves a community from SQLite to PostgreSQL. A consistent snapshot of the file (SQLite's online
 * backup, safe while a server writes to it) is copied into an empty PostgreSQL database in one
 * transaction (copy-to-postgres.ts), ids, sessions and tokens as they are, and proved table by
 * table; `--dry-run` does all of it and rolls back. The file must be at this build's latest
 * migration: it is refused otherwise, never migrated here (`daf migrate --db FILE.db` does that).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { migrationDrift } from '../storage/migrate.ts';
import { isPostgresUrl, shownLocation, type OpenDatabase } from '../storage/open-database.ts';
import { openPostgresConnection } from '../storage/postgres/open.ts';
import { openSqlite } from '../storage/sqlite/open.ts';
import { snapshotSqlite } from '../storage/sqlite/snapshot.ts';
import { copyToPostgres, type CopyResult } from './copy-to-postgres.ts';
import { UsageError } from './usage-error.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

export async function migrateToPostgresCommand({ values, positionals }: { values: Record<string, unknown>; positionals: string[] }) {
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  if (positionals.length) throw new UsageError(`migrate-to-postgres takes no ${positionals[0]}: name the databases with --from and --to`);
  if (values.db !== undefined || values['database-url'] !== undefined) {
    throw new UsageError('migrate-to-postgres takes --from FILE.db and --to postgres://URL, not --db or --database-url');
  }
  if (!from || isPostgresUrl(from)) throw new UsageError('migrate-to-postgres needs --from FILE.db, the SQLite database to copy');
  if (!to || !isPostgresUrl(to)) throw new UsageError('migrate-to-postgres needs --to postgres://…, the empty PostgreSQL database to copy into');
  if (!fs.existsSync(from)) throw new AppError('not_found', 404, `No database at ${from}`);
  const dryRun = values['dry-run'] === true;
  const started = performance.now();

  // The snapshot goes to the system's temporary folder (TMPDIR): it needs as much room as the file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-migrate-'));
  let result: CopyResult;
  try {
    const snapshot = path.join(dir, 'snapshot.db');
    await snapshotSqlite(from, snapshot);
    log(`Took a snapshot of ${from} (${(fs.statSync(snapshot).size / 1024 / 1024).toFixed(1)} MiB)`);
    const source = await openSqlite(snapshot, { migrate: false });
    try {
      await requireLatest(source, from);
      const targetDb = await connect(to);
      try {
        log(`Copying into ${shownLocation(to)}${dryRun ? ' (dry run: rolled back at the end)' : ''}, in one transaction`);
        result = await copyToPostgres(source, targetDb.db, { dryRun, log });
      } finally {
        await targetDb.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printComparison(result);
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const differing = result.comparisons.filter((c) => c.differences.length > 0);
  if (differing.length) {
    throw new AppError('copy_differs', 409, `${differing.length} tables differ after the copy (above); nothing was committed, the target is as it was (${took})`);
  }
  const tables = `${result.comparisons.length} tables, ${result.rows} rows`;
  log(result.committed ? `Copied ${tables} to PostgreSQL in ${took}` : `Dry run: would copy ${tables}; rolled back, the target is as it was (${took})`);
}

/** Refuses a snapshot whose migrations are not exactly this build's. */
async function requireLatest(source: OpenDatabase, file: string): Promise<void> {
  const drift = await migrationDrift(source.db, 'sqlite');
  if (drift.unknown.length) {
    throw new AppError('migrations_unknown', 409, `${file} has migrations this build of Daf does not know (${drift.unknown.join(', ')}): copy it with the build that wrote it`);
  }
  if (drift.pending.length) {
    throw new AppError('migrations_pending', 409, `${file} lacks ${drift.pending.length} of this build's migrations (from ${drift.pending[0]}): run daf migrate --db ${file} first`);
  }
}

async function connect(url: string): Promise<OpenDatabase> {
  try {
    return await openPostgresConnection(url);
  } catch (e) {
    throw new AppError('unreachable', 503, `Could not connect to ${shownLocation(url)}: ${(e as Error).message}`);
  }
}

/** The comparison, a line a table, then every difference found. */
function printComparison({ comparisons }: CopyResult): void {
  const width = Math.max(5, ...comparisons.map((c) => c.table.length));
  log(`${'table'.padEnd(width)}  ${'rows'.padStart(9)}  sha256 (first 16)   check`);
  for (const c of comparisons) {
    const same = c.differences.length === 0;
    const rows = c.source.rows === c.target.rows ? String(c.source.rows) : `${c.source.rows}≠${c.target.rows}`;
    log(`${c.table.padEnd(width)}  ${rows.padStart(9)}  ${c.source.sha256.slice(0, 16)}    ${same ? 'ok' : 'DIFFERS'}`);
  }
  for (const c of comparisons) for (const line of c.differences) log(`  ${line}`);
}
