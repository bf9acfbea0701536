/**
 * API listing benchmark (README, "Benchmarks"): reading the glosses of a text with 1,000 glosses through the
 * HTTP API should cost at most 1.5× making the same document by the simplest code in the
 * benchmark process.
 *
 * The database (api-database.ts) holds 100,000 glosses over 100 texts. The server runs as a
 * child process, the built one exactly as `npm start` runs it (`dist/server/daf.js serve
 * --no-demo`; the benchmark stops at once, saying to run `npm run build`, when it is missing), so
 * that its peak resident memory can be read honestly from /proc/PID/status (VmHWM) and its work
 * does not share a heap or an event loop with the client. The benchmark process is the client:
 * it times `GET /api/texts/:slug/glosses` over a keep-alive HTTP connection, reading the whole body.
 *
 * Baseline (bare-listing.ts), timed in the benchmark process and interleaved with the requests,
 * with no HTTP at all: the document the API answers an anonymous reader of a public text — the
 * same keys and nesting, each gloss with its target, anchor, body, author, stances, decision,
 * question and thread of replies (each with its stance) —
 * made by bare better-sqlite3 prepared statements (the text, its visible glosses with their
 * layers, authors and anchors, the visible replies with their authors), plain JavaScript objects
 * built from the rows, the stored JSON (selectors, bodies) parsed, and `JSON.stringify`. Before
 * timing, both answers are parsed and compared field by field; the benchmark fails on the first
 * difference. No field is exempt: the two must be equal as JSON values. (Their bytes differ only
 * where SQLite spells an anchor's score `1.0` and JavaScript `1`.)
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createContext } from '../../server/main.ts';
import { listGlossesJson } from '../../server/services/glosses.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { apiSetup, buildBenchDatabase } from './api-database.ts';
import { formatMs, interleave, median, quantile, report, round, sum, timed } from './measure.ts';
import {
  type BareDecision,
  type BareGloss,
  type BareReply,
  type BareStance,
  type BareText,
  bareDocument,
  bareSql,
  firstDifference,
} from './bare-listing.ts';
import { keepAliveGet, procCpuMs, procStatusMb, requireBuiltServer, serverEntries, startServerProcess, stopServerProcess } from './server-process.ts';

/** Repetitions: untimed warm-up rounds, then timed runs of each, in alternating blocks. */
export const apiRuns = { warmup: 10, runs: 60, block: 5 };

/** What the API benchmark found. */
export interface ApiResult {
  apiMs: number;
  baselineMs: number;
  ratio: number;
  /**
   * CPU time of the server process per request ÷ CPU time per baseline run, means over the timed
   * runs: the server's work against the bare query's, less exposed to the scheduler than wall time.
   */
  serverCpuRatio: number;
  /** In-process `listGlossesJson` (Kysely query + presenter, no HTTP) ÷ baseline, medians, for locating the cost. */
  serviceRatio: number;
  responseBytes: number;
  serverPeakRssMb: number;
  serverRssMb: number;
}

/**
 * The baseline (bare-listing.ts) on SQLite: its queries as bare better-sqlite3 prepared statements,
 * the document assembled from their rows by `bareDocument`.
 */
function bareListing(sqlite: SQLite.Database): (slug: string) => string {
  const text = sqlite.prepare<[string], BareText>(bareSql.text);
  const glosses = sqlite.prepare<[number, number], BareGloss>(bareSql.glosses);
  const replies = sqlite.prepare<[number], BareReply>(bareSql.replies);
  const stances = sqlite.prepare<[number], BareStance>(bareSql.stances);
  const decisions = sqlite.prepare<[number], BareDecision>(bareSql.decisions);
  return (slug) => {
    const t = text.get(slug);
    if (!t) throw new Error(`baseline: no public text "${slug}"`);
    return bareDocument({
      text: t,
      replies: replies.all(t.id),
      stances: stances.all(t.id),
      decisions: decisions.all(t.id),
      glosses: glosses.all(t.current_version, t.id),
    });
  };
}



