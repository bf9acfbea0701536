/** `daf import-sefaria BASE.json [COMMENTARY.json…]`: a Sefaria text with its commentaries. */
import fs from 'node:fs';
import { AppError } from '../errors.ts';
import { ensureLocalUser } from '../services/auth.ts';
import { importSefaria } from '../services/sefaria-import.ts';
import { withContext } from './open-cli-context.ts';
import { UsageError } from './usage-error.ts';

function readJsonFile(file: string): unknown {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('file_unreadable', 400, `Cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('invalid_json', 400, `${file} is not valid JSON`);
  }
}

export async function importSefariaCommand({ values, positionals, db }: { values: Record<string, unknown>; positionals: string[]; db: string }) {
  if (positionals.length < 1) throw new UsageError('import-sefaria needs a BASE.json');
  const [base, ...commentaries] = positionals.map(readJsonFile);
  await withContext(db, async (ctx) => {
    const owner = await ensureLocalUser(ctx.db, (values.owner as string | undefined) ?? 'daf', 'Daf Library');
    const summary = await importSefaria(ctx, owner, base, commentaries, {
      slug: values.slug as string | undefined,
      title: values.title as string | undefined,
    });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  });
}
