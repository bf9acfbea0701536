/** Running the `daf` command from source (`server/cli/daf.js`) in a child process, as the command-line suites do. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const daf = fileURLToPath(new URL('../../server/cli/daf.js', import.meta.url));

/** What a run of the command did. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `daf args…` to completion in `cwd`, with this process's environment less the variables
 * in `clear` (unless `env` sets them), plus `env`.
 */
export function runDaf(args: string[], options: { cwd?: string; env?: Record<string, string>; clear?: string[] } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of options.clear ?? []) delete env[name];
    const child = spawn(process.execPath, [daf, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
