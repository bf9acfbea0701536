/**
 * Client benchmark (issue "The reader"): the reader's text page in Chromium, on a text of 5,000
 * paragraphs with 2,000 glosses in 3 layers.
 *
 *   client_render_ratio  time from navigation to the page fully laid out (every gloss highlighted,
 *                        every card placed in its column, and the next frame painted), ÷ the same
 *                        for a bare read-only ProseMirror view of the same document with the same
 *                        highlights as inline decorations and the same cards placed beside it by
 *                        the simplest code (client-browser/baseline.ts), from the same server's
 *                        JSON API. Medians over fresh pages, loads alternating. Goal ≤ 2.
 *                        Also as a ratio of the renderer's main-thread CPU time (DevTools
 *                        `Performance` metrics), which a busy machine disturbs less.
 *   layer_toggle_ms      on a laid-out page, clicking a layer's checkbox until the columns are laid
 *                        out again (the `daf-laid-out` event after the click) and the next frame is
 *                        painted; median over hiding and showing the layer again. Goal ≤ 50 ms.
 *
 * The database is written directly (api-database.ts's `benchWriter`). One in-process server
 * answers both pages, so both fetch from the same origin with no proxy between: the real app
 * (`createApp`, as `daf serve` runs it, serving dist/client, built first) and, beside it, the
 * baseline's HTML and its script, bundled by esbuild at bench time. Times are read in the page
 * (`performance.now()`, from the navigation's start) by a script injected before the page's own,
 * so the benchmark's process and the DevTools protocol add nothing to them.
 *
 * With `DAF_BENCH_CPU_PROF=DIR`, one more load of the reader and one hide-and-show are profiled
 * (DevTools `Profiler`) into DIR/client-render.cpuprofile and DIR/client-toggle.cpuprofile, with
 * the reader's source maps beside them.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { createApp } from '../../server/app.ts';
import { createContext } from '../../server/main.ts';
import { clientDir } from '../../server/routes/pages.ts';
import { openDatabase } from '../../server/storage/open-database.ts';
import { launchBrowser } from '../e2e/browser.ts';
import { benchWriter, randomBody } from './api-database.ts';
import { buildReader } from './app-size.ts';
import { formatMs, median, report, round, timed } from './measure.ts';
import { createRandom } from './random.ts';
import { generateText, placeQuotes, type Span } from './synthetic-text.ts';
import type { LaidOut, Placed, Toggle } from './client-browser/instrument.ts';
import { measureDrift, quantileOf, type Drift } from './client-browser/drift.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The shape of the benchmark and how often each thing is timed. */
export const clientSetup = {
  seed: 613,
  slug: 'bench-client',
  paragraphs: 5000,
  glosses: 2000,
  layers: [
    { name: 'Notes', color: '#2e6f9e' },
    { name: 'Questions', color: '#9e4a2e' },
    { name: 'Translations', color: '#4f8a3a' },
  ],
  users: 50,
  thread: { share: 0.1, maxReplies: 3 },
  /** Quotes as readers select them, never overlapping, so each gloss keeps highlights of its own. */
  quote: { minLength: 10, maxLength: 60, gap: 2 },
  viewport: { width: 1400, height: 900 },
  /** Untimed loads of each page, then timed loads of each, alternating which goes first. */
  warmup: 1,
  runs: 5,
  /** Untimed hide-and-show pairs, then timed ones (two toggles each). */
  toggleWarmup: 1,
  togglePairs: 5,
  /** A pause before each click, so that none is timed with the work left over from the one before. */
  toggleQuietMs: 250,
  /** The longest a page may take to lay out before the benchmark gives up. */
  timeoutMs: 120_000,
};

/** What the client benchmark found; times in milliseconds, medians. */
export interface ClientResult {
  renderMs: number;
  baselineMs: number;
  ratio: number;
  /** The same ratio in renderer main-thread CPU time. */
  cpuRatio: number;
  toggleMs: number;
  hideMs: number;
  showMs: number;
  /** Main-thread CPU time of a toggle, median. */
  toggleCpuMs: number;
  /** The 95th percentile of the distance from a card to its words, in CSS pixels, every layer shown. */
  driftP95Px: number;
  /** The share of cards within half a screen (450 px) of their words. */
  driftWithinHalfScreen: number;
  /** The page's height ÷ the text's. */
  pageToTextHeight: number;
}

interface ClientDatabase {
  textLength: number;
  /** Paragraphs holding two glosses or more. */
  crowded: number;
  replies: number;
}

