/**
 * The folder Daf is installed in (the one holding its package.json), found from wherever this
 * code runs: `server/` when it runs from source through tsx, `dist/server/` when it runs built
 * (`npm run build:server`). Paths to the built client, the widget and the fixtures start here, so
 * both ways find the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'daf') return dir;
    if (path.dirname(dir) === dir) throw new Error(`Daf's package.json was not found above ${from}`);
  }
}

export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
