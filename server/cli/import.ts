/**
 * `daf import FILE --title T`: create a text from a Markdown, plain-text, HTML, Word (`.docx`) or
 * ProseMirror JSON file,
 * as `--owner` (the local library account by default); with `--group SLUG`, a text of that group,
 * which the owner must be an owner or moderator of. Visibility: `--visibility`, else private with
 * `--private`, else "group" for a group's text and public otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTextShape } from '../../schema/api.ts';
import { AppError } from '../errors.ts';
import { parseWith } from '../middleware/body.ts';
import { ensureLocalUser } from '../services/auth.ts';
import { createText } from '../services/texts.ts';
import { withContext } from './open-cli-context.ts';
import { UsageError } from './usage-error.ts';

const formatByExtension: Record<string, string> = { '.md': 'markdown', '.markdown': 'markdown', '.txt': 'plain', '.json': 'prosemirror', '.html': 'html', '.htm': 'html', '.docx': 'docx' };

export async function importCommand({ values, positionals, db }: { values: Record<string, unknown>; positionals: string[]; db: string }) {
  if (positionals.length !== 1) throw new UsageError('import takes exactly one FILE');
  if (!values.title) throw new UsageError('import needs --title');
  const file = positionals[0];
  const format = (values.format as string | undefined) ?? formatByExtension[path.extname(file).toLowerCase()] ?? 'plain';
  let content: string;
  try {
    // A Word document travels as base64, as it does over the API.
    content = format === 'docx' ? fs.readFileSync(file).toString('base64') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('file_unreadable', 400, `Cannot read ${file}: ${(e as Error).message}`);
  }
  const input = parseWith(createTextShape, {
    title: values.title,
    slug: values.slug,
    language: values.lang ?? 'en',
    direction: values.direction,
    license: values.license,
    attribution: values.attribution,
    visibility: values.visibility ?? (values.private ? 'private' : values.group ? 'group' : 'public'),
    group: values.group,
    format,
    content,
  });
  await withContext(db, async (ctx) => {
    const owner = await ensureLocalUser(ctx.db, (values.owner as string | undefined) ?? 'daf', 'Daf Library');
    const text = await createText(ctx, owner, input);
    process.stdout.write(`${JSON.stringify({ text: text.slug, version: 1 })}\n`);
  });
}
