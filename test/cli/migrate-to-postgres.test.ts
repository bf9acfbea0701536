/**
 * `daf migrate-to-postgres`, run as an operator runs it: the access matrix's world (groups,
 * people in every standing, glosses and replies in every state, stances, decisions, flags,
 * invitations, notifications, events) written through the app into a SQLite file, copied into a
 * fresh PostgreSQL database by the real command, and then used there by a real server. Needs
 * PostgreSQL (pg-available.ts), whatever dialect the other suites run on.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { openDatabase, type OpenDatabase } from '../../server/storage/open-database.ts';
import { buildWorld, marker, T1, T2, type World } from '../helpers/access-world.ts';
import { tableRows } from '../helpers/db-snapshot.ts';
import { useTempDir } from '../helpers/fixtures.ts';
import { pgAvailableFor } from '../helpers/pg-available.ts';
import { runDaf } from '../helpers/run-daf.ts';
import { Client, EventStream } from '../helpers/sse-client.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { newPgTestDatabase } from '../helpers/test-database.ts';

const withPg = await pgAvailableFor('test/cli/migrate-to-postgres.test.ts');

const run = (args: string[]) => runDaf(['migrate-to-postgres', ...args], { clear: ['DAF_DB', 'DAF_DATABASE_URL'] });

/** Rows of every table both databases have, each as JSON with its keys sorted, sorted: equal when the copy is whole. */
async function contents(database: OpenDatabase, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = (await database.db.selectFrom(table as never).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort();
  }
  return out;
}

/** How many tables the database at `url` has. */
async function tablesIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/** Search hits as a set (the two dialects rank alike only roughly): kind, id and where. */
const hitSet = (body: { results: { kind: string; id: number; text: string; layer: string | null; gloss: number | null; ref: string | null }[] }) =>
  body.results.map((r) => `${r.kind} ${r.id} ${r.text} ${r.layer} ${r.gloss} ${r.ref}`).sort();

