/**
 * How fast `npm start` serves, and how much memory it holds at rest: the built server
 * (`dist/server/daf.js`) against the same server run from source through tsx (the baseline: the
 * same code, compiled at each start). Each start opens a database that already holds the demo
 * (the first start, which loads it, is not timed), until the server prints its address and
 * answers `GET /api/texts`; starts alternate between the two. Resident memory (VmRSS) is read one
 * second after the answer, at rest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './measure.ts';
import { serverEntries, startServerProcess, stopServerProcess } from './server-process.ts';

export interface StartResult {
  builtMs: number;
  sourceMs: number;
  builtRssMb: number;
  sourceRssMb: number;
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function oneStart(dbFile: string, entry: keyof typeof serverEntries): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const { child, url } = await startServerProcess(dbFile, { demo: true, entry });
  try {
    const res = await fetch(`${url}/api/texts`);
    if (res.status !== 200) throw new Error(`GET /api/texts: ${res.status}`);
    await res.arrayBuffer();
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    return { ms, rssMb: rssMb(child.pid!) };
  } finally {
    await stopServerProcess(child);
  }
}

export async function runStartBench(runs = 5): Promise<StartResult> {
  if (!fs.existsSync(serverEntries.built)) throw new Error(`${serverEntries.built} is missing: run npm run build:server`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-bench-start-'));
  try {
    const dbFile = path.join(dir, 'daf.db');
    await oneStart(dbFile, 'built'); // loads the demo
    const built: { ms: number; rssMb: number }[] = [];
    const source: { ms: number; rssMb: number }[] = [];
    for (let i = 0; i < runs; i++) {
      built.push(await oneStart(dbFile, 'built'));
      source.push(await oneStart(dbFile, 'source'));
    }
    const result = {
      builtMs: median(built.map((r) => r.ms)),
      sourceMs: median(source.map((r) => r.ms)),
      builtRssMb: median(built.map((r) => r.rssMb)),
      sourceRssMb: median(source.map((r) => r.rssMb)),
    };
    console.log(`  server_start_ms            ${result.builtMs.toFixed(0)}  (from source through tsx: ${result.sourceMs.toFixed(0)} ms; medians of ${runs})`);
    console.log('                             from spawning `npm start`\'s server on a database with the demo until it answers GET /api/texts');
    console.log(`  server_rss_mb              ${result.builtRssMb.toFixed(0)}  (from source: ${result.sourceRssMb.toFixed(0)} MB; goal ≤ 120)`);
    console.log('                             resident memory of that server at rest, one second after its first answer');
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
