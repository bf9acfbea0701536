/**
 * The copy of `daf migrate-to-postgres` (docs/postgres.md §8), in one PostgreSQL transaction on
 * one connection: refuse a target that holds rows, run Daf's migrations there, copy every table
 * in foreign-key order keeping its ids, move each identity past the greatest id, index every item
 * for search, compare both sides table by table, then commit — or roll back, after a dry run or a
 * difference, leaving the target as it was.
 */
import { AppError } from '../errors.ts';
import { migrateToLatest, migrationStatus } from '../storage/migrate.ts';
import type { OpenDatabase } from '../storage/open-database.ts';
import * as target from '../storage/postgres/copy-target.ts';
import { indexEveryItem, indexedItemCount } from '../storage/search-index.ts';
import { countRows, orderedSqliteRows, sourceTables } from '../storage/sqlite/snapshot.ts';
import { copiedTables, copyOrder, type CopiedTable } from './copy-plan.ts';
import { compareTable, type TableComparison } from './table-compare.ts';

/** PostgreSQL takes at most 65,535 parameters in one statement. */
const maxParameters = 65_535;
/** At most this many rows, and about this many bytes of text, go in one INSERT. */
const maxRowsPerInsert = 5000;
const maxBytesPerInsert = 8 * 1024 * 1024;
/** How often a long table's progress is printed, in ms. */
const progressEveryMs = 5000;

export interface CopyResult {
  comparisons: TableComparison[];
  rows: number;
  /** Items indexed for search on PostgreSQL, and in SQLite's index. */
  indexed: { target: number; source: number };
  committed: boolean;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Copies the SQLite snapshot `source` into `db`, a PostgreSQL database on one connection (`openPostgresConnection`). */
export async function copyToPostgres(source: OpenDatabase, db: OpenDatabase['db'], { dryRun, log }: { dryRun: boolean; log: (line: string) => void }): Promise<CopyResult> {
  await target.begin(db);
  let result: Omit<CopyResult, 'committed'>;
  try {
    result = await copyInTransaction(source, db, log);
    if (dryRun || result.comparisons.some((c) => c.differences.length > 0)) {
      await target.rollback(db);
      return { ...result, committed: false };
    }
    await target.commit(db);
  } catch (e) {
    await target.rollback(db).catch(() => {});
    throw e;
  }
  // Fresh rows have no statistics and no visibility map yet: the first queries would be planned blind.
  const vacuuming = performance.now();
  await target.vacuumAnalyze(db);
  log(`Vacuumed and gathered the planner's statistics (VACUUM (ANALYZE)) [${seconds(vacuuming)}]`);
  return { ...result, committed: true };
}

async function copyInTransaction(source: OpenDatabase, db: OpenDatabase['db'], log: (line: string) => void): Promise<Omit<CopyResult, 'committed'>> {
  const mark = await target.transactionMark(db);
  const held = await target.tablesHoldingRows(db);
  if (held.length) {
    const which = held.map((h) => `${h.table} (${h.rows > target.countedRows ? `over ${target.countedRows}` : h.rows})`).join(', ');
    throw new AppError('target_not_empty', 409, `The target database holds rows already: ${which}. migrate-to-postgres copies into an empty database only (a server started on it loads the demo); create a new one (createdb -E UTF8 …) and copy into that`);
  }
  const before = await migrationStatus(db, 'postgres');
  await migrateToLatest(db, 'postgres', { inOpenTransaction: true });
  const ran = before.filter((m) => m.executedAt === null).map((m) => m.name);
  log(ran.length ? `Migrated the target: ${ran.join(', ')}` : 'The target is at the latest migration already');

  const schema = await target.targetSchema(db);
  const tables = copiedTables(schema.tables, sourceTables(source.sqlite), target.migratorTables);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const { order, deferred } = copyOrder([...byName.keys()], schema.foreignKeys);
  for (const fk of deferred) await target.dropConstraint(db, fk);
  let rows = 0;
  for (const name of order) rows += await copyTable(source, db, byName.get(name)!, log);
  // Adding them again checks every copied row against them.
  for (const fk of deferred) await target.addConstraint(db, fk);
  for (const table of tables) for (const c of table.columns.filter((c) => c.identity)) await target.restartIdentity(db, table.name, c.name);

  const indexing = performance.now();
  const indexed = { target: await indexEveryItem(db), source: await indexedItemCount(source.db) };
  log(`Indexed ${indexed.target} items for search (${seconds(indexing)}); SQLite's index held ${indexed.source}`);

  const comparisons: TableComparison[] = [];
  const verifying = performance.now();
  for (const name of order) {
    const t = byName.get(name)!;
    const columns = t.columns.map((c) => c.name);
    const key = t.orderBy.map((o) => columns.indexOf(o.name));
    const sourceRows = orderedSqliteRows(source.sqlite, t.name, columns, t.orderBy);
    comparisons.push(await compareTable(t.name, columns, key, sourceRows, target.orderedRows(db, t.name, columns, t.orderBy)));
  }
  log(`Compared ${comparisons.length} tables (${seconds(verifying)})`);
  if ((await target.transactionMark(db)) !== mark) throw new Error('The connection to PostgreSQL changed during the copy: nothing is committed');
  return { comparisons, rows, indexed };
}

/** Copies one table in multi-row INSERTs, printing its progress; returns how many rows. */
async function copyTable(source: OpenDatabase, db: OpenDatabase['db'], table: CopiedTable, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const total = countRows(source.sqlite, table.name);
  const columns = table.columns.map((c) => c.name);
  const convert = table.columns.map((c) => (c.type === 'boolean' ? (v: unknown) => (v === null ? null : Boolean(v)) : (v: unknown) => v));
  const perInsert = Math.min(maxRowsPerInsert, Math.floor(maxParameters / columns.length));
  let batch: unknown[][] = [];
  let bytes = 0;
  let copied = 0;
  let shown = started;
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      await target.insertRows(db, table.name, columns, batch);
    } catch (e) {
      throw new Error(`Copying ${table.name} (rows ${copied + 1} to ${copied + batch.length} of ${total}): ${(e as Error).message}`, { cause: e });
    }
    copied += batch.length;
    [batch, bytes] = [[], 0];
    if (performance.now() - shown > progressEveryMs) {
      shown = performance.now();
      log(`  ${table.name}: ${copied} of ${total} rows…`);
    }
  };
  for (const row of orderedSqliteRows(source.sqlite, table.name, columns, table.orderBy)) {
    batch.push(row.map((v, i) => convert[i](v)));
    for (const v of row) if (typeof v === 'string' || v instanceof Uint8Array) bytes += v.length;
    if (batch.length >= perInsert || bytes >= maxBytesPerInsert) await flush();
  }
  await flush();
  log(`Copied ${table.name}: ${copied} rows (${seconds(started)})`);
  return copied;
}
