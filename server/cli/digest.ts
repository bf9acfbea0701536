/**
 * `daf digest [--now]`: mail the e-mail digests that are due now (services/digests.ts), or with
 * `--now` every digest that is on, whatever its schedule; for a cron job, or to try digests out.
 * Prints how many were sent. Needs mail (`DAF_SMTP_URL`); an address that fails is reported on
 * standard error without stopping the others, and makes the exit code 1.
 */
import { AppError } from '../errors.ts';
import { sendDigests } from '../services/digests.ts';
import { withContext } from './open-cli-context.ts';
import { UsageError } from './usage-error.ts';

export async function digestCommand({ values, positionals, db }: { values: Record<string, unknown>; positionals: string[]; db: string }) {
  if (positionals.length !== 0) throw new UsageError('digest takes no arguments');
  const base = ((values['base-url'] as string | undefined) ?? process.env.DAF_BASE_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  if (!URL.canParse(base)) throw new UsageError(`--base-url must be a URL, like https://daf.example.org, not "${base}"`);
  const run = await withContext(db, (ctx) => sendDigests(ctx, base, { all: values.now === true }));
  const noun = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  process.stdout.write(`Sent ${noun(run.sent, 'digest')} (${noun(run.checked, 'person', 'people')} due, ${run.failed} failed)\n`);
  if (run.failed > 0) throw new AppError('mail_failed', 503, `${noun(run.failed, 'digest')} could not be sent (above); they stay due`);
}
