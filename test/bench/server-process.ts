/**
 * `daf serve` as a child process for the benchmarks, exactly as it runs in production: the built
 * server (`dist/server/daf.js`, what `npm start` runs), or, for comparison, from source through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The environment minus DAF_BASE_URL, so the server prints the URL it really listens on. */
function withoutBaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DAF_BASE_URL;
  return copy;
}

/** The built server, and the same from source. */
export const serverEntries = { built: 'dist/server/daf.js', source: 'server/cli/daf.js' } as const;

/** Throws, saying to run `npm run build`, unless the built server is there (a benchmark may call it before its setup). */
export function requireBuiltServer(): void {
  if (!fs.existsSync(path.join(repoRoot, serverEntries.built))) {
    throw new Error(`${serverEntries.built} is missing: the benchmarks run the built server (as npm start does), so run npm run build first`);
  }
}

/**
 * Starts `daf serve` on a free port as a child process; resolves when it prints its URL. `demo`
 * lets an empty database get the demo; `entry` picks the built server (the default) or the source.
 * Rejects at once, saying to run `npm run build`, when the built server is missing.
 */
export async function startServerProcess(
  dbFile: string,
  options: { demo?: boolean; entry?: keyof typeof serverEntries } = {},
): Promise<{ child: ChildProcess; url: string }> {
  // DAF_BENCH_CPU_PROF=DIR: the server writes a CPU profile (node --cpu-prof) there when it stops.
  const profile = process.env.DAF_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.DAF_BENCH_CPU_PROF)}`] : [];
  const entry = options.entry ?? 'built';
  if (entry === 'built') requireBuiltServer();
  const args = [...profile, serverEntries[entry], 'serve', '--db', dbFile, '--port', '0', ...(options.demo ? [] : ['--no-demo'])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutBaseUrl(process.env),
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error('the server did not start within 60 s')), 60_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\nstdout: ${out}\nstderr: ${err}`));
    };
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.once('exit', (code) => fail(new Error(`the server exited with code ${code}`)));
  });
}

/** Stops the child server and waits for it to exit. */
export async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

