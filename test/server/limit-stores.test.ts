/**
 * Rate limits counted in the database (docs/postgres.md §7): the same answers as the in-memory
 * counters for the same events, exact under concurrent takers on two connections to one database,
 * and the memory taking over while the database fails. Runs on either dialect.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitStores } from '../../server/services/limit-stores.ts';
import { LoginGuard, MemoryFailures } from '../../server/services/login-guard.ts';
import { MemoryHits, Throttle } from '../../server/services/throttle.ts';
import { openDatabase, type OpenDatabase } from '../../server/storage/open-database.ts';
import { newTestDatabase, testDialect } from '../helpers/test-database.ts';

const helpers = path.resolve(import.meta.dirname, '../helpers');
const runTs = path.resolve(import.meta.dirname, '../../server/cli/run-ts.js');

/** Runs node with `args` and gives its standard output. */
function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe(`rate limits counted in a ${testDialect} database`, () => {
  let dir: string;
  let drop: () => Promise<void>;
  let location: string;
  let one: OpenDatabase;
  let two: OpenDatabase;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-limits-'));
    const made = await newTestDatabase(dir);
    drop = made.drop;
    location = made.location;
    one = await openDatabase(made.location, { poolMax: 4 });
    two = await openDatabase(made.location, { poolMax: 4 });
  });

  afterAll(async () => {
    await one.close();
    await two.close();
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers as the in-memory window does, event for event', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const shared = new Throttle('parity', 3, 60_000, limitStores(one.db, 'database', (l) => logged.push(l)).hits, now);
    const memory = new Throttle('parity', 3, 60_000, new MemoryHits(), now);
    // Steps in seconds between takes: a burst, a refusal, waiting out part and all of the window.
    const steps = [0, 1, 1, 1, 10, 30, 17, 1, 1, 0, 59, 1, 120, 0, 0, 0, 0];
    const answers: [number, number][] = [];
    for (const step of steps) {
      clock += step * 1000;
      answers.push([await shared.take('a'), await memory.take('a')]);
    }
    for (const [db, mem] of answers) expect(db).toBe(mem);
    expect(answers.map(([db]) => db)).toContain(0);
    expect(answers.some(([db]) => db > 0)).toBe(true);
    // Another key has its own window.
    expect(await shared.take('b')).toBe(0);
  });

  it('lets exactly the limit through when two processes race for it', async () => {
    // Two real processes: two connections in one thread would only wait on each other's locks.
    const start = String(Date.now() + 1500);
    const race = () => runNode([runTs, path.join(helpers, 'take-hits.ts'), location, 'race:x', '25', start, '15']);
    const allowed = await Promise.all([race(), race()]);
    expect(allowed.reduce((sum, out) => sum + Number(out.trim()), 0)).toBe(15);
    const rows = await one.db.selectFrom('limit_hit').select('at').where('key', '=', 'race:x').execute();
    expect(rows).toHaveLength(15);
  });

  it('counts log-in failures as the in-memory guard does, and forgets a handle from every address', async () => {
    let clock = 5_000_000;
    const options = { now: () => clock, freeFailures: 2, handleFreeFailures: 3 };
    const shared = new LoginGuard(limitStores(two.db, 'database', (l) => logged.push(l)).failures, options);
    const memory = new LoginGuard(new MemoryFailures(), options);
    const script: [string, string, string][] = [
      ['fail', 'Ada', '10.0.0.1'],
      ['fail', 'ada', '10.0.0.1'],
      ['fail', 'ada', '10.0.0.1'],
      ['fail', 'ada', '10.0.0.2'],
      ['fail', 'ada', '10.0.0.2'],
      ['fail', 'ada', '10.0.0.3'],
      ['succeed', 'ada', '10.0.0.2'],
    ];
    for (const [what, handle, address] of script) {
      clock += 200;
      if (what === 'fail') await Promise.all([shared.fail(handle, address), memory.fail(handle, address)]);
      else await Promise.all([shared.succeed(handle, address), memory.succeed(handle, address)]);
    }
    const waits = async (guard: LoginGuard) => Promise.all(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((a) => guard.retryAfter('ADA', a)));
    const before = await waits(shared);
    expect(before).toEqual(await waits(memory));
    expect(before[0]).toBeGreaterThan(0);
    expect(before[1]).toBe(0);
    expect(before[3]).toBe(0);
    await shared.forget('ada');
    expect(await waits(shared)).toEqual([0, 0, 0, 0]);
    expect(await one.db.selectFrom('login_failure').select('key').where('key', 'like', '%ada%').execute()).toEqual([]);
  });

  it('counts in memory while the database fails, and says so once', async () => {
    const broken = await openDatabase(path.join(dir, 'gone.db'));
    await broken.close();
    const lines: string[] = [];
    const throttle = new Throttle('fallback', 2, 60_000, limitStores(broken.db, 'database', (l) => lines.push(l)).hits);
    expect([await throttle.take('k'), await throttle.take('k')]).toEqual([0, 0]);
    expect(await throttle.take('k')).toBeGreaterThan(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Rate limits: the database failed .*counting in this process meanwhile$/);
  });
});
