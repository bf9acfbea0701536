/**
 * `daf backup OUT.db`: an online backup through SQLite's backup API, consistent even while a
 * server writes to the database. Refuses to overwrite an existing file.
 */
import fs from 'node:fs';
import { AppError } from '../errors.ts';
import { isPostgresUrl, openDatabase } from '../storage/open-database.ts';
import { UsageError } from './usage-error.ts';

export async function backupCommand({ positionals, db }: { positionals: string[]; db: string }) {
  if (positionals.length !== 1) throw new UsageError('backup takes one OUT.db');
  const out = positionals[0];
  if (isPostgresUrl(db)) throw new UsageError('backup copies a SQLite database file; back a PostgreSQL database up with pg_dump');
  if (fs.existsSync(out)) throw new AppError('exists', 409, `${out} exists already; choose a new file`);
  if (!fs.existsSync(db)) throw new AppError('not_found', 404, `No database at ${db}`);
  const database = await openDatabase(db);
  try {
    const { totalPages } = await database.sqlite.backup(out);
    process.stdout.write(`${JSON.stringify({ backup: out, pages: totalPages })}\n`);
  } finally {
    await database.close();
  }
}
