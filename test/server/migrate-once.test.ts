/**
 * Three `daf serve` processes started together on a new database (docs/postgres.md §2): each
 * serves, and the schema's migrations ran once — on PostgreSQL under the migrator's advisory lock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../server/storage/migrate.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { killSpawnedServers, spawnServer } from '../helpers/spawn-server.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';

describe(`three processes starting together on a new ${testDialect} database`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-migrate-once-'));
  let drop = async () => {};

  afterAll(async () => {
    await killSpawnedServers();
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('all serve, and each migration ran once', async () => {
    const made = await newTestDatabase(dir);
    drop = made.drop;
    const servers = await Promise.all([0, 1, 2].map(() => spawnServer(made.location)));
    for (const server of servers) {
      const res = await fetch(`${server.url}/api/texts`);
      expect(res.status, server.output()).toBe(200);
    }
    const database = await openDatabase(made.location, { migrate: false });
    try {
      const ran = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db);
      expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(migrationsFor(testDialect)).sort());
    } finally {
      await database.close();
    }
    for (const server of servers) expect(await server.stop()).toBe(0);
  });
});
