/**
 * Runs the migrations in `migrations/`, in name order. They are imported statically so the
 * migrator works the same from source, from a bundle and in tests. A SQLite database replays
 * them all; a PostgreSQL database starts from a baseline equal to SQLite's schema after
 * `2026_12_07_115_read_first` (postgres/baseline.ts), and both run every migration written
 * after it (docs/postgres.md §2).
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import * as core from './migrations/2026_11_27_001_core.ts';
import * as search from './migrations/2026_11_27_002_search.ts';
import * as groups from './migrations/2026_11_27_003_groups.ts';
import * as hiddenFrom from './migrations/2026_11_27_004_hidden_from.ts';
import * as tokenScope from './migrations/2026_12_05_001_token_scope.ts';
import * as eventItem from './migrations/2026_12_05_201_event_item.ts';
import * as searchRowids from './migrations/2026_12_05_301_search_rowids.ts';
import * as versionBytes from './migrations/2026_12_05_302_version_bytes.ts';
import * as attributionEdited from './migrations/2026_12_05_401_attribution_edited.ts';
import * as textParallel from './migrations/2026_12_05_402_text_parallel.ts';
import * as accounts from './migrations/2026_12_06_001_accounts.ts';
import * as email from './migrations/2026_12_06_002_email.ts';
import * as notifications from './migrations/2026_12_06_103_notifications.ts';
import * as passwordReset from './migrations/2026_12_06_105_password_reset.ts';
import * as readState from './migrations/2026_12_06_108_read_state.ts';
import * as readingPlans from './migrations/2026_12_06_109_reading_plans.ts';
import * as digests from './migrations/2026_12_06_110_digests.ts';
import * as invited from './migrations/2026_12_06_111_invited.ts';
import * as questions from './migrations/2026_12_06_112_questions.ts';
import * as stances from './migrations/2026_12_06_113_stances.ts';
import * as decisions from './migrations/2026_12_06_114_decisions.ts';
import * as readFirst from './migrations/2026_12_07_115_read_first.ts';
import * as sharedLimits from './migrations/2026_12_07_116_shared_limits.ts';
import * as federation from './migrations/2026_12_07_117_federation.ts';
import * as remotePeople from './migrations/2026_12_07_118_remote_people.ts';
import * as dafToDaf from './migrations/2026_12_07_119_daf_to_daf.ts';
import * as fedRemoved from './migrations/2026_12_07_120_fed_removed.ts';
import * as mirrorGroup from './migrations/2026_12_07_121_mirror_group.ts';
import * as fedQueueLanes from './migrations/2026_12_07_122_fed_queue_lanes.ts';
import * as postgresBaseline from './postgres/baseline.ts';
import type { DialectName } from './open-database.ts';

/** SQLite's history, up to the PostgreSQL baseline. */
const sqliteHistory: Record<string, Migration> = {
  '2026_11_27_001_core': core,
  '2026_11_27_002_search': search,
  '2026_11_27_003_groups': groups,
  '2026_11_27_004_hidden_from': hiddenFrom,
  '2026_12_05_001_token_scope': tokenScope,
  '2026_12_05_201_event_item': eventItem,
  '2026_12_05_301_search_rowids': searchRowids,
  '2026_12_05_302_version_bytes': versionBytes,
  '2026_12_05_401_attribution_edited': attributionEdited,
  '2026_12_05_402_text_parallel': textParallel,
  '2026_12_06_001_accounts': accounts,
  '2026_12_06_002_email': email,
  '2026_12_06_103_notifications': notifications,
  '2026_12_06_105_password_reset': passwordReset,
  '2026_12_06_108_read_state': readState,
  '2026_12_06_109_reading_plans': readingPlans,
  '2026_12_06_110_digests': digests,
  '2026_12_06_111_invited': invited,
  '2026_12_06_112_questions': questions,
  '2026_12_06_113_stances': stances,
  '2026_12_06_114_decisions': decisions,
  '2026_12_07_115_read_first': readFirst,
};

/**
 * Migrations written after the baseline: each runs on both dialects (write them with Kysely's
 * schema builder and portable SQL; `autoIncrement()` is SQLite's only).
 */
const shared: Record<string, Migration> = {
  '2026_12_07_116_shared_limits': sharedLimits,
  '2026_12_07_117_federation': federation,
  '2026_12_07_118_remote_people': remotePeople,
  '2026_12_07_119_daf_to_daf': dafToDaf,
  '2026_12_07_120_fed_removed': fedRemoved,
  '2026_12_07_121_mirror_group': mirrorGroup,
  '2026_12_07_122_fed_queue_lanes': fedQueueLanes,
};

/** Every migration a database of the dialect runs, by name. */
export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  const start = dialect === 'sqlite' ? sqliteHistory : { '2026_12_07_115_postgres_baseline': postgresBaseline };
  return { ...start, ...shared };
}

/**
 * Brings the database to the latest schema; throws if a migration fails. `inOpenTransaction`:
 * `db` runs every statement on one connection on which the caller has begun a transaction
 * (`daf migrate-to-postgres`), so the migrator opens none of its own.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName, { inOpenTransaction = false } = {}): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) }, disableTransactions: inOpenTransaction });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** Every migration of the dialect, in order, and when it ran on this database (null: not yet). */
export async function migrationStatus(db: Kysely<any>, dialect: DialectName): Promise<{ name: string; executedAt: string | null }[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) } });
  return (await migrator.getMigrations()).map((m) => ({ name: m.name, executedAt: m.executedAt ? m.executedAt.toISOString() : null }));
}

/**
 * How far the database is from this build's migrations: those it lacks (`pending`), and those it
 * has that this build does not know (`unknown`: a newer build wrote it). Changes nothing.
 */
export async function migrationDrift(db: Kysely<any>, dialect: DialectName): Promise<{ applied: string[]; pending: string[]; unknown: string[] }> {
  const status = await migrationStatus(db, dialect);
  const known = new Set(status.map((m) => m.name));
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const recorded = tables.some((t) => t.name === 'kysely_migration')
    ? (await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()).map((r: { name: string }) => r.name)
    : [];
  return {
    applied: status.filter((m) => m.executedAt !== null).map((m) => m.name),
    pending: status.filter((m) => m.executedAt === null).map((m) => m.name),
    unknown: recorded.filter((name) => !known.has(name)),
  };
}
