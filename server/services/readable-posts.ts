/**
 * Loading a post the viewer may see, with its text and layer: the first step of every door that
 * acts on one gloss (reading, writing under it, moderating it). Its own module, importing no other
 * service, so the services that act on posts (glosses, replies, moderation, annotations) may all
 * use it without importing each other (docs/architecture.md, "Layers").
 */
import { notFound } from '../errors.ts';
import type { DB, GlossRow, LayerRow, TextRow } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import * as layers from '../storage/layers.ts';
import * as texts from '../storage/texts.ts';
import { canSeePost, type Viewer } from './policy.ts';

/** Loads a gloss with its text and layer, if the viewer may see it; else 404. */
export async function readableGloss(db: DB, viewer: Viewer | null, id: number): Promise<{ gloss: GlossRow; text: TextRow; layer: LayerRow }> {
  const gloss = await glosses.findGloss(db, id);
  if (!gloss) throw notFound(`Gloss ${id}`);
  const text = await texts.findTextById(db, gloss.text_id);
  const layer = await layers.findLayerById(db, gloss.layer_id);
  if (!text || !layer || !canSeePost(viewer, text, layer, gloss)) throw notFound(`Gloss ${id}`);
  return { gloss, text, layer };
}
