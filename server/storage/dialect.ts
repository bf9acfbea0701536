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