/** Builds the database, starts the server, times the listing against the baseline, prints the figures. */
export async function runApiBench(log: (line: string) => void = console.log): Promise<ApiResult> {
  requireBuiltServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-bench-'));
  const dbFile = path.join(dir, 'daf.db');
  let child: ChildProcess | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const built = await timed(() => buildBenchDatabase(dbFile));
    const { slugs, glosses, replies } = built.value;
    const slug = slugs[Math.floor(slugs.length / 2)];
    log(
      `  setup: ${slugs.length} texts, ${glosses} glosses, ${replies} replies in ${dbFile} ` +
        `(${(fs.statSync(dbFile).size / 1024 / 1024).toFixed(0)} MB) [${formatMs(built.ms)}]`,
    );

    // Baseline, in this process.
    const sqlite = new SQLite(dbFile, { readonly: true, fileMustExist: true });
    const bare = bareListing(sqlite);
    const baseline = (): string => bare(slug);

    // The real server, built, in its own process.
    const server = await startServerProcess(dbFile);
    child = server.child;
    const url = `${server.url}/api/texts/${slug}/glosses`;
    const request = async (): Promise<Buffer> => {
      const res = await keepAliveGet(agent, url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body.toString().slice(0, 300)}`);
      return res.body;
    };

    // Both must be the same document, field for field, or the comparison means nothing.
    const body = await request();
    const listing = JSON.parse(body.toString()) as { glosses: { replies: unknown[] }[] };
    const bareText = baseline();
    const apiReplies = listing.glosses.reduce((n, g) => n + g.replies.length, 0);
    if (listing.glosses.length !== apiSetup.glossesPerText || apiReplies === 0) {
      throw new Error(`the API listed ${listing.glosses.length} glosses with ${apiReplies} replies; expected ${apiSetup.glossesPerText} with threads`);
    }
    const difference = firstDifference(listing, JSON.parse(bareText));
    if (difference) {
      const show = (v: unknown): string => (JSON.stringify(v) ?? 'undefined').slice(0, 300);
      throw new Error(
        `the API and the baseline answer different documents; the first difference is at ${difference.at}:\n` +
          `  API      ${show(difference.api)}\n  baseline ${show(difference.bare)}`,
      );
    }

    await interleave(request, baseline, { warmup: apiRuns.warmup, runs: 0 });
    const serverCpuBefore = procCpuMs(child.pid!);
    const times = await interleave(request, baseline, { warmup: 0, runs: apiRuns.runs, block: apiRuns.block });
    const serverCpuPerRequest = (procCpuMs(child.pid!) - serverCpuBefore) / apiRuns.runs;
    const serverPeakRssMb = procStatusMb(child.pid!, 'VmHWM');
    const serverRssMb = procStatusMb(child.pid!, 'VmRSS');

    // For locating the cost: the service function in this process, without HTTP, against the baseline again.
    const local = await openDatabase(dbFile);
    const ctx = createContext(local.db);
    const service = await interleave(() => listGlossesJson(ctx, null, slug), baseline, {
      warmup: apiRuns.warmup,
      runs: apiRuns.runs / 2,
      block: apiRuns.block,
    });
    await local.close();
    sqlite.close();

    const apiMs = median(times.a.wall);
    const baselineMs = median(times.b.wall);
    const clientCpuPerRequest = sum(times.a.cpu) / apiRuns.runs;
    const baselineCpu = sum(times.b.cpu) / apiRuns.runs;
    const serviceRatio = median(service.a.wall) / median(service.b.wall);
    const result: ApiResult = {
      apiMs,
      baselineMs,
      ratio: apiMs / baselineMs,
      serverCpuRatio: serverCpuPerRequest / baselineCpu,
      serviceRatio,
      responseBytes: body.length,
      serverPeakRssMb,
      serverRssMb,
    };
    log(
      `  GET /api/texts/${slug}/glosses: ${listing.glosses.length} glosses, ${apiReplies} replies, ` +
        `${(body.length / 1024).toFixed(0)} KiB (the baseline's: ${(Buffer.byteLength(bareText) / 1024).toFixed(0)} KiB, the same document); ${apiRuns.runs} timed runs of each after ${apiRuns.warmup} warm-up, in alternating blocks of ${apiRuns.block}`,
    );
    log(
      `  API      median ${formatMs(apiMs)} (p10 ${formatMs(quantile(times.a.wall, 0.1))}, p90 ${formatMs(quantile(times.a.wall, 0.9))}); ` +
        `CPU per request ${formatMs(serverCpuPerRequest)} in the server + ${formatMs(clientCpuPerRequest)} in the client (means)`,
    );
    log(
      `  baseline median ${formatMs(baselineMs)} (p10 ${formatMs(quantile(times.b.wall, 0.1))}, p90 ${formatMs(quantile(times.b.wall, 0.9))}); ` +
        `CPU per run ${formatMs(baselineCpu)} (mean)`,
    );
    report(
      'api_list_ratio',
      `${round(result.ratio)}×`,
      `API median ÷ baseline median (the same document, checked field by field, made in this process without HTTP: bare better-sqlite3 statements, objects assembled in JavaScript, JSON.stringify; goal ≤ 1.5)`,
    );
    report(
      'api_server_cpu_ratio',
      `${round(result.serverCpuRatio)}×`,
      `CPU time of the server process per request ÷ CPU time of a baseline run (means): the server's own work, without HTTP client or scheduling waits`,
    );
    report(
      'api_service_ratio',
      `${round(serviceRatio)}×`,
      `listGlossesJson in-process (Kysely + presenter, no HTTP) ÷ baseline: how much of the API cost is before HTTP`,
    );
    report(
      'api_server_peak_rss_mb',
      `${serverPeakRssMb.toFixed(0)} MB`,
      `peak resident memory (VmHWM) of the built server child (${serverEntries.built}, as npm start runs it) after the benchmark (now ${serverRssMb.toFixed(0)} MB)`,
    );
    return result;
  } finally {
    agent.destroy();
    if (child) await stopServerProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
