/**
 * `daf doctor`, run as an operator runs it: on SQLite files, and on PostgreSQL databases made
 * right and made wrong on purpose (a `C` locale, an SQL_ASCII encoding, migrations not run). The
 * PostgreSQL part needs a server (pg-available.ts), whatever dialect the other suites run on.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../server/storage/migrate.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { useTempDir } from '../helpers/fixtures.ts';
import { pgAvailableFor } from '../helpers/pg-available.ts';
import { runDaf, type Run } from '../helpers/run-daf.ts';
import { newPgTestDatabase } from '../helpers/test-database.ts';

const withPg = await pgAvailableFor('the PostgreSQL part of test/cli/doctor.test.ts');

const doctor = (args: string[], env: Record<string, string> = {}) => runDaf(['doctor', ...args], { env, clear: ['DAF_DB', 'DAF_DATABASE_URL', 'DAF_PG_LISTEN_URL'] });

/** Each check's status by its name, from the lines `status  what: detail`. */
function statuses(r: Run): Record<string, string> {
  return Object.fromEntries([...r.stdout.matchAll(/^(ok|FAIL|warn|n\/a) +([^:]+):/gm)].map((m) => [m[2], m[1]]));
}

describe('daf doctor', { timeout: 60_000 }, () => {
  const dir = useTempDir('daf-doctor-');

  it('passes on a SQLite file Daf has opened, and says LISTEN is not for SQLite', async () => {
    const file = path.join(dir.path, 'daf.db');
    await (await openDatabase(file)).close();
    const r = await doctor(['--db', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(statuses(r)).toEqual({ 'database file': 'ok', 'journal mode': 'ok', migrations: 'ok', 'LISTEN/NOTIFY': 'n/a' });
  });

  it('fails, changing nothing, on a SQLite file not in WAL mode and never migrated, and on no file at all', async () => {
    const file = path.join(dir.path, 'plain.db');
    new SQLite(file).exec('CREATE TABLE other (x)').close();
    const r = await doctor(['--db', file]);
    expect(r.code).toBe(1);
    expect(statuses(r)).toEqual({ 'database file': 'ok', 'journal mode': 'FAIL', migrations: 'FAIL', 'LISTEN/NOTIFY': 'n/a' });
    const all = Object.keys(migrationsFor('sqlite')).length;
    expect(r.stdout).toMatch(new RegExp(`^FAIL +migrations: ${all} pending \\(from 2026_11_27_001_core\\): run daf migrate --db `, 'm'));
    expect(r.stderr).toContain('2 of 4 checks failed');
    const sqlite = new SQLite(file, { readonly: true });
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('delete');
    sqlite.close();

    const none = await doctor(['--db', path.join(dir.path, 'none.db')]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no database at');
  });

  describe.runIf(withPg)('on PostgreSQL', () => {
    const made: { drop(): Promise<void> }[] = [];
    afterAll(async () => {
      for (const m of made) await m.drop();
    });
    const database = async (options = '', migrate = true) => {
      const m = await newPgTestDatabase(options);
      made.push(m);
      if (migrate) await (await openDatabase(m.location, { poolMax: 1 })).close();
      return m.location;
    };

    it('passes on a migrated database, LISTEN/NOTIFY included, through DAF_DATABASE_URL or --database-url', async () => {
      const url = await database();
      for (const r of [await doctor([], { DAF_DATABASE_URL: url }), await doctor(['--database-url', url])]) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const s = statuses(r);
        // The test server's locale is whatever it was made with: C only warns.
        expect({ ...s, locale: s.locale === 'warn' ? 'ok' : s.locale }).toEqual({
          'server version': 'ok',
          encoding: 'ok',
          locale: 'ok',
          migrations: 'ok',
          'LISTEN/NOTIFY': 'ok',
        });
        expect(r.stdout).toMatch(/^ok +LISTEN\/NOTIFY: a notification came back in \d+ ms$/m);
      }
    });

    it("fails a database made with LC_CTYPE 'C' until it is migrated, and warns of the locale, saying why and what to do", async () => {
      const url = await database(`TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C' ENCODING 'UTF8'`, false);
      const before = await doctor(['--database-url', url]);
      expect(before.code).toBe(1);
      expect(statuses(before)).toMatchObject({ encoding: 'ok', locale: 'warn', migrations: 'FAIL', 'LISTEN/NOTIFY': 'ok' });
      expect(before.stdout).toMatch(/^warn +locale: LC_CTYPE C, LC_COLLATE C: Daf works .*lower\(\).* --locale=C\.UTF-8/m);
      const all = Object.keys(migrationsFor('postgres')).length;
      expect(before.stdout).toMatch(new RegExp(`^FAIL +migrations: ${all} pending \\(from 2026_12_07_115_postgres_baseline\\): run daf migrate --database-url `, 'm'));
      // doctor changed nothing: still unmigrated.
      expect((await doctor(['--database-url', url])).code).toBe(1);
      await (await openDatabase(url, { poolMax: 1 })).close();
      const after = await doctor(['--database-url', url]);
      expect(after.code).toBe(0);
      expect(statuses(after).locale).toBe('warn');
    });

    it('fails a database whose encoding is not UTF8, and a LISTEN that cannot connect', async () => {
      const url = await database(`TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C' ENCODING 'SQL_ASCII'`);
      const r = await doctor(['--database-url', url]);
      expect(r.code).toBe(1);
      expect(statuses(r)).toMatchObject({ encoding: 'FAIL', migrations: 'ok' });
      expect(r.stdout).toMatch(/^FAIL +encoding: SQL_ASCII: .*need UTF8; create the database with createdb -E UTF8/m);

      const good = await database();
      const noListen = await doctor(['--database-url', good], { DAF_PG_LISTEN_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(noListen.code).toBe(1);
      expect(statuses(noListen)).toMatchObject({ migrations: 'ok', 'LISTEN/NOTIFY': 'FAIL' });
      expect(noListen.stdout).toContain('through DAF_PG_LISTEN_URL');
    });
  });
});
