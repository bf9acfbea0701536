/**
 * The PostgreSQL benchmark (`npm run bench -- pg`; README, "Benchmarks"; docs/postgres.md §10), on
 * throwaway databases of the server at `DAF_BENCH_PG_URL` (127.0.0.1:5432 as `postgres` by
 * default), each dropped after. Three measurements, each against a baseline in the same run:
 *
 * 1. The gloss listing. The API benchmark's database (api-database.ts: 100,000 glosses over 100
 *    texts) moved into PostgreSQL by the built `daf migrate-to-postgres`, which verifies the copy
 *    table by table (its time is a figure too); the built server on it, in a
 *    child process, answers `GET /api/texts/:slug/glosses` for the same text of 1,000 glosses.
 *    The baseline makes the same document in this process with no HTTP: the queries of
 *    bare-listing.ts as bare `pg` prepared statements on one connection, objects assembled in
 *    JavaScript, `JSON.stringify`; the two documents are compared field by field first. CPU is
 *    counted in the server's process and, since the server has PostgreSQL write the listing's
 *    JSON, in the PostgreSQL backends serving each side (read from /proc: the server must run on
 *    this machine, or those figures are NaN).
 * 2. Events across processes (event-lag.ts): two servers on one PostgreSQL database, the reader
 *    on one, the writer on the other; the same on one SQLite file, where only the streams' poll
 *    brings the event.
 * 3. The listing with a million glosses in the table (pg-database.ts, `buildMillionDatabases`):
 *    the same text's 1,000 glosses scattered among 999,000 of other texts, against a database
 *    holding only those 1,000; both servers answer byte for byte the same document, timed
 *    alternately. The bare queries are timed the same way, to tell the server's cost from the
 *    database's.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { defaultStreamPollMs } from '../../server/routes/live-stream.ts';
import { apiRuns } from './api-list.ts';
import { apiSetup, buildBenchDatabase } from './api-database.ts';
import { bareDocument, bareSql, firstDifference, numberedParameters, type BareRows } from './bare-listing.ts';
import { measureEventLag } from './event-lag.ts';
import { formatMs, interleave, median, quantile, report, round, spread, sum, timed } from './measure.ts';
import { buildMillionDatabases, millionSetup, throwawayDatabase } from './pg-database.ts';
import { keepAliveGet, procCpuMs, requireBuiltServer, serverEntries, startServerProcess, stopServerProcess } from './server-process.ts';

/** Runs the built `daf migrate-to-postgres` from `file` into `url`; resolves with its last line (the summary), rejects with its output unless it exits 0. */
function migrateToPostgres(file: string, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [serverEntries.built, 'migrate-to-postgres', '--from', file, '--to', url], { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`daf migrate-to-postgres failed (${error.message}):\n${stdout}${stderr}`));
      else resolve(stdout.trim().split('\n').at(-1) ?? '');
    });
  });
}

/** Timed writes of the event-lag measurement, after untimed ones. */
export const lagRuns = { warmup: 3, writes: 50 };

/** What the PostgreSQL benchmark found. */
export interface PgResult {
  /** `daf migrate-to-postgres` of the API benchmark's database, wall time. */
  migrateMs: number;
  listMs: number;
  baselineMs: number;
  listRatio: number;
  /** The server process's CPU per request ÷ this process's CPU per baseline run. */
  serverCpuRatio: number;
  /** The same with the PostgreSQL backends' CPU on both sides added. */
  totalCpuRatio: number;
  pgLagMedianMs: number;
  pgLagP95Ms: number;
  sqliteLagMedianMs: number;
  sqliteLagP95Ms: number;
  millionMs: number;
  millionSmallMs: number;
  millionRatio: number;
  millionBareRatio: number;
  millionBuildMs: number;
}

/** The baseline (bare-listing.ts) on PostgreSQL: its queries as bare `pg` prepared statements on one connection. */
function bareListing(client: pg.Client): (slug: string) => Promise<string> {
  const rows = async (name: keyof typeof bareSql, values: unknown[]): Promise<unknown[]> =>
    (await client.query({ name: `bare-${name}`, text: numberedParameters(bareSql[name]), values })).rows;
  return async (slug) => {
    const [text] = (await rows('text', [slug])) as BareRows['text'][];
    if (!text) throw new Error(`baseline: no public text "${slug}"`);
    return bareDocument({
      text,
      replies: (await rows('replies', [text.id])) as BareRows['replies'],
      stances: (await rows('stances', [text.id])) as BareRows['stances'],
      decisions: (await rows('decisions', [text.id])) as BareRows['decisions'],
      glosses: (await rows('glosses', [text.current_version, text.id])) as BareRows['glosses'],
    });
  };
}

