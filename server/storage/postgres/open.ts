/**
 * Opens a PostgreSQL database through Kysely's PostgreSQL dialect and a `pg` pool
 * (docs/postgres.md §1), and brings its schema to the latest (unless `migrate` is off).
 */
import pg from 'pg';
import { Kysely, PostgresDialect, type LogConfig } from 'kysely';
import type { Database } from '../database.ts';
import { migrateToLatest } from '../migrate.ts';
import type { OpenDatabase } from '../open-database.ts';

// Counts and bigint ids arrive as int8, which `pg` gives as strings so as to lose nothing; Daf's
// counts and ids stay far below 2^53, so they are read as numbers, as SQLite gives them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface PostgresOptions {
  /** Connections in the pool (`DAF_PG_POOL_MAX`, 10 by default). */
  poolMax?: number;
  /** Whether to run pending migrations on opening (`DAF_MIGRATE`, on by default). */
  migrate?: boolean;
  /** Kysely's `log`: told of every statement run (the tests count statements with it). */
  log?: LogConfig;
}

/**
 * The database at `url` on one connection, which every statement uses in turn: for work that
 * must stay in one transaction across many statements and a migration (`daf
 * migrate-to-postgres`). Never migrates. If the connection drops, later statements fail rather
 * than run, outside the transaction, on a new one.
 */
export async function openPostgresConnection(url: string): Promise<OpenDatabase> {
  const client = new pg.Client({ connectionString: url });
  // A dropped connection also fails the statement that was waiting on it; no process crash.
  client.on('error', () => {});
  await client.connect();
  const held = Object.assign(client, { release: () => {} });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => held, end: () => client.end() } }) });
  return opened(db);
}

/** Opens the database at `url` (postgres://…). */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolMax ?? 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log });
  try {
    if (options.migrate !== false) await migrateToLatest(db, 'postgres');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return opened(db);
}

/** A Kysely handle on PostgreSQL as an `OpenDatabase`. */
function opened(db: Kysely<Database>): OpenDatabase {
  return {
    db,
    dialect: 'postgres',
    get sqlite(): never {
      throw new Error('This database is PostgreSQL: the raw SQLite connection exists only on SQLite');
    },
    close: async () => {
      await db.destroy();
    },
  };
}
