/**
 * `npm run bench`: Daf's performance budgets (README, "Benchmarks"), each measured against a baseline in
 * the same run and printed as a ratio, because the machines are noisy. Benchmarks are not tests:
 * nothing here fails on a figure; the last line is one JSON object with every figure, for
 * scripts to pick up.
 *
 *   api-list.ts   GET /api/texts/:slug/glosses (1,000 glosses) from the built server vs the same
 *                 document made in-process, no HTTP (bare better-sqlite3 statements, objects
 *                 assembled in JS, JSON.stringify); peak RSS of the server process.
 *   server-start.ts  how fast the built server starts and what it holds at rest, vs the same
 *                 server from source through tsx.
 *   reanchor.ts   re-anchoring 1,000 glosses on a 1 MB text after a 2% revision, with and without
 *                 the diff of the old text, vs Hypothesis's matchQuote (ported); wrong and lost
 *                 placements counted against a known ground truth.
 *   app-size.ts   the reader's JavaScript, and the embed widget's embed.js, gzipped.
 *   stall.ts      the worst latency another reader sees while the heaviest requests run
 *                 (crafted quotes, imports, texts of a million blocks) vs the same reader idle.
 *   client-render.ts  the reader's text page in Chromium (5,000 paragraphs, 2,000 glosses) vs a
 *                 bare ProseMirror view with the same highlights; toggling a layer.
 *   pg.ts         on PostgreSQL (DAF_BENCH_PG_URL, 127.0.0.1:5432 by default): the API listing vs
 *                 the same document from bare pg queries; an event's lag from one server process
 *                 to another (and the same on SQLite); the listing with 1,000,000 glosses in the
 *                 table vs with only the text's 1,000. The full run skips it, saying so, when no
 *                 PostgreSQL answers.
 *   federation.ts the built server federating (docs/federation.md §5), its group followed by 50
 *                 people on 5 Fedify peers: a gloss's POST vs the same on a server with federation
 *                 off; from the answer until every peer has the Create; a burst of 200 glosses until
 *                 every peer has all 3,000 deliveries. On SQLite (`fed`), and the same on PostgreSQL
 *                 (`fed-pg`), which the full run skips, saying so, when no PostgreSQL answers.
 *
 * `npm run bench -- api`, `-- start`, `-- reanchor`, `-- stall`, `-- app`, `-- embed`, `-- client`, `-- pg`, `-- fed` or `-- fed-pg` runs one of them. With
 * `DAF_BENCH_CPU_PROF=DIR`, the API benchmark's server writes a CPU profile (node --cpu-prof) to
 * DIR, and the client benchmark profiles one load of the reader and one layer toggle there; so do
 * every server and the peers' process of the federation benchmark.
 */
import { shownLocation } from '../../server/storage/open-database.ts';
import { runApiBench, type ApiResult } from './api-list.ts';
import { runAppSizeBench, runEmbedSizeBench } from './app-size.ts';
import { runClientBench } from './client-render.ts';
import { runFederationBench, type FedResult } from './federation.ts';
import { formatMs, round } from './measure.ts';
import { pgBenchUrl, pgUnreachable } from './pg-database.ts';
import { runPgBench } from './pg.ts';
import { runReanchorBench, type ReanchorResult } from './reanchor.ts';
import { runStartBench } from './server-start.ts';
import { runStallBench } from './stall.ts';

const only = process.argv[2];
const started = performance.now();
const figures: Record<string, number | boolean> = {};

if (!only || only === 'api') {
  console.log('API listing (README, "Benchmarks": at most 1.5× the same document from bare queries + JSON.stringify)');
  const api: ApiResult = await runApiBench();
  Object.assign(figures, {
    api_list_ratio: round(api.ratio),
    api_server_cpu_ratio: round(api.serverCpuRatio),
    api_list_ms: round(api.apiMs, 1),
    api_baseline_ms: round(api.baselineMs, 1),
    api_service_ratio: round(api.serviceRatio),
    api_server_peak_rss_mb: round(api.serverPeakRssMb, 0),
  });
  console.log();
}

