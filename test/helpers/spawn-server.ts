/**
 * Runs the real `daf serve` in a child process (the bin, through tsx, as a user would) on a
 * free port, for tests that need a process they can kill. Every server started here is tracked
 * so a test can stop whatever is left, even after a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPostgresUrl } from '../../server/storage/open-database.ts';

const bin = fileURLToPath(new URL('../../server/cli/daf.js', import.meta.url));
const running = new Set<ChildProcess>();

export interface SpawnedServer {
  /** The URL the server printed ("Daf is serving … at URL"). */
  url: string;
  pid: number;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  /** Sends SIGKILL and resolves when the process is gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM (a clean shutdown) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `daf serve --db <db> --port 0 --no-demo` (`--database-url` for a postgres:// URL) and resolves once it prints its URL. */
export function spawnServer(db: string): Promise<SpawnedServer> {
  const env = { ...process.env };
  for (const name of ['PORT', 'HOST', 'DAF_BASE_URL', 'DAF_DB', 'DAF_DATABASE_URL']) delete env[name];
  const where = isPostgresUrl(db) ? ['--database-url', db] : ['--db', db];
  const child = spawn(process.execPath, [bin, 'serve', ...where, '--port', '0', '--no-demo'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /Daf is serving .* at (http:\/\/\S+)/.exec(output);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
        resolve({
          url: m[1],
          pid: child.pid!,
          output: () => output,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`daf serve exited (${code}) before it was ready:\n${output}`)));
  });
}

/** SIGKILLs every server this module started that is still running (for afterAll/afterEach). */
export async function killSpawnedServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