/** Writes the benchmark's text, layers, glosses and replies into a new database at `file`. */
export async function buildClientDatabase(file: string): Promise<ClientDatabase> {
  const p = clientSetup;
  const rnd = createRandom(p.seed);
  const long = generateText(rnd, p.paragraphs * 250); // paragraphs average about 190 units
  if (long.paragraphs.length < p.paragraphs) throw new Error(`only ${long.paragraphs.length} paragraphs generated`);
  const paragraphs = long.paragraphs.slice(0, p.paragraphs);
  const source = { text: long.text.slice(0, paragraphs[paragraphs.length - 1].end), paragraphs };
  const quotes = placeQuotes(rnd, source, p.glosses, p.quote);
  const database = await openDatabase(file);
  const write = benchWriter(database.sqlite, rnd, p.users);
  database.sqlite.transaction(() => {
    write.users();
    const layerIds = write.text(1, p.slug, source, p.layers);
    quotes.forEach((span, i) => {
      const gloss = { id: i + 1, textId: 1, layerIds, targetId: null, targetText: source.text, span, body: randomBody(rnd), created: write.now() };
      write.gloss(gloss, p.thread);
    });
  })();
  await database.close();
  return { textLength: source.text.length, crowded: crowdedParagraphs(paragraphs, quotes), replies: write.replies() };
}

/** How many paragraphs hold two quotes or more (both lists sorted by position). */
function crowdedParagraphs(paragraphs: readonly Span[], quotes: readonly Span[]): number {
  let crowded = 0;
  let q = 0;
  for (const p of paragraphs) {
    let inside = 0;
    for (; q < quotes.length && quotes[q].start < p.end; q++) inside++;
    if (inside >= 2) crowded++;
  }
  return crowded;
}

