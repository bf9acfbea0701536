/**
 * What `daf doctor` asks a PostgreSQL server (docs/postgres.md §9): its version, the database's
 * encoding and locale, and whether a notification gets through (docs/postgres.md §6).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import type { DB } from '../database.ts';

export interface PostgresFacts {
  /** `server_version_num`: 150020 for 15.20. */
  versionNum: number;
  version: string;
  encoding: string;
  ctype: string;
  collate: string;
  /** Where the database's locale comes from: `libc`, or (PostgreSQL 15 and later) `icu` or `builtin`. */
  provider: string;
}

const providers: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin' };

export async function postgresFacts(db: DB): Promise<PostgresFacts> {
  // The whole row as JSON, since its columns vary with the version (datlocprovider is new in 15).
  const { rows } = await sql<{ num: string; version: string; encoding: string; d: Record<string, unknown> }>`
    SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version,
      pg_encoding_to_char(d.encoding) AS encoding, to_jsonb(d) AS d
    FROM pg_database d WHERE d.datname = current_database()`.execute(db);
  const { num, version, encoding, d } = rows[0];
  return {
    versionNum: Number(num),
    version,
    encoding,
    ctype: String(d.datctype),
    collate: String(d.datcollate),
    provider: providers[String(d.datlocprovider ?? 'c')] ?? String(d.datlocprovider),
  };
}

/**
 * Listens on a fresh channel at `listenUrl`, notifies it through `db`, and answers how many ms
 * the notification took to arrive, or null if none came within `timeoutMs`.
 */
export async function notifyRoundTrip(db: DB, listenUrl: string, timeoutMs: number): Promise<number | null> {
  const channel = `daf_doctor_${randomBytes(6).toString('hex')}`;
  const payload = randomBytes(6).toString('hex');
  const client = new pg.Client({ connectionString: listenUrl, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    const heard = new Promise<true>((resolve) => client.on('notification', (n) => n.channel === channel && n.payload === payload && resolve(true)));
    const started = performance.now();
    await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
    const arrived = await Promise.race([heard, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    return arrived ? Math.round(performance.now() - started) : null;
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => {});
  }
}