/** Throws, naming the first difference, unless two listings are the same JSON value. */
function assertSameDocument(what: string, api: unknown, other: unknown): void {
  const difference = firstDifference(api, other);
  if (!difference) return;
  const show = (v: unknown): string => (JSON.stringify(v) ?? 'undefined').slice(0, 300);
  throw new Error(
    `${what} answer different documents; the first difference is at ${difference.at}:\n` +
      `  API   ${show(difference.api)}\n  other ${show(difference.bare)}`,
  );
}

/** CPU milliseconds used so far by each client's backend on the database `client` is on, but `client`'s own. */
async function backendCpu(client: pg.Client): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  return new Map(rows.map((r) => [r.pid, procCpuMs(r.pid)]));
}

/** CPU milliseconds the backends used between two `backendCpu` readings (a backend that came meanwhile counts from nothing). */
function backendCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** What the benchmark starts and makes, to stop and drop however it ends. */
class Held {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private children: ChildProcess[] = [];
  private clients: pg.Client[] = [];
  private drops: (() => Promise<void>)[] = [];

  /** A built server on `database`. */
  async serve(database: string): Promise<{ child: ChildProcess; url: string }> {
    const server = await startServerProcess(database);
    this.children.push(server.child);
    return server;
  }

  /** A bare `pg` connection to `url`. */
  async connect(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    this.clients.push(client);
    return client;
  }

  /** A new database with the app's schema; its URL. */
  async database(): Promise<string> {
    const made = await throwawayDatabase();
    this.drops.push(made.drop);
    return made.url;
  }

