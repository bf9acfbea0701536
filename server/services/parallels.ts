/**
 * Parallel texts: a text paired with its translation (README, "The API"). Whoever may revise a
 * text may pair it with any text they may read; a reader sees only the parallels they may read
 * themselves, so a private translation shows through no door. Segments are matched by ref on the
 * page, which needs nothing more from the server than both texts.
 */
import { AppError, notFound } from '../errors.ts';
import * as texts from '../storage/texts.ts';
import type { AppContext } from './context.ts';
import { canEditText, shownGroupSlug, type Viewer } from './policy.ts';
import { readableText, textSummary } from './texts.ts';

/** The texts paired with `slug` that the viewer may read, as summaries. */
export async function listParallels(ctx: AppContext, viewer: Viewer | null, slug: string) {
  const text = await readableText(ctx.db, viewer, slug);
  const rows = await texts.listVisibleParallels(ctx.db, viewer, text.id);
  return rows.map((row) => textSummary({ ...row, group_slug: shownGroupSlug(viewer, row) }));
}

/** Pairs `slug` with `other`: 403 unless the viewer may revise `slug`, 404 for a text they cannot read, 409 when paired already. */
export async function addParallel(ctx: AppContext, viewer: Viewer, slug: string, other: string) {
  const text = await readableText(ctx.db, viewer, slug);
  if (!canEditText(viewer, text)) throw new AppError('forbidden', 403, 'Only those who may revise a text pair it with another');
  const parallel = await readableText(ctx.db, viewer, other);
  if (parallel.id === text.id) throw new AppError('invalid_request', 400, 'A text cannot be its own parallel');
  const added = await texts.insertParallel(ctx.db, { text_id: text.id, parallel_id: parallel.id, created_by: viewer.id, created_at: new Date().toISOString() });
  if (!added) throw new AppError('already_paired', 409, `"${slug}" is paired with "${other}" already`);
  return listParallels(ctx, viewer, slug);
}

/**
 * Unpairs them: 403 unless the viewer may revise `slug`; 404, in the same words, when they were
 * not paired or the viewer may not read `other` — so a pairing with a private text is not
 * revealed to an editor of `slug` who cannot read it (nor can they remove it).
 */
export async function removeParallel(ctx: AppContext, viewer: Viewer, slug: string, other: string): Promise<void> {
  const text = await readableText(ctx.db, viewer, slug);
  if (!canEditText(viewer, text)) throw new AppError('forbidden', 403, 'Only those who may revise a text pair it with another');
  const missing = notFound(`Parallel "${other}" of "${slug}"`);
  const parallel = await readableText(ctx.db, viewer, other).catch((e: unknown) => {
    if (e instanceof AppError && e.status === 404) throw missing;
    throw e;
  });
  if (!(await texts.deleteParallel(ctx.db, text.id, parallel.id))) throw missing;
}
