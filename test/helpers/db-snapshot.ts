/**
 * Every table of a test app's database with its rows, on either dialect: to prove that a refused
 * request changed nothing. Rows are compared as sorted JSON, so the order a database returns them
 * in does not matter.
 */
import { sql } from 'kysely';
import type { OpenDatabase } from '../../server/storage/open-database.ts';

export type TableRows = Map<string, { count: number; rows: string }>;

/**
 * Bookkeeping that any request may update, refused or not: when a token or a session was last
 * used (a session's, once a minute), and the rate limits' counts (a refused write still counts
 * against its writer's limit).
 */
function withoutBookkeeping(name: string, rows: Record<string, unknown>[]) {
  if (name === 'limit_hit' || name === 'login_failure') return [];
  if (name === 'api_token') return rows.map(({ last_used_at: _used, ...row }) => row);
  if (name === 'session') return rows.map(({ last_seen_at: _seen, ...row }) => row);
  return rows;
}

export async function tableRows(database: OpenDatabase): Promise<TableRows> {
  const out: TableRows = new Map();
  const keep = (name: string, rows: Record<string, unknown>[]) => {
    const texts = withoutBookkeeping(name, rows).map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
    out.set(name, { count: texts.length, rows: JSON.stringify(texts.sort()) });
  };
  if (database.dialect === 'sqlite') {
    const tables = database.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
    for (const { name } of tables) keep(name, database.sqlite.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]);
    return out;
  }
  const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(database.db);
  for (const { name } of tables.rows) keep(name, (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(database.db)).rows);
  return out;
}

/** What differs between two snapshots, as readable lines (empty when nothing changed). */
export function tableRowsDiff(before: TableRows, after: TableRows): string[] {
  const diffs: string[] = [];
  for (const [name, a] of after) {
    const b = before.get(name);
    if (!b) diffs.push(`${name}: new table`);
    else if (b.count !== a.count) diffs.push(`${name}: ${b.count} → ${a.count} rows`);
    else if (b.rows !== a.rows) diffs.push(`${name}: rows changed`);
  }
  return diffs;
}