  /** `GET /api/texts/:slug/glosses` from the server at `base`, over the keep-alive agent: the body. */
  listing(base: string, slug: string): () => Promise<Buffer> {
    const url = `${base}/api/texts/${slug}/glosses`;
    return async () => {
      const res = await keepAliveGet(this.agent, url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body.toString().slice(0, 300)}`);
      return res.body;
    };
  }

  /** Stops every server, ends every connection and drops every database made so far. */
  async release(): Promise<void> {
    for (const child of this.children.splice(0)) await stopServerProcess(child);
    await Promise.all(this.clients.splice(0).map((c) => c.end().catch(() => {})));
    for (const drop of this.drops.splice(0)) await drop().catch((e: Error) => console.error(`  could not drop a benchmark database: ${e.message}`));
  }
}

/** 1. The listing from the server on PostgreSQL against the bare queries, on a copy of the API benchmark's database. */
async function listingAgainstBaseline(held: Held, dbFile: string, slug: string, log: (line: string) => void) {
  log("The gloss listing on PostgreSQL (the API benchmark's database and text)");
  const url = await held.database();
  // Moved by the real command, which copies, indexes for search and compares every table (exit 1 on a difference).
  const moved = await timed(() => migrateToPostgres(dbFile, url));
  log(`  setup: daf migrate-to-postgres moved the API benchmark's database: ${moved.value}`);
  log(`  (copied, indexed for search and compared table by table) [${formatMs(moved.ms)}]`);
  report('pg_migrate_100k_s', `${round(moved.ms / 1000, 0)} s`, 'daf migrate-to-postgres of the 100,000-gloss database: copy, search index, verification');
  const server = await held.serve(url);
  const client = await held.connect(url);
  const bare = bareListing(client);
  const baseline = () => bare(slug);
  const request = held.listing(server.url, slug);
  const body = await request();
  const listing = JSON.parse(body.toString()) as { glosses: { replies: unknown[] }[] };
  const apiReplies = listing.glosses.reduce((n, g) => n + g.replies.length, 0);
  if (listing.glosses.length !== apiSetup.glossesPerText || apiReplies === 0) {
    throw new Error(`the API listed ${listing.glosses.length} glosses with ${apiReplies} replies; expected ${apiSetup.glossesPerText} with threads`);
  }
  const bareText = await baseline();
  assertSameDocument('the API and the baseline', listing, JSON.parse(bareText));

  // CPU: the server's process and its backends (every one on this database but the baseline's), and the baseline's backend.
  const baselinePid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const serverPid = server.child.pid!;
  await interleave(request, baseline, { warmup: apiRuns.warmup, runs: 0 });
  const before = { server: procCpuMs(serverPid), backends: await backendCpu(client), baseline: procCpuMs(baselinePid) };
  const times = await interleave(request, baseline, { warmup: 0, runs: apiRuns.runs, block: apiRuns.block });
  const after = { server: procCpuMs(serverPid), baseline: procCpuMs(baselinePid), backends: await backendCpu(client) };
  const serverCpu = (after.server - before.server) / apiRuns.runs;
  const serverDbCpu = backendCpuSince(before.backends, after.backends) / apiRuns.runs;
  const baselineCpu = sum(times.b.cpu) / apiRuns.runs;
  const baselineDbCpu = (after.baseline - before.baseline) / apiRuns.runs;
  const listMs = median(times.a.wall);
  const baselineMs = median(times.b.wall);
  await held.release();
  log(
    `  GET /api/texts/${slug}/glosses: ${listing.glosses.length} glosses, ${apiReplies} replies, ${(body.length / 1024).toFixed(0)} KiB ` +
      `(the baseline's: ${(Buffer.byteLength(bareText) / 1024).toFixed(0)} KiB, the same document); ${apiRuns.runs} timed runs of each after ${apiRuns.warmup} warm-up, in alternating blocks of ${apiRuns.block}`,
  );
  log(
    `  API      median ${formatMs(listMs)} (p10 ${formatMs(quantile(times.a.wall, 0.1))}, p90 ${formatMs(quantile(times.a.wall, 0.9))}); ` +
      `CPU per request ${formatMs(serverCpu)} in the server + ${formatMs(serverDbCpu)} in its PostgreSQL backends (means)`,
  );
  log(
    `  baseline median ${formatMs(baselineMs)} (p10 ${formatMs(quantile(times.b.wall, 0.1))}, p90 ${formatMs(quantile(times.b.wall, 0.9))}); ` +
      `CPU per run ${formatMs(baselineCpu)} in this process + ${formatMs(baselineDbCpu)} in its PostgreSQL backend (means)`,
  );
  const figures = {
    migrateMs: moved.ms,
    listMs,
    baselineMs,
    listRatio: listMs / baselineMs,
    serverCpuRatio: serverCpu / baselineCpu,
    totalCpuRatio: (serverCpu + serverDbCpu) / (baselineCpu + baselineDbCpu),
  };
  report(
    'pg_api_list_ratio',
    `${round(figures.listRatio)}×`,
    'API median ÷ baseline median (the same document, checked field by field, made in this process without HTTP: bare pg prepared statements, objects assembled in JavaScript, JSON.stringify)',
  );
  report('pg_api_server_cpu_ratio', `${round(figures.serverCpuRatio)}×`, 'CPU of the server process per request ÷ CPU of this process per baseline run (means)');
  report(
    'pg_api_total_cpu_ratio',
    `${round(figures.totalCpuRatio)}×`,
    "the same with each side's PostgreSQL backends added: the server has PostgreSQL write the JSON, the baseline only reads rows",
  );
  return figures;
}

/** 2. Events from one server process to another, on PostgreSQL and on SQLite. */
async function eventLag(held: Held, dir: string, log: (line: string) => void) {
  log(`Events across processes: two servers on one database, ${lagRuns.writes} glosses written through one, streamed from the other`);
  const pgLag = await measureEventLag(await held.database(), { ...lagRuns, seed: 1 });
  await held.release();
  const sqliteLag = await measureEventLag(path.join(dir, 'lag.db'), { ...lagRuns, seed: 1 });
  for (const [name, lag] of [['PostgreSQL', pgLag], ['SQLite', sqliteLag]] as const) {
    const early = lag.lags.filter((ms) => ms < 0).length;
    log(`  ${name}: from the write's response, ${spread(lag.lags)} (${early} of ${lag.lags.length} before the response)`);
    log(`  ${''.padEnd(name.length)}  from its request, ${spread(lag.lags.map((ms, i) => ms + lag.writes[i]))}; the write itself ${spread(lag.writes)}`);
  }
  const figures = {
    pgLagMedianMs: median(pgLag.lags),
    pgLagP95Ms: quantile(pgLag.lags, 0.95),
    sqliteLagMedianMs: median(sqliteLag.lags),
    sqliteLagP95Ms: quantile(sqliteLag.lags, 0.95),
  };
  report(
    'pg_event_lag_ms',
    `${formatMs(figures.pgLagMedianMs)} (p95 ${formatMs(figures.pgLagP95Ms)})`,
    "from the write's response (process A) to its event on a stream of process B, median: brought by PostgreSQL's NOTIFY",
  );
  report(
    'sqlite_event_poll_lag_ms',
    `${formatMs(figures.sqliteLagMedianMs)} (p95 ${formatMs(figures.sqliteLagP95Ms)})`,
    `the same on one SQLite file, where only the streams' poll (every ${defaultStreamPollMs / 1000} s) brings it`,
  );
  return figures;
}

/** 3. The listing with a million glosses in the table against the same with the text's alone. */
async function millionGlosses(held: Held, dbFile: string, slug: string, log: (line: string) => void) {
  log(`A text's 1,000 glosses among ${millionSetup.glosses.toLocaleString('en')} in the table, against the same alone`);
  const urls = { big: await held.database(), small: await held.database() };
  const million = await timed(() => buildMillionDatabases(dbFile, slug, urls));
  const m = million.value;
  log(
    `  setup: ${m.glosses.toLocaleString('en')} glosses and ${m.replies.toLocaleString('en')} replies over ${m.texts.toLocaleString('en')} texts ` +
      `(${m.megabytes.toFixed(0)} MB), and the measured text alone, built in PostgreSQL [${formatMs(million.ms)}: ` +
      `${m.steps.map(([name, ms]) => `${name} ${formatMs(ms)}`).join(', ')}]`,
  );
  const listBig = held.listing((await held.serve(urls.big)).url, m.slug);
  const listSmall = held.listing((await held.serve(urls.small)).url, m.slug);
  const [bigBody, smallBody] = [await listBig(), await listSmall()];
  if (!bigBody.equals(smallBody)) assertSameDocument('the two databases', JSON.parse(bigBody.toString()), JSON.parse(smallBody.toString()));
  const bareBig = bareListing(await held.connect(urls.big));
  const bareSmall = bareListing(await held.connect(urls.small));
  assertSameDocument('the API and the baseline', JSON.parse(bigBody.toString()), JSON.parse(await bareBig(m.slug)));
  const apiTimes = await interleave(listBig, listSmall, apiRuns);
  const bareTimes = await interleave(() => bareBig(m.slug), () => bareSmall(m.slug), apiRuns);
  await held.release();
  log(
    `  GET /api/texts/${m.slug}/glosses: ${(JSON.parse(bigBody.toString()) as { glosses: unknown[] }).glosses.length} glosses, ` +
      `${(bigBody.length / 1024).toFixed(0)} KiB, byte for byte the same from both; ` +
      `${apiRuns.runs} timed runs of each after ${apiRuns.warmup} warm-up, in alternating blocks of ${apiRuns.block}`,
  );
  log(`  1,000,000 in the table:  API ${spread(apiTimes.a.wall)}; bare queries ${spread(bareTimes.a.wall)}`);
  log(`  1,000 in the table:      API ${spread(apiTimes.b.wall)}; bare queries ${spread(bareTimes.b.wall)}`);
  const figures = {
    millionMs: median(apiTimes.a.wall),
    millionSmallMs: median(apiTimes.b.wall),
    millionRatio: median(apiTimes.a.wall) / median(apiTimes.b.wall),
    millionBareRatio: median(bareTimes.a.wall) / median(bareTimes.b.wall),
    millionBuildMs: million.ms,
  };
  report('pg_list_1m_ms', formatMs(figures.millionMs), "median GET of the text's 1,000 glosses with 1,000,000 in the table");
  report('pg_list_1m_ratio', `${round(figures.millionRatio)}×`, 'that ÷ the same GET with only those 1,000 in the table (alternating)');
  report('pg_list_1m_bare_ratio', `${round(figures.millionBareRatio)}×`, "the same ratio for the bare queries: what the table's size costs the database itself");
  return figures;
}

/** Builds and fills the databases, runs the three measurements, prints the figures; drops every database it made. */
export async function runPgBench(log: (line: string) => void = console.log): Promise<PgResult> {
  requireBuiltServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-bench-pg-'));
  const dbFile = path.join(dir, 'daf.db');
  const held = new Held();
  try {
    const built = await timed(() => buildBenchDatabase(dbFile));
    const { slugs, glosses, replies } = built.value;
    const slug = slugs[Math.floor(slugs.length / 2)];
    log(`The API benchmark's database: ${glosses} glosses, ${replies} replies over ${slugs.length} texts, built in SQLite [${formatMs(built.ms)}]`);
    log('');
    const listing = await listingAgainstBaseline(held, dbFile, slug, log);
    log('');
    const lag = await eventLag(held, dir, log);
    log('');
    const million = await millionGlosses(held, dbFile, slug, log);
    return { ...listing, ...lag, ...million };
  } finally {
    held.agent.destroy();
    await held.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
