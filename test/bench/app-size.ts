/**
 * The size of the reader's JavaScript as a browser receives it: the bytes Daf's own server sends
 * for each of the build's scripts to a request that accepts gzip, as Chromium's does (README,
 * "Benchmarks", issue "The reader": at most 120 KB); and of the embed widget's `embed.js`, which
 * every page that embeds a passage loads (issue "Embed": at most 40 KB). Builds each first so
 * the figures are of the current source, and serves them from a real server on a scratch database.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { startServer } from '../../server/main.ts';
import { embedDir } from '../../server/routes/embed.ts';
import { clientDir } from '../../server/routes/pages.ts';

/** The bytes on the wire of a GET, with Chromium's Accept-Encoding (not decoded: what the network carries). */
function wireBytes(url: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } }, (res) => {
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

/** A URL's size on the wire, in bytes, logged in KB. */
async function receivedSize(url: string, log: (line: string) => void): Promise<number> {
  const { bytes, encoding } = await wireBytes(url);
  log(`  ${path.basename(new URL(url).pathname)}: ${(bytes / 1000).toFixed(1)} KB received (${encoding})`);
  return bytes;
}

/** Builds the reader and returns the bytes a browser receives for its scripts, in KB (1,000 bytes). */
export async function runAppSizeBench(log: (line: string) => void = console.log): Promise<{ appJsGzipKb: number }> {
  await buildReader();
  const scripts = fs.readdirSync(path.join(clientDir, 'assets')).filter((f) => f.endsWith('.js'));
  const received = await withServer(async (base) => {
    let total = 0;
    for (const file of scripts) total += await receivedSize(`${base}/assets/${file}`, log);
    return total;
  });
  const appJsGzipKb = received / 1000;
  log(`  app_js_gzip_kb             ${appJsGzipKb.toFixed(1)}`);
  log("                             the reader's scripts as Daf's server sends them to a browser that accepts gzip (goal ≤ 120)");
  return { appJsGzipKb };
}

/**
 * Builds the embed widget and returns the bytes a browser receives for `embed.js`, in KB: all a
 * host page loads for a read-only passage. The chunks it loads only when a reader signs in or
 * writes are listed beside it, not counted.
 */
export async function runEmbedSizeBench(log: (line: string) => void = console.log): Promise<{ embedJsGzipKb: number }> {
  await build({ configFile: path.resolve('vite.embed.config.ts'), logLevel: 'warn' });
  const chunks = fs.readdirSync(path.join(embedDir, 'embed', 'assets')).filter((f) => f.endsWith('.js'));
  const embedJsGzipKb = await withServer(async (base) => {
    const size = (await receivedSize(`${base}/embed.js`, log)) / 1000;
    for (const file of chunks) await receivedSize(`${base}/embed/assets/${file}`, (line) => log(`${line} (on demand)`));
    return size;
  });
  log(`  embed_js_gzip_kb           ${embedJsGzipKb.toFixed(1)}`);
  log('                             embed.js as Daf\'s server sends it to a browser that accepts gzip (goal ≤ 40)');
  return { embedJsGzipKb };
}