if (!only || only === 'start') {
  console.log('Starting the server (issue "A house…": npm start runs the build; at most 120 MB at rest with the demo)');
  const start = await runStartBench();
  Object.assign(figures, {
    server_start_ms: round(start.builtMs, 0),
    server_start_source_ms: round(start.sourceMs, 0),
    server_start_ratio: round(start.sourceMs / start.builtMs, 1),
    server_rss_mb: round(start.builtRssMb, 0),
    server_rss_source_mb: round(start.sourceRssMb, 0),
  });
  console.log();
}

if (!only || only === 'reanchor') {
  console.log(
    'Re-anchoring (README, "Benchmarks": at least 10× faster than Hypothesis\'s matchQuote, no gloss in a wrong place, with the diff or without)',
  );
  const re: ReanchorResult = await runReanchorBench();
  Object.assign(figures, {
    reanchor_speedup: round(re.speedup, 1),
    reanchor_wall_speedup: round(re.wallSpeedup, 1),
    reanchor_nodiff_speedup: round(re.noDiffSpeedup, 1),
    reanchor_nodiff_wall_speedup: round(re.noDiffWallSpeedup, 1),
    reanchor_ms: round(re.oursMs, 0),
    reanchor_nodiff_ms: round(re.oursNoDiffMs, 0),
    reanchor_baseline_ms: round(re.baselineMs, 0),
    reanchor_baseline_extrapolated: re.baselineExtrapolated,
    reanchor_wrong: re.oursWrong,
    reanchor_wrong_elsewhere: re.oursWrongElsewhere,
    reanchor_wrong_edges: re.oursWrong - re.oursWrongElsewhere,
    reanchor_lost: re.oursLost,
    reanchor_wrong_nodiff: re.oursNoDiffWrong,
    reanchor_wrong_nodiff_elsewhere: re.oursNoDiffWrongElsewhere,
    reanchor_lost_nodiff: re.oursNoDiffLost,
    baseline_wrong: re.baselineWrong,
    baseline_wrong_elsewhere: re.baselineWrongElsewhere,
    baseline_lost: re.baselineLost,
  });
  console.log();
}

if (!only || only === 'stall') {
  console.log('Bounded work (README, "Bounded work": no other reader waits more than 1,000 ms because of one request)');
  const stall = await runStallBench();
  Object.assign(figures, { stall_ms: round(stall.stallMs, 0), stall_idle_ms: round(stall.idleMs, 0) });
  console.log();
}

if (!only || only === 'app') {
  console.log('The reader\'s JavaScript (issue "The reader": at most 120 KB gzipped)');
  const app = await runAppSizeBench();
  figures.app_js_wire_kb = round(app.appJsWireKb, 1);
  figures.app_js_wire_gzip_kb = round(app.appJsWireGzipKb, 1);
  figures.app_js_first_load_wire_kb = round(app.firstLoadWireKb, 1);
  figures.app_js_first_load_wire_gzip_kb = round(app.firstLoadWireGzipKb, 1);
  console.log();
}

if (!only || only === 'embed') {
  console.log('The embed widget\'s embed.js (issue "Embed": at most 40 KB gzipped)');
  const embed = await runEmbedSizeBench();
  figures.embed_js_wire_kb = round(embed.embedJsWireKb, 1);
  figures.embed_js_wire_gzip_kb = round(embed.embedJsWireGzipKb, 1);
  console.log();
}

if (!only || only === 'client') {
  console.log('The reader\'s text page in Chromium (issue "The reader": at most 2× a bare ProseMirror view; a layer toggle within 50 ms)');
  const client = await runClientBench();
  Object.assign(figures, {
    client_render_ratio: round(client.ratio),
    client_render_ms: round(client.renderMs, 0),
    client_baseline_ms: round(client.baselineMs, 0),
    client_render_cpu_ratio: round(client.cpuRatio),
    layer_toggle_ms: round(client.toggleMs, 1),
    drift_p95_px: round(client.driftP95Px, 0),
    drift_within_half_screen: round(client.driftWithinHalfScreen, 3),
    page_to_text_height: round(client.pageToTextHeight, 1),
  });
  console.log();
}

