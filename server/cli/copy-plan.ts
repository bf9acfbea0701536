/**
 * What `daf migrate-to-postgres` copies, and in what order (docs/postgres.md §8): the tables of
 * the PostgreSQL schema, as its catalog lists them after the migrations ran, each matched with
 * its SQLite twin; parents before the tables that refer to them. Pure: the catalog and the
 * snapshot are read by the storage modules.
 */
import { AppError } from '../errors.ts';
import type { ForeignKey, OrderColumn, TargetTable } from '../storage/postgres/copy-target.ts';
import type { SourceTable } from '../storage/sqlite/snapshot.ts';

/**
 * Tables PostgreSQL has that are not copied but made again from the copied rows: the search
 * index, an FTS5 virtual table on SQLite and a table of terms on PostgreSQL (docs/postgres.md §4).
 */
export const rebuiltTables = ['search_index'];

/** A table to copy: its columns (PostgreSQL's, which SQLite has too), and the order to read its rows in. */
export interface CopiedTable extends TargetTable {
  orderBy: OrderColumn[];
}

/**
 * The PostgreSQL tables to copy (all but `skipped` and the rebuilt ones), each checked against
 * the SQLite snapshot: both must hold the same tables, and each SQLite table every column its
 * PostgreSQL twin writes. SQLite's own tables (the migrator's, the search index's) are passed
 * over. Both databases are at the same migration when this runs, so a mismatch is a fault of the
 * schemas, reported rather than copied around.
 */
export function copiedTables(target: TargetTable[], source: SourceTable[], skipped: string[]): CopiedTable[] {
  const problems: string[] = [];
  const sourceByName = new Map(source.map((t) => [t.name, t]));
  const copied: CopiedTable[] = [];
  for (const table of target) {
    if (skipped.includes(table.name) || rebuiltTables.includes(table.name)) continue;
    const twin = sourceByName.get(table.name);
    if (!twin) {
      problems.push(`PostgreSQL has a table "${table.name}" that SQLite lacks`);
      continue;
    }
    const missing = table.columns.filter((c) => !twin.columns.includes(c.name)).map((c) => c.name);
    const extra = twin.columns.filter((c) => !table.columns.some((t) => t.name === c));
    if (missing.length) problems.push(`SQLite's "${table.name}" lacks ${missing.join(', ')}`);
    if (extra.length) problems.push(`PostgreSQL's "${table.name}" lacks ${extra.join(', ')}`);
    const key = table.primaryKey.length ? table.primaryKey : table.columns.map((c) => c.name);
    const orderBy = key.map((name) => ({ name, text: table.columns.find((c) => c.name === name)?.type === 'text' }));
    copied.push({ ...table, orderBy });
  }
  const targetNames = new Set(target.map((t) => t.name));
  for (const t of source) {
    if (!t.virtual && !skipped.includes(t.name) && !targetNames.has(t.name)) problems.push(`SQLite has a table "${t.name}" that PostgreSQL lacks`);
  }
  if (problems.length) {
    throw new AppError('schema_mismatch', 409, `The two schemas differ, so not everything would be copied: ${problems.join('; ')}`);
  }
  return copied;
}

/**
 * The tables in an order that puts every table after those its foreign keys refer to, and the
 * foreign keys no order can satisfy: a table's reference to itself (a reply's parent), and one
 * edge of each cycle — a nullable one where there is one (a gloss's accepted reply, since a
 * reply's gloss is not null). Those are dropped for the copy and added again after it, which
 * checks every row against them. At each step the first table by name whose references are all
 * placed comes next; failing that, the first whose unplaced references may be null; failing
 * that (a cycle of non-null keys), the first left. So the order is always the same.
 */
export function copyOrder(tables: string[], foreignKeys: ForeignKey[]): { order: string[]; deferred: ForeignKey[] } {
  const known = new Set(tables);
  const keysOf = new Map(tables.map((t) => [t, foreignKeys.filter((k) => k.table === t && known.has(k.references))]));
  const placed = new Set<string>();
  const order: string[] = [];
  const deferred: ForeignKey[] = [];
  const remaining = [...tables].sort();
  const waitsFor = (table: string, k: ForeignKey) => k.references !== table && !placed.has(k.references);
  while (remaining.length) {
    const next =
      remaining.find((t) => !keysOf.get(t)!.some((k) => waitsFor(t, k))) ??
      remaining.find((t) => !keysOf.get(t)!.some((k) => waitsFor(t, k) && !k.nullable)) ??
      remaining[0];
    deferred.push(...keysOf.get(next)!.filter((k) => !placed.has(k.references)));
    placed.add(next);
    order.push(next);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return { order, deferred };
}
