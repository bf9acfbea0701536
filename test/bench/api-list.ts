/**
 * API listing benchmark (README, "Benchmarks"): reading the glosses of a text with 1,000 glosses through the
 * HTTP API should cost at most 1.5× a bare better-sqlite3 query of the same rows plus
 * `JSON.stringify` of them.
 *
 * The database (api-database.ts) holds 100,000 glosses over 100 texts. The server runs as a
 * child process, exactly as `daf serve --no-demo` runs in production, so that its peak resident
 * memory can be read honestly from /proc/PID/status (VmHWM) and its work does not share a heap
 * or an event loop with the client. The benchmark process is the client: it times
 * `GET /api/texts/:slug/glosses` over a keep-alive HTTP connection, reading the whole body.
 *
 * Baseline, timed in the benchmark process and interleaved with the requests: one prepared
 * statement selecting the same gloss rows the endpoint reads (gloss joined with layer, text, user,
 * the target gloss and the anchor, visibility filtered), one selecting the text's replies with
 * their authors, and `JSON.stringify` of both.
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
import { startServerProcess, stopServerProcess } from './server-process.ts';


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

const glossSql = `
  SELECT g.id, l.slug AS layer_slug, g.target_gloss_id, g.target_version, g.selectors, g.body_doc, g.body_text,
         g.body_revision, g.motivation, g.status, g.created_at, g.updated_at,
         u.handle AS author_handle, u.display_name AS author_name,
         a.version AS anchor_version, a.start AS anchor_start, a."end" AS anchor_end, a.status AS anchor_status,
         a.score AS anchor_score, a.exact AS anchor_exact
  FROM gloss g
  JOIN layer l ON l.id = g.layer_id
  JOIN text t ON t.id = g.text_id
  JOIN "user" u ON u.id = g.author_id
  LEFT JOIN gloss tg ON tg.id = g.target_gloss_id
  LEFT JOIN anchor a ON a.gloss_id = g.id AND a.version = coalesce(tg.body_revision, t.current_version)
  WHERE t.slug = ? AND t.visibility = 'public' AND l.visibility = 'public'
  ORDER BY g.id`;

const replySql = `
  SELECT r.id, r.gloss_id, r.parent_id, r.body_doc, r.body_text, r.status, r.created_at, r.updated_at,
         u.handle AS author_handle, u.display_name AS author_name
  FROM reply r
  JOIN gloss g ON g.id = r.gloss_id
  JOIN text t ON t.id = g.text_id
  JOIN "user" u ON u.id = r.author_id
  WHERE t.slug = ?
  ORDER BY r.id`;

/** A field of /proc/PID/status in megabytes (fields are in kB), or NaN where there is no /proc. */
function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU time a process has used (utime + stime from /proc/PID/stat), in milliseconds, assuming the
 * usual Linux USER_HZ of 100 ticks a second; NaN where there is no /proc.
 */
function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: the 14th and 15th fields
  } catch {
    return NaN;
  }
}

/** GET over a keep-alive agent, reading the whole body. */
function get(agent: http.Agent, url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Builds the database, starts the server, times the listing against the baseline, prints the figures. */
export async function runApiBench(log: (line: string) => void = console.log): Promise<ApiResult> {
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
    const glossStatement = sqlite.prepare(glossSql);
    const replyStatement = sqlite.prepare(replySql);
    const baseline = (): string => JSON.stringify({ glosses: glossStatement.all(slug), replies: replyStatement.all(slug) });

    // The real server, in its own process.
    const server = await startServerProcess(dbFile);
    child = server.child;
    const url = `${server.url}/api/texts/${slug}/glosses`;
    const request = async (): Promise<Buffer> => {
      const res = await get(agent, url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body.toString().slice(0, 300)}`);
      return res.body;
    };

    // Both must describe the same glosses and replies.
    const body = await request();
    const listing = JSON.parse(body.toString()) as { glosses: { id: number; replies: unknown[] }[] };
    const bare = JSON.parse(baseline()) as { glosses: { id: number }[]; replies: unknown[] };
    const apiReplies = listing.glosses.reduce((n, g) => n + g.replies.length, 0);
    if (
      listing.glosses.length !== apiSetup.glossesPerText ||
      bare.glosses.length !== listing.glosses.length ||
      bare.glosses.some((g, i) => g.id !== listing.glosses[i].id) ||
      bare.replies.length !== apiReplies
    ) {
      throw new Error(
        `the API and the baseline disagree: API ${listing.glosses.length} glosses / ${apiReplies} replies, ` +
          `baseline ${bare.glosses.length} / ${bare.replies.length}`,
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
        `${(body.length / 1024).toFixed(0)} KiB; ${apiRuns.runs} timed runs of each after ${apiRuns.warmup} warm-up, in alternating blocks of ${apiRuns.block}`,
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
      `API median ÷ baseline median (bare prepared query of the same rows and replies + JSON.stringify; goal ≤ 1.5)`,
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
      `peak resident memory (VmHWM) of the \`daf serve\` child after the benchmark (now ${serverRssMb.toFixed(0)} MB)`,
    );
    return result;
  } finally {
    agent.destroy();
    if (child) await stopServerProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
