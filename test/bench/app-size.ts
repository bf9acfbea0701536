/**
 * The size of the reader's JavaScript as a browser downloads it: the build's scripts, gzipped
 * (README, "Benchmarks", issue "The reader": at most 120 KB); and of the embed widget's `embed.js`, which
 * every page that embeds a passage loads (issue "Embed": at most 40 KB). Builds each first so
 * the figures are of the current source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { embedDir } from '../../server/routes/embed.ts';
import { clientDir } from '../../server/routes/pages.ts';

/** Builds the reader from the current source into dist/client, as `npx vite build` does. */
export async function buildReader(): Promise<void> {
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' });
}

/** A file's size gzipped at level 9, in bytes, logged in KB. */
function gzippedSize(file: string, log: (line: string) => void): number {
  const size = gzipSync(fs.readFileSync(file), { level: 9 }).length;
  log(`  ${path.basename(file)}: ${(size / 1000).toFixed(1)} KB gzipped`);
  return size;
}

/** Builds the reader and returns the gzipped size of its scripts, in KB (1,000 bytes). */
export async function runAppSizeBench(log: (line: string) => void = console.log): Promise<{ appJsGzipKb: number }> {
  await buildReader();
  const assets = path.join(clientDir, 'assets');
  const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
  let gzipped = 0;
  for (const file of scripts) gzipped += gzippedSize(path.join(assets, file), log);
  const appJsGzipKb = gzipped / 1000;
  log(`  app_js_gzip_kb             ${appJsGzipKb.toFixed(1)}`);
  log('                             the reader\'s scripts, gzipped at level 9 (goal ≤ 120)');
  return { appJsGzipKb };
}

/**
 * Builds the embed widget and returns the gzipped size of `embed.js`, in KB: all a host page
 * loads for a read-only passage. The chunks it loads only when a reader signs in or writes are
 * listed beside it, not counted.
 */
export async function runEmbedSizeBench(log: (line: string) => void = console.log): Promise<{ embedJsGzipKb: number }> {
  await build({ configFile: path.resolve('vite.embed.config.ts'), logLevel: 'warn' });
  const embedJsGzipKb = gzippedSize(path.join(embedDir, 'embed.js'), log) / 1000;
  const chunks = path.join(embedDir, 'embed', 'assets');
  for (const file of fs.readdirSync(chunks).filter((f) => f.endsWith('.js'))) gzippedSize(path.join(chunks, file), (line) => log(`${line} (on demand)`));
  log(`  embed_js_gzip_kb           ${embedJsGzipKb.toFixed(1)}`);
  log('                             embed.js, gzipped at level 9 (goal ≤ 40)');
  return { embedJsGzipKb };
}
