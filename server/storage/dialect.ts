/**
 * Which dialect a Kysely handle (or a transaction of one) speaks, for the few storage modules
 * whose SQL differs between SQLite and PostgreSQL (docs/postgres.md §3). Everything else is
 * shared Kysely and never asks.
 */
import { SqliteAdapter } from 'kysely';
import type { DB } from './database.ts';
import type { DialectName } from './open-database.ts';

export function dialectOf(db: DB): DialectName {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}

/**
 * Whether an error is a unique constraint refusing a row, on either dialect: SQLite's
 * `SQLITE_CONSTRAINT_UNIQUE` (or its primary key twin) or PostgreSQL's SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
