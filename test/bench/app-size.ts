/**
 * The size of the reader's JavaScript as a browser downloads it: the build's scripts, gzipped
 * (DESIGN §8, issue "The reader": at most 120 KB). Builds the client first so the figure is of
 * the current source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { clientDir } from '../../server/routes/pages.ts';

/** Builds the reader from the current source into dist/client, as `npx vite build` does. */
export async function buildReader(): Promise<void> {
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' });
}

/** Builds the reader and returns the gzipped size of its scripts, in KB (1,000 bytes). */
export async function runAppSizeBench(log: (line: string) => void = console.log): Promise<{ appJsGzipKb: number }> {
  await buildReader();
  const assets = path.join(clientDir, 'assets');
  const scripts = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
  let gzipped = 0;
  for (const file of scripts) {
    const size = gzipSync(fs.readFileSync(path.join(assets, file)), { level: 9 }).length;
    log(`  ${file}: ${(size / 1000).toFixed(1)} KB gzipped`);
    gzipped += size;
  }
  const appJsGzipKb = gzipped / 1000;
  log(`  app_js_gzip_kb             ${appJsGzipKb.toFixed(1)}`);
  log('                             the reader\'s scripts, gzipped at level 9 (goal ≤ 120)');
  return { appJsGzipKb };
}
