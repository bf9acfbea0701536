/**
 * The PostgreSQL side of `daf migrate-to-postgres` (docs/postgres.md §8): what the target holds,
 * its schema as the catalog describes it (so that whatever a later migration adds is copied too),
 * and the statements of the copy. Every function runs on the caller's connection, inside the one
 * transaction the caller began (`openPostgresConnection`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

/** The migrator's own tables: made by running the migrations, never copied, and no sign of content. */
export const migratorTables = ['kysely_migration', 'kysely_migration_lock'];

export interface TargetColumn {
  name: string;
  /** As information_schema names it: `integer`, `text`, `double precision`, `boolean`, `bytea`, … */
  type: string;
  /** An identity column, whose sequence must be moved past the copied ids. */
  identity: boolean;
}

export interface TargetTable {
  name: string;
  /** The columns a row is written with, in the table's order (generated columns left out). */
  columns: TargetColumn[];
  /** The primary key's columns, in its order (empty when there is none). */
  primaryKey: string[];
}

export interface ForeignKey {
  name: string;
  table: string;
  references: string;
  /** Whether its columns may be null: a row can be written before the row it refers to. */
  nullable: boolean;
  /** As `pg_get_constraintdef` gives it, to add the constraint again. */
  definition: string;
}

type Db = Kysely<any>;

/**
 * Begins the transaction, free of the time limits a role may carry for its web requests: adding a
 * foreign key back checks every row, which may take longer than a request is allowed.
 */
export async function begin(db: Db): Promise<void> {
  await sql`BEGIN`.execute(db);
  await sql`SET LOCAL statement_timeout = 0`.execute(db);
  await sql`SET LOCAL idle_in_transaction_session_timeout = 0`.execute(db);
}

export async function commit(db: Db): Promise<void> {
  await sql`COMMIT`.execute(db);
}

/**
 * Vacuums every table and gathers the planner's statistics, as a database in use has them: after
 * the commit (VACUUM runs in no transaction), since the copy's rows are new to both the planner
 * and the visibility map that lets an index answer alone.
 */
export async function vacuumAnalyze(db: Db): Promise<void> {
  await sql`VACUUM (ANALYZE)`.execute(db);
}

export async function rollback(db: Db): Promise<void> {
  await sql`ROLLBACK`.execute(db);
}

/** Which connection and transaction this is: the same mark before COMMIT proves nothing ran outside it. */
export async function transactionMark(db: Db): Promise<string> {
  const { rows } = await sql<{ mark: string }>`SELECT pg_backend_pid() || ' ' || now()::text AS mark`.execute(db);
  return rows[0].mark;
}

/** The most rows `tablesHoldingRows` counts in a table (it answers one more for "more"). */
export const countedRows = 1000;

/** The tables of the current schema that hold rows (the migrator's aside), with how many, up to `countedRows` + 1. */
export async function tablesHoldingRows(db: Db): Promise<{ table: string; rows: number }[]> {
  const { rows: tables } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const held: { table: string; rows: number }[] = [];
  for (const { name } of tables) {
    if (migratorTables.includes(name)) continue;
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM ${sql.id(name)} LIMIT ${sql.lit(countedRows + 1)}) AS sample`.execute(db);
    if (rows[0].n > 0) held.push({ table: name, rows: rows[0].n });
  }
  return held;
}

/** The base tables of the current schema, their columns, primary keys and foreign keys, from the catalog. */
export async function targetSchema(db: Db): Promise<{ tables: TargetTable[]; foreignKeys: ForeignKey[] }> {
  const { rows: columns } = await sql<{ table: string; name: string; type: string; identity: string; generated: string }>`
    SELECT c.table_name AS "table", c.column_name AS name, c.data_type AS type, c.is_identity AS identity, c.is_generated AS generated
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const { rows: keys } = await sql<{ table: string; column: string }>`
    SELECT cl.relname AS "table", a.attname AS "column"
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
    WHERE con.contype = 'p' AND cl.relnamespace = current_schema()::regnamespace
    ORDER BY cl.relname, k.ord`.execute(db);
  const { rows: foreignKeys } = await sql<ForeignKey>`
    SELECT con.conname AS name, cl.relname AS "table", ref.relname AS "references", pg_get_constraintdef(con.oid) AS definition,
      (SELECT bool_and(NOT a.attnotnull) FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)) AS nullable
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    JOIN pg_class ref ON ref.oid = con.confrelid
    WHERE con.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace
    ORDER BY cl.relname, con.conname`.execute(db);
  const tables = new Map<string, TargetTable>();
  for (const c of columns) {
    const table = tables.get(c.table) ?? { name: c.table, columns: [], primaryKey: [] };
    tables.set(c.table, table);
    if (c.generated !== 'ALWAYS') table.columns.push({ name: c.name, type: c.type, identity: c.identity === 'YES' });
  }
  for (const k of keys) tables.get(k.table)?.primaryKey.push(k.column);
  return { tables: [...tables.values()], foreignKeys };
}

