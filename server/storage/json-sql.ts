/**
 * The few words of SQL that building JSON in the database needs and that differ between the
 * dialects (docs/postgres.md §3): quoting a string as JSON, joining rows' JSON with commas in
 * order, and handing the result over as bytes. gloss-listing.ts builds every gloss's and reply's
 * JSON with them.
 */
import type { RawBuilder } from 'kysely';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { postgresJsonSql } from './postgres/json-sql.ts';
import { sqliteJsonSql } from './sqlite/json-sql.ts';

export interface JsonSql {
  /** A text value as a JSON string (null stays null, for a `coalesce(…, 'null')`). */
  quote(expr: RawBuilder<unknown>): RawBuilder<string>;
  /** The rows' JSON texts joined with commas, in the order of `orderBy` (SQLite: the subquery's). */
  join(expr: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<string>;
  /** Text as bytes (a Buffer on both), so the listing reaches the response without becoming a string. */
  bytes(expr: RawBuilder<unknown>): RawBuilder<Buffer>;
}

/** The JSON words of the handle's dialect. */
export function jsonSql(db: DB): JsonSql {
  return dialectOf(db) === 'sqlite' ? sqliteJsonSql : postgresJsonSql;
}