describe.runIf(withPg)('daf migrate-to-postgres', { timeout: 120_000 }, () => {
  const dir = useTempDir('daf-migrate-pg-');
  let t: TestApp;
  let world: World;
  let source: string;
  let target: { location: string; drop(): Promise<void> };
  let token: string;

  beforeAll(async () => {
    // The source is a SQLite file whatever the suites' dialect: the app is made on one here.
    t = await createTestApp({}, { dialect: 'sqlite' });
    source = t.location;
    world = await buildWorld(t);
    const { olive } = world.clients;
    const made = await olive.post('/api/tokens', { name: 'script' });
    expect(made.status).toBe(201);
    token = made.body.token;
    expect((await olive.post(`/api/texts/${T1}/read`)).status).toBe(200);
    expect((await olive.post(`/api/texts/${T1}/parallels`, { text: T2 })).status).toBe(201);
    // The federation opt-ins away from their defaults, so the copy must carry them.
    expect((await olive.patch('/api/groups/open-circle', { federated: true })).status).toBe(200);
    expect((await olive.patch(`/api/texts/${T1}/layers/open-public`, { federation: 'publish+replies' })).status).toBe(200);
    // A wrong password, so the log-in guard's table has a row to copy too.
    expect((await t.visitor().post('/api/auth/login', { handle: 'olive', password: 'not her password' })).status).toBe(401);
    target = await newPgTestDatabase();
  });

  afterAll(async () => {
    expect(t?.errors).toEqual([]);
    await t?.close();
    await target?.drop();
  });

  it('refuses what it cannot do, as a usage mistake or with a reason', async () => {
    expect((await run(['--to', target.location])).code).toBe(2);
    const noUrl = await run(['--from', source, '--to', path.join(dir.path, 'other.db')]);
    expect([noUrl.code, noUrl.stderr]).toEqual([2, expect.stringContaining('--to postgres://')]);
    const withDb = await run(['--from', source, '--to', target.location, '--db', source]);
    expect([withDb.code, withDb.stderr]).toEqual([2, expect.stringContaining('not --db')]);
    const missing = await run(['--from', path.join(dir.path, 'none.db'), '--to', target.location]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('No database at')]);
    expect(fs.existsSync(path.join(dir.path, 'none.db'))).toBe(false);
  });

  it('refuses a file behind or ahead of this build’s migrations, and leaves it as it was', async () => {
    for (const [change, message] of [
      [`DELETE FROM kysely_migration WHERE name = (SELECT max(name) FROM kysely_migration)`, /lacks 1 of this build's migrations .*daf migrate --db/],
      [`INSERT INTO kysely_migration (name, timestamp) VALUES ('2999_01_01_001_future', '2999-01-01')`, /does not know \(2999_01_01_001_future\)/],
    ] as const) {
      const file = path.join(dir.path, 'drifted.db');
      fs.rmSync(file, { force: true });
      await t.database.sqlite.backup(file);
      const drifted = new SQLite(file);
      drifted.exec(change);
      drifted.close();
      const before = fs.readFileSync(file);
      const r = await run(['--from', file, '--to', target.location]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    }
  });

  it('--dry-run copies, proves and rolls back: the target stays empty, without even the schema', async () => {
    const r = await run(['--from', source, '--to', target.location, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Migrated the target: 2026_12_07_115_postgres_baseline/m);
    expect(r.stdout).toMatch(/^Copied gloss: \d+ rows/m);
    expect(r.stdout).toMatch(/^gloss +\d+ +[0-9a-f]{16} +ok$/m);
    expect(r.stdout).not.toContain('DIFFERS');
    expect(r.stdout).toMatch(/Dry run: would copy \d+ tables, \d+ rows; rolled back/);
    expect(await tablesIn(target.location)).toBe(0);
  });

  it('proves each table: a value PostgreSQL keeps otherwise is shown, and the copy rolled back with exit 1', async () => {
    // SQLite keeps bytes in a text column as bytes; PostgreSQL's text column keeps them as characters.
    const file = path.join(dir.path, 'odd.db');
    fs.rmSync(file, { force: true });
    await t.database.sqlite.backup(file);
    const odd = new SQLite(file);
    const id = (odd.prepare(`SELECT min(id) AS id FROM reply`).get() as { id: number }).id;
    odd.prepare(`UPDATE reply SET moderation_note = ? WHERE id = ?`).run(Buffer.from([1, 2]), id);
    odd.close();
    const r = await run(['--from', file, '--to', target.location]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^reply +\d+ +[0-9a-f]{16} +DIFFERS$/m);
    expect(r.stdout).toContain(`reply id=${id}: moderation_note differ (moderation_note: {"bytes":"0102"} in SQLite, "\\u0001\\u0002" in PostgreSQL)`);
    expect(r.stderr).toMatch(/1 tables differ after the copy .*nothing was committed/);
    expect(r.stdout).not.toMatch(/^Copied \d+ tables/m);
    expect(await tablesIn(target.location)).toBe(0);
  });

  describe('then for real', () => {
    let copy: OpenDatabase;
    let server: RunningServer;
    let tables: string[];

    beforeAll(async () => {
      // A target that holds the schema and no rows is as good as an empty one.
      await (await openDatabase(target.location, { poolMax: 1 })).close();
      const r = await run(['--from', source, '--to', target.location]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('The target is at the latest migration already');
      expect(r.stdout).toMatch(/^Copied \d+ tables, \d+ rows to PostgreSQL in [0-9.]+ s$/m);
      tables = [...(await tableRows(t.database)).keys()].filter((n) => !/^(sqlite_|kysely_|search_index)/.test(n));
      copy = await openDatabase(target.location, { migrate: false, poolMax: 2 });
      server = await startServer({ dbPath: target.location, port: 0, demo: false, database: { poolMax: 4 } });
    });

    afterAll(async () => {
      await server?.close();
      await copy?.close();
    });

    it('holds every row of every table, ids and all', async () => {
      const empty = tables.filter((n) => (t.database.sqlite.prepare(`SELECT count(*) AS n FROM "${n}"`).get() as { n: number }).n === 0);
      // Federation's own tables (fed_*) are written by its publisher and inbox, which the world does not run.
      expect(empty.filter((n) => !n.startsWith('fed_'))).toEqual(['unsubscribe_link']);
      expect(await contents(copy, tables)).toEqual(await contents(t.database, tables));
    });

    it('answers the federation opt-ins as SQLite did', async () => {
      const group = await fetch(`${server.url}/api/groups/open-circle`);
      expect(((await group.json()) as { federated: boolean }).federated).toBe(true);
      const layer = await fetch(`${server.url}/api/texts/${T1}/layers/open-public`);
      expect(((await layer.json()) as { federation: string }).federation).toBe('publish+replies');
      const closed = await fetch(`${server.url}/api/groups/closed-circle`, { headers: { cookie: [...world.clients.olive.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      expect(((await closed.json()) as { federated: boolean }).federated).toBe(false);
    });

    it('indexes for search the same items with the same words', async () => {
      const fts = t.database.sqlite.prepare('SELECT kind, item_id, text_id, layer_id, body FROM search_index').all() as Record<string, unknown>[];
      const rebuilt = await copy.db
        .selectFrom('search_index as s')
        .select(['s.kind', 's.item_id', 's.text_id', 's.layer_id'])
        .select((eb) => eb.fn<string>('string_agg', ['s.body', eb.val('')]).as('body'))
        .groupBy(['s.kind', 's.item_id', 's.text_id', 's.layer_id'])
        .execute();
      const key = (r: Record<string, unknown>) => JSON.stringify([r.kind, r.item_id, r.text_id, r.layer_id, r.body]);
      expect(rebuilt.map(key).sort()).toEqual(fts.map(key).sort());
      expect(fts.length).toBeGreaterThan(40);
    });

    it('keeps people signed in: a session cookie and an API token from SQLite work on PostgreSQL', async () => {
      const cookie = [...world.clients.olive.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { handle: string }).handle).toBe('olive');
      const byToken = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await byToken.json()) as { handle: string }).handle).toBe('olive');
    });

    it('finds the same hits for every viewer', async () => {
      const queries = ['remarks', 'answers', 'chapter', world.glosses.opOwner.marker, world.replies.rCg.marker, marker('ttpriv'), 'zz'];
      const found: Record<string, number> = {};
      for (const who of ['olive', 'mona', 'otto', 'visitor'] as const) {
        const viewer = world.clients[who];
        const cookie = [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        for (const q of queries) {
          const url = `/api/search?q=${encodeURIComponent(q)}&limit=100`;
          const onSqlite = await viewer.get(url);
          const onPg = await fetch(`${server.url}${url}`, { headers: cookie ? { cookie } : {} });
          expect(hitSet((await onPg.json()) as never), `${who} searching ${q}`).toEqual(hitSet(onSqlite.body));
          found[who] = (found[who] ?? 0) + onSqlite.body.results.length;
        }
      }
      // Not empty, and not the same for everyone: each sees what they may read.
      expect(found.visitor).toBeGreaterThan(10);
      expect(found.olive).toBeGreaterThan(found.otto);
    });

    it('resumes an event stream after the last event id, and numbers new rows after the greatest copied', async () => {
      const olive = new Client(server.url);
      olive.cookie = [...world.clients.olive.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const last = world.lastEvent[T1];
      const stream = await EventStream.open(`${server.url}/api/texts/${T1}/events`, { cookie: olive.cookie, 'last-event-id': String(last - 1) });
      try {
        expect(stream.status).toBe(200);
        expect((await stream.waitFor((e) => e.event !== 'ready')).id).toBe(String(last));
        const maxGloss = (t.database.sqlite.prepare('SELECT max(id) AS n FROM gloss').get() as { n: number }).n;
        const maxEvent = (t.database.sqlite.prepare('SELECT max(id) AS n FROM event').get() as { n: number }).n;
        const gloss = await olive.request('POST', `/api/texts/${T1}/layers/open-public/glosses`, { target: { exact: 'rivers' }, body: { markdown: 'Written on PostgreSQL.' } });
        expect(gloss.status, JSON.stringify(gloss.body)).toBe(201);
        expect(gloss.body.id).toBe(maxGloss + 1);
        const created = await stream.waitFor((e) => e.event === 'gloss.created');
        expect(Number(created.id)).toBe(maxEvent + 1);
        const newcomer = new Client(server.url);
        expect((await newcomer.request('POST', '/api/auth/signup', { handle: 'newcomer', password: 'a long passphrase' })).status).toBe(201);
        const user = await copy.db.selectFrom('user').select('id').where('handle', '=', 'newcomer').executeTakeFirstOrThrow();
        expect(user.id).toBe((t.database.sqlite.prepare('SELECT max(id) AS n FROM user').get() as { n: number }).n + 1);
      } finally {
        await stream.close();
      }
    });

    it('refuses a target that holds rows, and changes nothing there', async () => {
      const before = await tableRows(copy);
      const r = await run(['--from', source, '--to', target.location]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/holds rows already: .*gloss \(\d+\)/);
      expect(r.stdout).not.toMatch(/^Copied /m);
      expect(await tableRows(copy)).toEqual(before);
    });
  });
});
