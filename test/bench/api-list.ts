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
 * Baseline, timed in the benchmark process and interleaved with the requests, with no HTTP at
 * all (`bareListing`): the document the API answers an anonymous reader of a public text — the
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
import { requireBuiltServer, serverEntries, startServerProcess, stopServerProcess } from './server-process.ts';


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

/** What the baseline reads of a gloss: its row, its layer's slug, its author and its anchor now. */
interface BareGloss {
  id: number;
  layer: string;
  target_version: number;
  target_gloss_id: number | null;
  selectors: string;
  body_doc: string;
  body_text: string;
  body_revision: number;
  motivation: string;
  status: string;
  moderation_note: string | null;
  attribution: string | null;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  handle: string;
  display_name: string;
  accepted_reply_id: number | null;
  accepted_status: string | null;
  anchor_version: number | null;
  anchor_start: number | null;
  anchor_end: number | null;
  anchor_status: string | null;
  anchor_score: number | null;
  anchor_exact: string | null;
}

/** What the baseline reads of a reply: its row and its author. */
interface BareReply {
  id: number;
  gloss_id: number;
  parent_id: number | null;
  status: string;
  body_doc: string;
  body_text: string;
  moderation_note: string | null;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  stance: string | null;
  handle: string;
  display_name: string;
}

/** A stance on a gloss, and a decision on one, as the baseline reads them. */
interface BareStance {
  gloss_id: number;
  stance: 'agree' | 'disagree' | 'abstain';
  reason: string | null;
  handle: string;
  display_name: string;
}
interface BareDecision {
  gloss_id: number;
  statement: string;
  adopted_kind: string | null;
  adopted_id: number | null;
  decided_at: string;
  review_on: string | null;
  dissent: string;
  handle: string;
  display_name: string;
}

/** A tombstone (a deleted post) keeps no author and no body; anything else shows both. */
const shownAuthor = (p: { status: string; handle: string; display_name: string }) =>
  p.status === 'deleted' ? null : { handle: p.handle, name: p.display_name };
const shownBody = (p: { status: string; body_doc: string; body_text: string }) =>
  p.status === 'deleted' ? null : { doc: JSON.parse(p.body_doc) as unknown, text: p.body_text };

/**
 * The baseline: the listing an anonymous reader gets of a public text, made by the simplest code
 * there is — three bare better-sqlite3 prepared statements (the text, its glosses in public
 * layers with their anchors at the current version, the replies a visitor may see), plain
 * objects assembled in JavaScript with each stored JSON column parsed, and `JSON.stringify`.
 */
