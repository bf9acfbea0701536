/**
 * The size of the reader's JavaScript as a browser receives it: the bytes Daf's own server sends
 * for each of the build's scripts (README, "Benchmarks", issue "The reader": at most 120 KB); and
 * of the embed widget's `embed.js`, which every page that embeds a passage loads (issue "Embed":
 * at most 40 KB). Each is measured twice, with the Accept-Encoding Chromium sends over HTTPS
 * (Brotli accepted) and over plain HTTP (gzip at best): the server sends the build's Brotli copy
 * to the one and its gzip copy to the other. Builds each first so the figures are of the current
 * source, and serves them from a real server on a scratch database.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { startServer } from '../../server/main.ts';
import { embedDir } from '../../server/routes/embed.ts';
import { clientDir } from '../../server/routes/pages.ts';

/** Chromium's Accept-Encoding over HTTPS, and over plain HTTP (where it offers no Brotli). */
const acceptEncoding = { br: 'gzip, deflate, br, zstd', gzip: 'gzip, deflate' } as const;
type Wire = keyof typeof acceptEncoding;

/** The bytes on the wire of a GET, with one of Chromium's Accept-Encodings (not decoded: what the network carries). */
function wireBytes(url: string, wire: Wire): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding[wire] } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`));
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      })
      .on('error', reject);
  });
}

/** Runs `measure` against a Daf server on a scratch database (no demo), then stops it. */
async function withServer<T>(measure: (base: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-size-'));
  const server = await startServer({ dbPath: path.join(dir, 'daf.db'), port: 0, demo: false, log: () => {} });
  try {
    return await measure(server.url);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the reader from the current source into dist/client, as `npx vite build` does. */
export async function buildReader(): Promise<void> {
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' });
}

/** A URL's size on the wire both ways, in bytes, logged in KB. */
async function receivedSize(url: string, log: (line: string) => void): Promise<Record<Wire, number>> {
  const br = await wireBytes(url, 'br');
  const gzip = await wireBytes(url, 'gzip');
  log(`  ${path.basename(new URL(url).pathname)}: ${(br.bytes / 1000).toFixed(1)} KB received (${br.encoding}), ${(gzip.bytes / 1000).toFixed(1)} KB (${gzip.encoding})`);
  return { br: br.bytes, gzip: gzip.bytes };
}

/**
 * The scripts a first visit loads: index.html's entry and, following their static imports
 * (`import … from "./x.js"`, not `import("./x.js")`), every chunk they need before running.
 * The rest load on demand (the composer and editor when a reader first writes, the group,
 * invite, person and print pages when opened).
 */
export function firstLoadScripts(assets: string, html: string): Set<string> {
  const entry = /<script type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('index.html has no module script');
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(path.join(assets, file), 'utf8');
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) visit(m[1]!);
  };
  visit(entry);
  return seen;
}

export interface AppSize {
  /** Every script of the build, in KB on the wire (Brotli, gzip). */
  appJsWireKb: number;
  appJsWireGzipKb: number;
  /** The scripts a first visit loads (`firstLoadScripts`). */
  firstLoadWireKb: number;
  firstLoadWireGzipKb: number;
}

/** Builds the reader and returns the bytes a browser receives for its scripts, in KB (1,000 bytes): all of them, and a first visit's. */
export async function runAppSizeBench(log: (line: string) => void = console.log): Promise<AppSize> {
  await buildReader();
  const assets = path.join(clientDir, 'assets');
  const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
  const first = firstLoadScripts(assets, fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8'));
  const received = await withServer(async (base) => {
    const total = { br: 0, gzip: 0 };
    const firstLoad = { br: 0, gzip: 0 };
    for (const file of scripts) {
      const loaded = first.has(file);
      const size = await receivedSize(`${base}/assets/${file}`, (line) => log(loaded ? `${line} (first load)` : `${line} (on demand)`));
      total.br += size.br;
      total.gzip += size.gzip;
      if (loaded) {
        firstLoad.br += size.br;
        firstLoad.gzip += size.gzip;
      }
    }
    return { total, firstLoad };
  });
  const result: AppSize = {
    appJsWireKb: received.total.br / 1000,
    appJsWireGzipKb: received.total.gzip / 1000,
    firstLoadWireKb: received.firstLoad.br / 1000,
    firstLoadWireGzipKb: received.firstLoad.gzip / 1000,
  };
  log(`  app_js_wire_kb             ${result.appJsWireKb.toFixed(1)}`);
  log("                             all the reader's scripts as Daf's server sends them to a browser over HTTPS (Brotli; goal ≤ 120)");
  log(`  app_js_wire_gzip_kb        ${result.appJsWireGzipKb.toFixed(1)}`);
  log('                             the same to a browser that accepts gzip but not Brotli, as over plain HTTP (goal ≤ 120)');
  log(`  app_js_first_load_wire_kb  ${result.firstLoadWireKb.toFixed(1)}`);
  log('                             the scripts a first visit loads (the entry and its static imports), Brotli');
  log(`  app_js_first_load_wire_gzip_kb ${result.firstLoadWireGzipKb.toFixed(1)}`);
  log('                             the same, gzip');
  return result;
}

/**
 * Builds the embed widget and returns the bytes a browser receives for `embed.js`, in KB: all a
 * host page loads for a read-only passage. The chunks it loads only when a reader signs in or
 * writes are listed beside it, not counted.
 */
export async function runEmbedSizeBench(log: (line: string) => void = console.log): Promise<{ embedJsWireKb: number; embedJsWireGzipKb: number }> {
  await build({ configFile: path.resolve('vite.embed.config.ts'), logLevel: 'warn' });
  const chunks = fs.readdirSync(path.join(embedDir, 'embed', 'assets')).filter((f) => f.endsWith('.js'));
  const size = await withServer(async (base) => {
    const entry = await receivedSize(`${base}/embed.js`, log);
    for (const file of chunks) await receivedSize(`${base}/embed/assets/${file}`, (line) => log(`${line} (on demand)`));
    return entry;
  });
  const embedJsWireKb = size.br / 1000;
  const embedJsWireGzipKb = size.gzip / 1000;
  log(`  embed_js_wire_kb           ${embedJsWireKb.toFixed(1)}`);
  log("                             embed.js as Daf's server sends it to a browser over HTTPS (Brotli; goal ≤ 40)");
  log(`  embed_js_wire_gzip_kb      ${embedJsWireGzipKb.toFixed(1)}`);
  log("                             the same to a browser that accepts gzip but not Brotli (goal ≤ 40)");
  return { embedJsWireKb, embedJsWireGzipKb };
}
