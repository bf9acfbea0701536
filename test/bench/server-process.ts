/**
 * `daf serve` as a child process for the benchmarks, exactly as it runs in production: the built
 * server (`dist/server/daf.js`, what `npm start` runs), or, for comparison, from source through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPostgresUrl } from '../../server/storage/open-database.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The environment minus DAF_BASE_URL, so the server prints the URL it really listens on, and
 * minus DAF_DATABASE_URL, which would stand for the database the benchmark names.
 */
function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DAF_BASE_URL;
  delete copy.DAF_DATABASE_URL;
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
 * Starts `daf serve` on a free port (or `port`) as a child process; resolves when it prints its
 * URL. The database is a SQLite file (`--db`) or a postgres:// URL (`--database-url`). `demo`
 * lets an empty database get the demo; `entry` picks the built server (the default) or the
 * source; `args` are more options of `daf serve`, `env` more environment variables.
 * Rejects at once, saying to run `npm run build`, when the built server is missing.
 */
export async function startServerProcess(
  database: string,
  options: { demo?: boolean; entry?: keyof typeof serverEntries; port?: number; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ child: ChildProcess; url: string }> {
  // DAF_BENCH_CPU_PROF=DIR: the server writes a CPU profile (node --cpu-prof) there when it stops.
  const profile = process.env.DAF_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.DAF_BENCH_CPU_PROF)}`] : [];
  const entry = options.entry ?? 'built';
  if (entry === 'built') requireBuiltServer();
  const where = isPostgresUrl(database) ? ['--database-url', database] : ['--db', database];
  const args = [...profile, serverEntries[entry], 'serve', ...where, '--port', String(options.port ?? 0), ...(options.demo ? [] : ['--no-demo']), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...childEnvironment(process.env), ...options.env },
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

/** A field of /proc/PID/status in megabytes (fields are in kB), or NaN where there is no /proc. */
export function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
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
export function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: the 14th and 15th fields
  } catch {
    return NaN;
  }
}

/** GET over a keep-alive agent (one for all the requests a benchmark times), reading the whole body. */
export function keepAliveGet(agent: http.Agent, url: string): Promise<{ status: number; body: Buffer }> {
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
