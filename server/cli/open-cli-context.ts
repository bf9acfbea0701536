/**
 * Opening the database for a one-shot command, and closing it whatever happens. Commands act for
 * the operator, so the storage quotas that bound accounts on the web do not apply to them.
 */
import { createContext } from '../main.ts';
import type { AppContext } from '../services/context.ts';
import { openDatabase, type OpenDatabase } from '../storage/open-database.ts';

export async function withContext<T>(dbPath: string, run: (ctx: AppContext, database: OpenDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase(dbPath);
  try {
    return await run(createContext(database.db, {}, { quotas: null }), database);
  } finally {
    await database.close();
  }
}
