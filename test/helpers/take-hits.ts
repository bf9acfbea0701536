/**
 * A process that races for a rate limit (test/server/limit-stores.test.ts): opens the database
 * at argv[2], waits until the moment argv[5] (ms since 1970) so that its twin starts with it, takes
 * argv[4] hits on the key argv[3] against a limit of argv[6] in one minute, and prints how many
 * were allowed. Run with server/cli/run-ts.js.
 */
import { takeHit } from '../../server/storage/rate-limits.ts';
import { openDatabase } from '../../server/storage/open-database.ts';

const [location, key, count, start, limit] = process.argv.slice(2);
const database = await openDatabase(location, { migrate: false, poolMax: 2 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(start) - Date.now())));
let allowed = 0;
for (let i = 0; i < Number(count); i++) {
  const now = Date.now();
  if ((await takeHit(database.db, key, Number(limit), now - 60_000, now)) === null) allowed++;
}
await database.close();
process.stdout.write(`${allowed}\n`);
