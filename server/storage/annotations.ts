/**
 * SQL for glosses and replies as W3C annotations: the rows a layer's container, its pages and
 * an account's export are made of, and the numbers the container's ETag is made of. Returns
 * rows; no rules here (what a viewer may read comes in as the SQL twins of visibility-sql.ts).
 */
import type { Viewer } from '../viewer.ts';
import type { DB, PostStatus } from './database.ts';
import { glossVisibleSql, layerVisibleSql } from './visibility-sql.ts';

/** The columns an annotation is made of. */
export interface AnnotationRow {
  id: number;
  layer_slug: string;
  target_gloss_id: number | null;
  target_layer_slug: string | null;
  target_body_text: string | null;
  target_version: number;
  selectors: string;
  body_doc: string;
  motivation: string;
  status: string;
  created_at: string;
  updated_at: string;
  author_handle: string;
  author_name: string;
}

/** The columns an annotation is made of, for any selection of glosses (`g`, its layer `l`). */
function annotationQuery(db: DB) {
  return db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('user as u', 'u.id', 'g.author_id')
    .leftJoin('gloss as tg', 'tg.id', 'g.target_gloss_id')
    .leftJoin('layer as tl', 'tl.id', 'tg.layer_id')
    .select([
      'g.id',
      'l.slug as layer_slug',
      'g.target_gloss_id',
      'tl.slug as target_layer_slug',
      'tg.body_text as target_body_text',
      'g.target_version',
      'g.selectors',
      'g.body_doc',
      'g.motivation',
      'g.status',
      'g.created_at',
      'g.updated_at',
      'u.handle as author_handle',
      'u.display_name as author_name',
    ]);
}

/**
 * The glosses of a layer with one of `statuses` that the viewer may see, oldest first, as
 * annotation rows: all, a page of them, or the one gloss `glossId`.
 */
export async function layerAnnotationRows(
  db: DB,
  viewer: Viewer | null,
  layerId: number,
  statuses: PostStatus[],
  options: { page?: { limit: number; offset: number }; glossId?: number } = {},
): Promise<AnnotationRow[]> {
  let q = annotationQuery(db)
    .where('g.layer_id', '=', layerId)
    .where('g.status', 'in', statuses)
    .where(glossVisibleSql(viewer, 'g'))
    .orderBy('g.id');
  if (options.glossId !== undefined) q = q.where('g.id', '=', options.glossId);
  if (options.page) q = q.limit(options.page.limit).offset(options.page.offset);
  return q.execute();
}

/**
 * How many active glosses of a layer the viewer may see, with the newest `updated_at` and the
 * highest id among them: together they change whenever the set of those glosses does.
 */
export async function countLayerAnnotations(db: DB, viewer: Viewer | null, layerId: number) {
  const row = await db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('g.updated_at').as('lastUpdated'), eb.fn.max('g.id').as('lastId')])
    .where('g.layer_id', '=', layerId)
    .where('g.status', '=', 'active')
    .where(glossVisibleSql(viewer, 'g'))
    .executeTakeFirstOrThrow();
  return { total: Number(row.n), lastUpdated: row.lastUpdated, lastId: row.lastId };
}

/**
 * The glosses the viewer wrote and has not deleted, whatever their state, in layers they may
 * still read, oldest first, as annotation rows with the id of the text each is on.
 */
export async function annotationRowsByAuthor(db: DB, viewer: Viewer): Promise<(AnnotationRow & { text_id: number })[]> {
  return annotationQuery(db)
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select('g.text_id')
    .where('g.author_id', '=', viewer.id)
    .where('g.status', '!=', 'deleted')
    .where(layerVisibleSql(viewer) as never)
    .orderBy('g.id')
    .execute();
}

/**
 * The replies the viewer wrote and has not deleted, under glosses they may see in layers they
 * may read, oldest first, with the slugs of the text and layer of each one's gloss.
 */
export async function replyRowsByAuthor(db: DB, viewer: Viewer) {
  return db
    .selectFrom('reply as r')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select(['r.id', 'r.gloss_id', 'r.parent_id', 'r.body_doc', 'r.created_at', 'r.updated_at', 'l.slug as layer_slug', 't.slug as text_slug'])
    .where('r.author_id', '=', viewer.id)
    .where('r.status', '!=', 'deleted')
    .where(layerVisibleSql(viewer) as never)
    .where(glossVisibleSql(viewer, 'g'))
    .orderBy('r.id')
    .execute();
}