export async function dropConstraint(db: Db, fk: ForeignKey): Promise<void> {
  await sql`ALTER TABLE ${sql.id(fk.table)} DROP CONSTRAINT ${sql.id(fk.name)}`.execute(db);
}

/** Adds the constraint again, which checks every row against it. */
export async function addConstraint(db: Db, fk: ForeignKey): Promise<void> {
  await sql`ALTER TABLE ${sql.id(fk.table)} ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(db);
}

/**
 * Inserts rows (each its values in `columns`' order) in one statement, ids as given even in an
 * identity column. The caller keeps rows × columns within PostgreSQL's 65,535 parameters.
 */
export async function insertRows(db: Db, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const values = rows.map((row) => sql`(${sql.join(row)})`);
  await sql`INSERT INTO ${sql.id(table)} (${sql.join(columns.map((c) => sql.id(c)))}) OVERRIDING SYSTEM VALUE VALUES ${sql.join(values)}`.execute(db);
}

/** Moves an identity column's sequence so that the next row gets the id after the greatest (1 in an empty table). */
export async function restartIdentity(db: Db, table: string, column: string): Promise<void> {
  await sql`SELECT setval(pg_get_serial_sequence(quote_ident(${table}), ${column}), coalesce(max(${sql.id(column)}), 0) + 1, false)
    FROM ${sql.id(table)}`.execute(db);
}

/** A column to order by, as `orderedRows` and its SQLite twin take it: text is ordered by its bytes on both. */
export interface OrderColumn {
  name: string;
  text: boolean;
}

/**
 * A table's rows, each its values in `columns`' order, ordered by `orderBy`, read through a
 * cursor `batch` rows at a time (so a large table is never held whole).
 */
export async function* orderedRows(db: Db, table: string, columns: string[], orderBy: OrderColumn[], batch = 2000): AsyncGenerator<unknown[]> {
  const order: RawBuilder<unknown>[] = orderBy.map((c) => (c.text ? sql`${sql.id(c.name)} COLLATE "C"` : sql`${sql.id(c.name)}`));
  await sql`DECLARE daf_rows NO SCROLL CURSOR FOR SELECT ${sql.join(columns.map((c) => sql.id(c)))} FROM ${sql.id(table)}
    ${order.length ? sql`ORDER BY ${sql.join(order)}` : sql``}`.execute(db);
  // Closed however the reader stops, unless a FETCH failed (the transaction is then aborted, and
  // CLOSE would only hide why).
  let failed = false;
  try {
    for (;;) {
      const { rows } = await sql<Record<string, unknown>>`FETCH FORWARD ${sql.lit(batch)} FROM daf_rows`.execute(db).catch((e: unknown) => {
        failed = true;
        throw e;
      });
      for (const row of rows) yield columns.map((c) => row[c]);
      if (rows.length < batch) break;
    }
  } finally {
    if (!failed) await sql`CLOSE daf_rows`.execute(db);
  }
}
