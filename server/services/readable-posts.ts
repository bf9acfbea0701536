/**
 * Loading a post the viewer may see, with its text and layer: the first step of every door that
 * acts on one gloss or reply (reading, writing under it, moderating it). Its own module, importing no other
 * service, so the services that act on posts (glosses, replies, moderation, annotations) may all
 * use it without importing each other (docs/architecture.md, "Layers").
 */
import { AppError, notFound } from '../errors.ts';
import type { DB, GlossRow, LayerRow, ReplyRow, TextRow } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import * as layers from '../storage/layers.ts';
import * as texts from '../storage/texts.ts';
import { canSeeGloss, canSeePost, readFirstHides, type Viewer } from './policy.ts';

/**
 * May the viewer see this gloss now (`canSeeGloss`)? Asks storage whether they have written in
 * the layer only when a read-first rule would otherwise keep it from them.
 */
export async function mayReadGloss(db: DB, viewer: Viewer | null, text: TextRow, layer: LayerRow, gloss: Pick<GlossRow, 'author_id' | 'status'>): Promise<boolean> {
  if (!canSeePost(viewer, text, layer, gloss)) return false;
  if (viewer === null || !readFirstHides(viewer, layer, gloss, false)) return canSeeGloss(viewer, text, layer, gloss, false);
  return canSeeGloss(viewer, text, layer, gloss, (await glosses.layersWrittenIn(db, viewer.id, text.id)).has(layer.id));
}

/** Loads a gloss with its text and layer, if the viewer may see it; else 404. */
export async function readableGloss(db: DB, viewer: Viewer | null, id: number): Promise<{ gloss: GlossRow; text: TextRow; layer: LayerRow }> {
  const gloss = await glosses.findGloss(db, id);
  if (!gloss) throw notFound(`Gloss ${id}`);
  const text = await texts.findTextById(db, gloss.text_id);
  const layer = await layers.findLayerById(db, gloss.layer_id);
  if (!text || !layer || !(await mayReadGloss(db, viewer, text, layer, gloss))) throw notFound(`Gloss ${id}`);
  return { gloss, text, layer };
}

/**
 * Loads a reply with its gloss, text and layer, if the viewer may see it (and so its gloss); else
 * 404. Only a 404 of its gloss becomes the reply's 404: any other failure (the database's) is
 * passed on, a 500, not disguised as a missing reply.
 */
export async function readableReply(db: DB, viewer: Viewer | null, id: number): Promise<{ reply: ReplyRow; gloss: GlossRow; text: TextRow; layer: LayerRow }> {
  const reply = await glosses.findReply(db, id);
  if (!reply) throw notFound(`Reply ${id}`);
  let found;
  try {
    found = await readableGloss(db, viewer, reply.gloss_id);
  } catch (e) {
    if (e instanceof AppError && e.status === 404) throw notFound(`Reply ${id}`);
    throw e;
  }
  if (!canSeePost(viewer, found.text, found.layer, reply)) throw notFound(`Reply ${id}`);
  return { reply, ...found };
}