if (!only || only === 'pg') {
  const unreachable = await pgUnreachable();
  if (unreachable && !only) {
    console.log(`PostgreSQL: skipped, no server answers at ${shownLocation(pgBenchUrl)} (${unreachable}); set DAF_BENCH_PG_URL to run it`);
  } else {
    if (unreachable) throw new Error(`no PostgreSQL server answers at ${shownLocation(pgBenchUrl)} (${unreachable}); set DAF_BENCH_PG_URL`);
    console.log(`PostgreSQL (issue "Outgrow one machine"; at ${shownLocation(pgBenchUrl)})`);
    const pg = await runPgBench();
    Object.assign(figures, {
      pg_migrate_100k_s: round(pg.migrateMs / 1000, 0),
      pg_api_list_ratio: round(pg.listRatio),
      pg_api_server_cpu_ratio: round(pg.serverCpuRatio),
      pg_api_total_cpu_ratio: round(pg.totalCpuRatio),
      pg_api_list_ms: round(pg.listMs, 1),
      pg_api_baseline_ms: round(pg.baselineMs, 1),
      pg_event_lag_ms: round(pg.pgLagMedianMs, 1),
      pg_event_lag_p95_ms: round(pg.pgLagP95Ms, 1),
      sqlite_event_poll_lag_ms: round(pg.sqliteLagMedianMs, 0),
      sqlite_event_poll_lag_p95_ms: round(pg.sqliteLagP95Ms, 0),
      pg_list_1m_ms: round(pg.millionMs, 1),
      pg_list_1m_ratio: round(pg.millionRatio),
      pg_list_1m_bare_ratio: round(pg.millionBareRatio),
      pg_list_1m_build_s: round(pg.millionBuildMs / 1000, 0),
    });
  }
  console.log();
}

/** The figures of the federation benchmark under `prefix`, for the JSON line. */
const fedFigures = (prefix: string, r: FedResult): Record<string, number> => ({
  [`${prefix}_write_ratio`]: round(r.writeRatio),
  [`${prefix}_write_ms`]: round(r.writeOnMs, 1),
  [`${prefix}_write_off_ms`]: round(r.writeOffMs, 1),
  [`${prefix}_write_cpu_ms`]: round(r.cpuOnMs, 0),
  [`${prefix}_write_off_cpu_ms`]: round(r.cpuOffMs, 1),
  [`${prefix}_idle_write_ratio`]: round(r.idleWriteRatio),
  [`${prefix}_delivery_ms`]: round(r.deliveryP50Ms, 0),
  [`${prefix}_delivery_p95_ms`]: round(r.deliveryP95Ms, 0),
  [`${prefix}_first_delivery_ms`]: round(r.firstDeliveryMs, 0),
  [`${prefix}_burst_s`]: round(r.burstS, 1),
  [`${prefix}_burst_writes_s`]: round(r.burstWritesS, 1),
  [`${prefix}_burst_deliveries_per_s`]: round(r.burstDeliveriesPerS, 0),
  [`${prefix}_burst_server_cpu_ms`]: round(r.burstServerCpuMs, 1),
  [`${prefix}_burst_peers_cpu_ms`]: round(r.burstPeersCpuMs, 1),
  [`${prefix}_far_workers_ratio`]: round(r.farWorkersRatio),
  [`${prefix}_far_one_worker_per_s`]: round(r.farOneWorkerPerS, 1),
  [`${prefix}_far_workers_per_s`]: round(r.farWorkersPerS, 1),
});

if (!only || only === 'fed') {
  console.log('Federation on SQLite (docs/federation.md §5: publishing runs after the commit, so a write should not wait for it)');
  Object.assign(figures, fedFigures('fed', await runFederationBench('sqlite')));
  console.log();
}

if (!only || only === 'fed-pg') {
  const unreachable = await pgUnreachable();
  if (unreachable && !only) {
    console.log(`Federation on PostgreSQL: skipped, no server answers at ${shownLocation(pgBenchUrl)} (${unreachable}); set DAF_BENCH_PG_URL to run it`);
  } else {
    if (unreachable) throw new Error(`no PostgreSQL server answers at ${shownLocation(pgBenchUrl)} (${unreachable}); set DAF_BENCH_PG_URL`);
    console.log(`Federation on PostgreSQL (at ${shownLocation(pgBenchUrl)}, throwaway databases)`);
    Object.assign(figures, fedFigures('pg_fed', await runFederationBench('postgres')));
  }
  console.log();
}

console.log(`Benchmarks took ${formatMs(performance.now() - started)}.`);
console.log(JSON.stringify(figures));
