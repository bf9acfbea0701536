/**
 * The last step of `npm test`: every vitest project — `unit`, `server`, `browser`, and
 * `server-pg` (the server suites on PostgreSQL) when a PostgreSQL server answers within 2 s at
 * `DAF_TEST_PG_URL` (by default 127.0.0.1:5432 as `postgres`). When none does, it runs the rest
 * and says, before and after, that the PostgreSQL suites were skipped and how to run them; with
 * `DAF_TEST_PG=required` (as `.ci/run` sets) it fails instead. Further arguments go to vitest.
 *
 *     node server/cli/run-ts.js test/run-tests.ts [vitest options…]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shownLocation } from '../server/storage/open-database.ts';
import { pgUnavailable, testPgUrl } from './helpers/pg-available.ts';

const projects = ['unit', 'server', 'browser'];
const absent = await pgUnavailable();
const where = shownLocation(testPgUrl);
const skipped = `The PostgreSQL suites (server-pg) were SKIPPED: no PostgreSQL server answered at ${where} (${absent}).
To run them, start one there (user postgres, trust authentication) or set DAF_TEST_PG_URL=postgres://USER:PASSWORD@HOST:PORT/postgres
(a user that may create databases), then run \`npm test\` again, or only them: \`npx vitest run --project server-pg\`.`;

if (absent === null) projects.push('server-pg');
else if (process.env.DAF_TEST_PG === 'required') {
  console.error(`DAF_TEST_PG=required, but no PostgreSQL server answered at ${where} (${absent}).`);
  process.exit(1);
} else console.warn(`\n${skipped}\n`);

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const run = spawnSync(process.execPath, [vitest, 'run', ...projects.flatMap((p) => ['--project', p]), ...process.argv.slice(2)], { stdio: 'inherit' });
if (absent !== null) console.warn(`\n${skipped}`);
process.exit(run.status ?? 1);
