/**
 * Building JSON in SQLite (json-sql.ts): `json_quote`, `group_concat` (which keeps the order its
 * subquery gives), and a BLOB.
 */
import { sql } from 'kysely';
import type { JsonSql } from '../json-sql.ts';

export const sqliteJsonSql: JsonSql = {
  quote: (expr) => sql<string>`json_quote(${expr})`,
  join: (expr) => sql<string>`group_concat(${expr}, ',')`,
  bytes: (expr) => sql<Buffer>`CAST(${expr} AS BLOB)`,
};