/** The baseline's page: the reader's text column, its type and its highlight style, and one column of plain cards. */
const baselineHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Baseline · Daf client benchmark</title>
    <style>
      body { margin: 0; background: #fbf8f1; color: #231f1a; font-family: 'Iowan Old Style', 'Palatino Linotype', Palatino, 'Noto Serif', serif; }
      .text { inline-size: 38rem; margin: 0 auto; padding: 6rem 0 4rem; font-size: 1.2rem; line-height: 1.75; }
      .text .ProseMirror { white-space: pre-wrap; word-wrap: break-word; outline: none; }
      .gloss-mark {
        background: color-mix(in srgb, var(--c) 20%, transparent);
        border-block-end: 2px solid color-mix(in srgb, var(--c) 70%, transparent);
        border-radius: 2px;
      }
      .page { display: grid; grid-template-columns: minmax(11rem, 1fr) minmax(20rem, 38rem) minmax(11rem, 1fr); gap: 1.25rem; align-items: start; padding-block-start: 6rem; }
      .page .text { inline-size: auto; margin: 0; padding: 0 0 4rem; grid-column: 2; }
      .column { position: relative; grid-column: 3; }
      .card { position: absolute; inset-inline: 0; background: #fff; border: 1px solid #ddd; border-inline-start: 4px solid #2e6f9e; border-radius: 4px; padding: 0.5rem 0.75rem; font-size: 0.9rem; line-height: 1.45; }
      .card p { margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
      .card .head { color: #6b6357; font: 0.8rem system-ui, sans-serif; }
    </style>
    <script type="module" src="/bench/baseline.js"></script>
  </head>
  <body><div class="page"><div class="text" lang="en" dir="ltr"></div><aside class="column"></aside></div></body>
</html>`;

/** Bundles a module of client-browser/ for the browser, minified as the reader is. */
export async function bundle(file: string, format: 'esm' | 'iife', globalName?: string): Promise<string> {
  const out = await build({
    entryPoints: [path.join(here, 'client-browser', file)],
    bundle: true,
    format,
    globalName,
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

/** Serves Daf's app from the database at `dbFile`, and the baseline page beside it under /bench/. */
export async function startBenchServer(dbFile: string, baselineJs: string): Promise<{ url: string; close(): Promise<void> }> {
  const database = await openDatabase(dbFile);
  const app = createApp(createContext(database.db));
  const own: Record<string, { body: string; type: string }> = {
    '/bench/baseline': { body: baselineHtml, type: 'text/html; charset=utf-8' },
    '/bench/baseline.js': { body: baselineJs, type: 'text/javascript; charset=utf-8' },
  };
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: (req, env) => {
          const file = own[new URL(req.url).pathname];
          return file ? new Response(file.body, { headers: { 'content-type': file.type } }) : app.fetch(req, env);
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s as Server),
    ) as Server;
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

/** A page or asset missing: someone else rebuilt dist/client under the benchmark (see `withReader`). */
class ReaderMissing extends Error {}

/**
 * Runs `fn`; when the reader went missing under it (dist/client is shared, and `vite build`
 * empties it first), builds the reader again and runs `fn` again, twice at most.
 */
async function withReader<T>(fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ReaderMissing) || attempt > 2) throw e;
      log(`  (${e.message}: dist/client was rebuilt meanwhile; building it again)`);
      await buildReader();
    }
  }
}

/**
 * Renderer main-thread CPU time (DevTools `Performance` metrics in thread ticks), milliseconds:
 * all of it since the renderer started (each page has a process of its own: its load and a
 * little start-up), and the part spent computing styles and layout. (Its `ScriptDuration` is
 * left out: it misses script run from promise jobs, which is most of both pages' script.)
 */
interface MainThread {
  totalMs: number;
  styleMs: number;
  layoutMs: number;
}

async function mainThread(cdp: CDPSession): Promise<MainThread> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name: string): number => 1000 * (metrics.find((m) => m.name === name)?.value ?? NaN);
  return { totalMs: ms('ThreadTime'), styleMs: ms('RecalcStyleDuration'), layoutMs: ms('LayoutDuration') };
}

/** A page load: when it was laid out, and the main thread's CPU time by then. */
interface Load extends LaidOut {
  cpu: MainThread;
}

/**
 * Opens `url` in a fresh browser context (empty cache) with the `probe` script and a DevTools
 * session measuring the main thread, waits until it is laid out with `expected` in place, then
 * runs `then` on the page and closes the context.
 */
async function withLaidOutPage<T>(
  browser: Browser,
  probe: string,
  url: string,
  expected: Placed,
  then: (page: Page, load: Load, cdp: CDPSession) => Promise<T>,
  beforeNavigation?: (page: Page, cdp: CDPSession) => Promise<void>,
): Promise<T> {
  const context = await browser.newContext({ viewport: clientSetup.viewport });
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await context.newPage();
    const failed = new Promise<never>((_, reject) => {
      page.on('pageerror', (e) => reject(new Error(`${url}: ${e.message}`)));
      page.on('response', (r) => {
        if (r.status() !== 404 && r.status() < 500) return;
        const what = `${r.status()} on ${r.url()}`;
        reject(new URL(r.url()).pathname.startsWith('/api/') ? new Error(`${url}: ${what}`) : new ReaderMissing(what));
      });
      timer = setTimeout(async () => {
        const seen = await Promise.race([page.evaluate(() => window.__dafBench?.seen), new Promise((resolve) => setTimeout(resolve, 5000))]).catch(() => null);
        const what = `${expected.marks} highlights and ${expected.cards} cards`;
        reject(new Error(`${url} was not laid out with ${what} within ${clientSetup.timeoutMs / 1000} s (daf-laid-out: ${JSON.stringify(seen ?? '?')})`));
      }, clientSetup.timeoutMs);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.addInitScript({ content: `${probe}\n__dafProbe.install(${JSON.stringify(expected)});` });
    await beforeNavigation?.(page, cdp);
    const laidOut = await Promise.race([page.goto(url).then(() => page.evaluate(() => window.__dafBench!.done)), failed]);
    const load = { ...laidOut, cpu: await mainThread(cdp) };
    if (load.marks !== expected.marks || load.cards !== expected.cards) {
      throw new Error(`${url}: ${load.marks} glosses highlighted and ${load.cards} cards placed, expected ${expected.marks} and ${expected.cards}`);
    }
    return await Promise.race([then(page, load, cdp), failed]);
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}

/** One click on the `index`th layer checkbox, timed in the page until laid out and painted, with the main thread's CPU time. */
async function toggleLayer(page: Page, cdp: CDPSession, index: number): Promise<Toggle & { cpu: MainThread }> {
  await page.waitForTimeout(clientSetup.toggleQuietMs); // whatever the last click left to do (a resize observer's layout) done before this one
  const before = await mainThread(cdp);
  const toggle = await page.evaluate((i) => window.__dafBench!.toggle(i), index);
  const after = await mainThread(cdp);
  return { ...toggle, cpu: { totalMs: after.totalMs - before.totalMs, styleMs: after.styleMs - before.styleMs, layoutMs: after.layoutMs - before.layoutMs } };
}

/** Hides the first layer and shows it again, `pairs` times; checks what each click left on the page. */
async function timeToggles(page: Page, cdp: CDPSession, pairs: number, expected: Placed) {
  const hide: number[] = [];
  const show: number[] = [];
  const cpu: MainThread[] = [];
  let label = '';
  for (let i = 0; i < pairs; i++) {
    const hidden = await toggleLayer(page, cdp, 0);
    const shown = await toggleLayer(page, cdp, 0);
    label = hidden.label;
    const inLayer = Number(/\((\d+)\)/.exec(label)?.[1]);
    const wrong =
      hidden.marks !== expected.marks - inLayer || hidden.cards !== expected.cards - inLayer || shown.marks !== expected.marks || shown.cards !== expected.cards;
    if (!(inLayer > 0) || wrong) {
      throw new Error(`layer toggle "${label}": hidden ${hidden.marks}/${hidden.cards}, shown ${shown.marks}/${shown.cards} highlights/cards`);
    }
    hide.push(hidden.ms);
    show.push(shown.ms);
    cpu.push(hidden.cpu, shown.cpu);
  }
  return { hide, show, cpu, label };
}

/** With DAF_BENCH_CPU_PROF: one more load of the reader and one hide-and-show, profiled. */
async function profileReader(browser: Browser, probe: string, base: string, readerUrl: string, expected: Placed, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // The reader's source maps beside the profiles, to read the minified names and places by.
  const assets = path.join(clientDir, 'assets');
  for (const map of fs.readdirSync(assets).filter((f) => f.endsWith('.map'))) fs.copyFileSync(path.join(assets, map), path.join(dir, map));
  const start = async (cdp: CDPSession): Promise<void> => {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  };
  const stop = async (cdp: CDPSession, name: string): Promise<void> => {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(path.join(dir, name), JSON.stringify(profile));
  };
  await withLaidOutPage(
    browser,
    probe,
    readerUrl,
    expected,
    async (page, _, cdp) => {
      await stop(cdp, 'client-render.cpuprofile');
      await start(cdp);
      await toggleLayer(page, cdp, 0);
      await toggleLayer(page, cdp, 0);
      await stop(cdp, 'client-toggle.cpuprofile');
    },
    async (page, cdp) => {
      await page.goto(`${base}/bench/baseline.js`); // the same origin first, so the profile follows the page into the same renderer
      await start(cdp);
    },
  );
}

/** Builds everything, times both pages and the layer toggles, prints the figures. */
export async function runClientBench(log: (line: string) => void = console.log): Promise<ClientResult> {
  const p = clientSetup;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-bench-client-'));
  let server: { url: string; close(): Promise<void> } | null = null;
  let browser: Browser | null = null;
  try {
    const setup = await timed(async () => {
      await buildReader();
      const [db, js, probe] = await Promise.all([
        buildClientDatabase(path.join(dir, 'daf.db')),
        bundle('baseline.ts', 'esm'),
        bundle('instrument.ts', 'iife', '__dafProbe'),
      ]);
      return { db, js, probe };
    });
    const { db, js, probe } = setup.value;
    log(
      `  setup: 1 text of ${p.paragraphs.toLocaleString('en')} paragraphs (${(db.textLength / 1000).toFixed(0)}k characters), ` +
        `${p.glosses.toLocaleString('en')} glosses in ${p.layers.length} layers (${db.crowded} paragraphs with 2 or more), ${db.replies} replies; ` +
        `reader built, baseline bundled (${(js.length / 1000).toFixed(0)} KB) [${formatMs(setup.ms)}]`,
    );
    server = await startBenchServer(path.join(dir, 'daf.db'), js);
    browser = await launchBrowser();
    const readerUrl = `${server.url}/t/${p.slug}`;
    const baselineUrl = `${server.url}/bench/baseline?slug=${p.slug}`;
    const readerExpects = { marks: p.glosses, cards: p.glosses };
    const baselineExpects = { marks: p.glosses, cards: p.glosses };
    const load = (url: string, expected: Placed): Promise<Load> =>
      withReader(() => withLaidOutPage(browser!, probe, url, expected, async (_, loaded) => loaded), log);

    const reader: Load[] = [];
    const baseline: Load[] = [];
    for (let i = 0; i < p.warmup; i++) {
      await load(readerUrl, readerExpects);
      await load(baselineUrl, baselineExpects);
    }
    for (let i = 0; i < p.runs; i++) {
      if (i % 2 === 0) {
        reader.push(await load(readerUrl, readerExpects));
        baseline.push(await load(baselineUrl, baselineExpects));
      } else {
        baseline.push(await load(baselineUrl, baselineExpects));
        reader.push(await load(readerUrl, readerExpects));
      }
    }

    let drift: Drift | null = null;
    const toggles = await withReader(
      () =>
        withLaidOutPage(browser!, probe, readerUrl, readerExpects, async (page, _, cdp) => {
          drift = await page.evaluate(measureDrift);
          await timeToggles(page, cdp, p.toggleWarmup, readerExpects);
          const trace = process.env.DAF_BENCH_TRACE;
          if (trace) await browser!.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink'] });
          const timedToggles = await timeToggles(page, cdp, p.togglePairs, readerExpects);
          if (trace) {
            fs.writeFileSync(path.resolve(trace), await browser!.stopTracing());
            log(`  a trace of the timed toggles in ${path.resolve(trace)}`);
          }
          return timedToggles;
        }),
      log,
    );

    if (process.env.DAF_BENCH_CPU_PROF) {
      const profDir = path.resolve(process.env.DAF_BENCH_CPU_PROF);
      await withReader(() => profileReader(browser!, probe, server!.url, readerUrl, readerExpects, profDir), log);
      log(`  CPU profiles of one load and one hide-and-show in ${profDir}`);
    }

    const renderMs = median(reader.map((r) => r.paintedMs));
    const baselineMs = median(baseline.map((r) => r.paintedMs));
    const cpuMs = (runs: { cpu: MainThread }[], part: keyof MainThread): number => median(runs.map((r) => r.cpu[part]));
    const cpuLine = (runs: { cpu: MainThread }[]): string =>
      `main-thread CPU ${formatMs(cpuMs(runs, 'totalMs'))}, of which style ${formatMs(cpuMs(runs, 'styleMs'))} and layout ${formatMs(cpuMs(runs, 'layoutMs'))}`;
    const toggleCpu = toggles.cpu.map((cpu) => ({ cpu }));
    const result: ClientResult = {
      renderMs,
      baselineMs,
      ratio: renderMs / baselineMs,
      cpuRatio: cpuMs(reader, 'totalMs') / cpuMs(baseline, 'totalMs'),
      toggleMs: median([...toggles.hide, ...toggles.show]),
      hideMs: median(toggles.hide),
      showMs: median(toggles.show),
      toggleCpuMs: cpuMs(toggleCpu, 'totalMs'),
      driftP95Px: quantileOf(drift!.distances, 0.95),
      driftWithinHalfScreen: drift!.distances.filter((d) => d <= 450).length / Math.max(1, drift!.distances.length),
      pageToTextHeight: drift!.pageHeight / Math.max(1, drift!.textHeight),
    };
    const describe = (runs: Load[]): string =>
      `median ${formatMs(median(runs.map((r) => r.paintedMs)))} (${runs.map((r) => formatMs(r.paintedMs)).join(', ')}); ` +
      `API data in at ${formatMs(median(runs.map((r) => r.dataMs)))}, laid out at ${formatMs(median(runs.map((r) => r.laidOutMs)))}; ` +
      cpuLine(runs);
    log(`  ${p.runs} timed loads of each in fresh pages (${p.viewport.width}×${p.viewport.height}) after ${p.warmup} warm-up, alternating; times from navigation start:`);
    log(`  reader   ${describe(reader)}`);
    log(`  baseline ${describe(baseline)}`);
    report(
      'client_render_ratio',
      `${round(result.ratio)}×`,
      `reader /t/${p.slug} until every highlight and card is placed and painted ÷ a bare ProseMirror view with the same highlights and the same cards placed by the simplest code (goal ≤ 2)`,
    );
    report('client_render_ms', formatMs(renderMs), `the reader's median; the baseline's is ${formatMs(baselineMs)} (client_baseline_ms)`);
    report('client_render_cpu_ratio', `${round(result.cpuRatio)}×`, `the same in the renderer's main-thread CPU time (medians), steadier on a busy machine`);
    report(
      'layer_toggle_ms',
      formatMs(result.toggleMs),
      `hiding or showing "${toggles.label}" until laid out and painted, median of ${2 * p.togglePairs} clicks ` +
        `(hide ${formatMs(result.hideMs)}, show ${formatMs(result.showMs)}; goal ≤ 50 ms); ${cpuLine(toggleCpu)}`,
    );
    report(
      'drift_p95_px',
      `${round(result.driftP95Px, 0)} px`,
      `95th percentile of the distance from a card to its words with every layer shown (goal ≤ 450); median ${round(quantileOf(drift!.distances, 0.5), 0)} px, ` +
        `${round(100 * result.driftWithinHalfScreen, 1)}% within 450 px, worst ${round(quantileOf(drift!.distances, 1), 0)} px, over ${drift!.distances.length} cards ` +
        `(${drift!.unmarked} with no mark to measure); the page is ${round(result.pageToTextHeight, 1)}× as tall as its text (goal ≤ 4)`,
    );
    return result;
  } finally {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
