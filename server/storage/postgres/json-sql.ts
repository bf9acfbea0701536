/**
 * Building JSON in PostgreSQL (json-sql.ts): `to_json` of the value as text (a bare parameter has
 * no type of its own to quote by), `string_agg` ordered in the aggregate itself, and `bytea`.
 */
import { sql } from 'kysely';
import type { JsonSql } from '../json-sql.ts';

export const postgresJsonSql: JsonSql = {
  quote: (expr) => sql<string>`to_json(CAST(${expr} AS text))::text`,
  join: (expr, orderBy) => sql<string>`string_agg(${expr}, ',' ORDER BY ${orderBy})`,
  bytes: (expr) => sql<Buffer>`convert_to(${expr}, 'UTF8')`,
};