function bareListing(sqlite: SQLite.Database): (slug: string) => string {
  const textStatement = sqlite.prepare<[string], { id: number; slug: string; current_version: number }>(
    `SELECT id, slug, current_version FROM text WHERE slug = ? AND visibility = 'public'`,
  );
  const glossStatement = sqlite.prepare<[number, number], BareGloss>(`
    SELECT g.id, l.slug AS layer, g.target_version, g.target_gloss_id, g.selectors, g.body_doc, g.body_text, g.body_revision,
           g.motivation, g.status, g.moderation_note, g.attribution, g.created_at, g.updated_at, g.edited_at,
           u.handle, u.display_name, g.accepted_reply_id, ar.status AS accepted_status,
           a.version AS anchor_version, a.start AS anchor_start, a."end" AS anchor_end, a.status AS anchor_status,
           a.score AS anchor_score, a.exact AS anchor_exact
    FROM gloss g
    JOIN layer l ON l.id = g.layer_id
    JOIN "user" u ON u.id = g.author_id
    LEFT JOIN gloss tg ON tg.id = g.target_gloss_id
    LEFT JOIN reply ar ON ar.id = g.accepted_reply_id
    LEFT JOIN anchor a ON a.gloss_id = g.id AND a.version = coalesce(tg.body_revision, ?)
    WHERE g.text_id = ? AND l.visibility = 'public' AND g.status IN ('active', 'deleted')
    ORDER BY g.id`);
  const replyStatement = sqlite.prepare<[number], BareReply>(`
    SELECT r.id, r.gloss_id, r.parent_id, r.status, r.body_doc, r.body_text, r.moderation_note,
           r.created_at, r.updated_at, r.edited_at, r.stance, u.handle, u.display_name
    FROM reply r
    JOIN gloss g ON g.id = r.gloss_id
    JOIN "user" u ON u.id = r.author_id
    WHERE g.text_id = ? AND r.status IN ('active', 'deleted')
    ORDER BY r.id`);
  // Stances and decisions on the text's glosses (none of the gloss's visibility matters here: the
  // glosses they hang on are filtered above).
  const stanceStatement = sqlite.prepare<[number], BareStance>(`
    SELECT s.gloss_id, s.stance, s.reason, u.handle, u.display_name
    FROM gloss_stance s JOIN gloss g ON g.id = s.gloss_id JOIN "user" u ON u.id = s.user_id
    WHERE g.text_id = ? ORDER BY s.created_at, s.user_id`);
  const decisionStatement = sqlite.prepare<[number], BareDecision>(`
    SELECT d.gloss_id, d.statement, d.adopted_kind, d.adopted_id, d.decided_at, d.review_on, d.dissent, u.handle, u.display_name
    FROM decision d JOIN gloss g ON g.id = d.gloss_id JOIN "user" u ON u.id = d.decided_by
    WHERE g.text_id = ? ORDER BY d.id`);
  return (slug) => {
    const text = textStatement.get(slug);
    if (!text) throw new Error(`baseline: no public text "${slug}"`);
    const threads = new Map<number, object[]>();
    for (const r of replyStatement.all(text.id)) {
      let thread = threads.get(r.gloss_id);
      if (!thread) threads.set(r.gloss_id, (thread = []));
      thread.push({
        id: r.id,
        gloss: r.gloss_id,
        parent: r.parent_id,
        status: r.status,
        author: shownAuthor(r),
        body: shownBody(r),
        moderationNote: r.moderation_note,
        created: r.created_at,
        updated: r.updated_at,
        edited: r.edited_at,
        stance: r.stance,
      });
    }
    const stances = new Map<number, { agree: number; disagree: number; abstain: number; mine: null; reasons: object[] }>();
    for (const st of stanceStatement.all(text.id)) {
      let tally = stances.get(st.gloss_id);
      if (!tally) stances.set(st.gloss_id, (tally = { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] }));
      tally[st.stance]++;
      if (st.reason !== null) tally.reasons.push({ author: { handle: st.handle, name: st.display_name }, stance: st.stance, reason: st.reason });
    }
    // The newest decision of each gloss, with how many came before it (they come oldest first).
    const decisions = new Map<number, { earlier: number } & Record<string, unknown>>();
    for (const d of decisionStatement.all(text.id)) {
      const before = decisions.get(d.gloss_id);
      decisions.set(d.gloss_id, {
        statement: d.statement,
        adopted: d.adopted_kind === null ? null : { kind: d.adopted_kind, id: d.adopted_id },
        decidedBy: { handle: d.handle, name: d.display_name },
        decidedAt: d.decided_at,
        reviewOn: d.review_on,
        dissent: JSON.parse(d.dissent) as unknown,
        earlier: before === undefined ? 0 : before.earlier + 1,
      });
    }
    const glosses = glossStatement.all(text.current_version, text.id).map((g) => ({
      id: g.id,
      text: text.slug,
      layer: g.layer,
      target: { version: g.target_version, gloss: g.target_gloss_id, ...(JSON.parse(g.selectors) as object) },
      anchor:
        g.anchor_status === null
          ? null
          : { version: g.anchor_version, start: g.anchor_start, end: g.anchor_end, status: g.anchor_status, score: g.anchor_score, exact: g.anchor_exact },
      body: shownBody(g),
      bodyRevision: g.body_revision,
      motivation: g.motivation,
      status: g.status,
      author: shownAuthor(g),
      moderationNote: g.moderation_note,
      attribution: g.attribution,
      created: g.created_at,
      updated: g.updated_at,
      edited: g.edited_at,
      stances: stances.get(g.id) ?? { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] },
      decision: decisions.get(g.id) ?? null,
      question:
        g.motivation !== 'questioning'
          ? null
          : g.accepted_reply_id !== null && g.accepted_status === 'active'
            ? { status: 'answered', accepted: g.accepted_reply_id }
            : { status: 'open', accepted: null },
      replies: threads.get(g.id) ?? [],
    }));
    return JSON.stringify({ text: text.slug, version: text.current_version, glosses });
  };
}

/** Where two parsed JSON documents first differ (a path such as `$.glosses[3].anchor.end`, and both values there), or null. */
function firstDifference(api: unknown, bare: unknown, at = '$'): { at: string; api: unknown; bare: unknown } | null {
  if (Object.is(api, bare)) return null;
  const here = { at, api, bare };
  if (typeof api !== 'object' || typeof bare !== 'object' || api === null || bare === null) return here;
  if (Array.isArray(api) !== Array.isArray(bare)) return here;
  const a = api as Record<string, unknown>;
  const b = bare as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length || keys.some((k) => !Object.hasOwn(b, k))) {
    return { at: `${at} (keys)`, api: keys, bare: Object.keys(b) };
  }
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], Array.isArray(api) ? `${at}[${k}]` : `${at}.${k}`);
    if (d) return d;
  }
  return null;
}

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
      const res = await get(agent, url);
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
