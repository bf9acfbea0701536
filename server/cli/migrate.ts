/**
 * `daf migrate [--status]` (docs/postgres.md §2): brings the database's schema to the latest and
 * prints what ran, or, with `--status`, prints which migrations the database has and which it
 * lacks, changing nothing. Several processes starting at once migrate once either way (SQLite's
 * writer lock, PostgreSQL's advisory lock); this command is for running it by hand, as before a
 * deployment whose servers start with `DAF_MIGRATE=off`.
 */
import { migrateToLatest, migrationStatus } from '../storage/migrate.ts';
import { openDatabase } from '../storage/open-database.ts';

export async function migrateCommand({ values, db }: { values: Record<string, unknown>; db: string }) {
  const database = await openDatabase(db, { migrate: false });
  try {
    const before = await migrationStatus(database.db, database.dialect);
    if (values.status) {
      const applied = before.filter((m) => m.executedAt !== null).map((m) => m.name);
      const pending = before.filter((m) => m.executedAt === null).map((m) => m.name);
      process.stdout.write(`${JSON.stringify({ dialect: database.dialect, applied, pending })}\n`);
      return;
    }
    await migrateToLatest(database.db, database.dialect);
    const ran = before.filter((m) => m.executedAt === null).map((m) => m.name);
    process.stdout.write(`${JSON.stringify({ dialect: database.dialect, ran, latest: before.at(-1)?.name ?? null })}\n`);
  } finally {
    await database.close();
  }
}
