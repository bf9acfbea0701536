/**
 * SQL for glosses and replies as W3C annotations: the rows a layer's container, its pages and
 * an account's export are made of (with the stances on the glosses and the decisions in force on
 * them), and the numbers the container's ETag is made of. Returns
 * rows; no rules here (what a viewer may read comes in as the SQL twins of visibility-sql.ts).
 */
import { sql } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB, PostStatus } from './database.ts';
import { adoptedShownSql } from './decisions.ts';
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
 * Which glosses of a layer: those with one of `statuses` that the viewer may see, oldest first;
 * all, a page of them, or the one gloss `glossId`.
 */
export interface LayerSelection {
  layerId: number;
  statuses: PostStatus[];
  page?: { limit: number; offset: number };
  glossId?: number;
}

/** The ids of the glosses a selection names, as a subquery (a page keeps its LIMIT inside it). */
function selectedGlossIds(db: DB, viewer: Viewer | null, selection: LayerSelection) {
  let q = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .select('g.id')
    .where('g.layer_id', '=', selection.layerId)
    .where('g.status', 'in', selection.statuses)
    .where(glossVisibleSql(viewer, 'g'))
    .orderBy('g.id');
  if (selection.glossId !== undefined) q = q.where('g.id', '=', selection.glossId);
  if (selection.page) q = q.limit(selection.page.limit).offset(selection.page.offset);
  return q;
}

/** The glosses of a selection, oldest first, as annotation rows. */
export async function layerAnnotationRows(db: DB, viewer: Viewer | null, selection: LayerSelection): Promise<AnnotationRow[]> {
  return annotationQuery(db).where('g.id', 'in', selectedGlossIds(db, viewer, selection)).orderBy('g.id').execute();
}

/**
 * The stances on the glosses of a selection, with their authors: gloss by gloss, each gloss's
 * oldest first (the order of a listing's reasons).
 */
export async function layerStanceRows(db: DB, viewer: Viewer | null, selection: LayerSelection) {
  return db
    .selectFrom('gloss_stance as s')
    .innerJoin('user as u', 'u.id', 's.user_id')
    .select(['s.gloss_id', 's.stance', 's.reason', 's.created_at', 's.updated_at', 'u.handle', 'u.display_name'])
    .where('s.gloss_id', 'in', selectedGlossIds(db, viewer, selection))
    .orderBy('s.gloss_id')
    .orderBy('s.created_at')
    .orderBy('s.user_id')
    .execute();
}

/**
 * How many stances with a reason the glosses of a selection carry (each an annotation of its
 * own), and when the last of any stance changed (the counts on the glosses change too; with
 * `page: {limit: n, offset: 0}`, those on the first n glosses: where a page of a container starts).
 */
export async function countLayerStances(db: DB, viewer: Viewer | null, selection: LayerSelection) {
  const row = await db
    .selectFrom('gloss_stance as s')
    .select((eb) => [eb.fn.count<number>('s.reason').as('n'), eb.fn.max('s.updated_at').as('lastUpdated')])
    .where('s.gloss_id', 'in', selectedGlossIds(db, viewer, selection))
    .executeTakeFirstOrThrow();
  return { stances: Number(row.n), lastUpdated: row.lastUpdated };
}

/**
 * The decision in force (the newest) on each gloss of a selection that has one, with its decider.
 * The reading it adopted is given (`adopted_id`, with the layer of an adopted gloss) only when the
 * viewer may read it (`adoptedShownSql`); else `adopted_id` is null.
 */
export async function layerDecisionRows(db: DB, viewer: Viewer | null, selection: LayerSelection) {
  return db
    .selectFrom('decision as d')
    .innerJoin('user as du', 'du.id', 'd.decided_by')
    .select([
      'd.gloss_id',
      'd.statement',
      'd.adopted_kind',
      sql<number | null>`CASE WHEN ${adoptedShownSql(viewer)} THEN d.adopted_id END`.as('adopted_id'),
      sql<string | null>`(SELECT ol.slug FROM gloss og JOIN layer ol ON ol.id = og.layer_id WHERE d.adopted_kind = 'gloss' AND og.id = d.adopted_id)`.as('adopted_layer_slug'),
      'd.decided_at',
      'd.review_on',
      'd.dissent',
      'du.handle',
      'du.display_name',
    ])
    .where('d.gloss_id', 'in', selectedGlossIds(db, viewer, selection))
    .where(sql<boolean>`d.id = (SELECT max(n.id) FROM decision n WHERE n.gloss_id = d.gloss_id)`)
    .execute();
}

/**
 * How many active glosses of a layer the viewer may see, with the newest `updated_at` and the
 * highest id among them, and the highest id of a decision on them: together they change
 * whenever the set of those glosses, or the decisions on them, do.
 */
export async function countLayerAnnotations(db: DB, viewer: Viewer | null, layerId: number) {
  const selected = selectedGlossIds(db, viewer, { layerId, statuses: ['active'] });
  const row = await db
    .selectFrom('gloss as g')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('g.updated_at').as('lastUpdated'),
      eb.fn.max('g.id').as('lastId'),
      eb.selectFrom('decision as d').select((d) => d.fn.max('d.id').as('m')).where('d.gloss_id', 'in', selected).as('lastDecision'),
    ])
    .where('g.id', 'in', selected)
    .executeTakeFirstOrThrow();
  return { total: Number(row.n), lastUpdated: row.lastUpdated, lastId: row.lastId, lastDecision: row.lastDecision };
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

/** The glosses the viewer may see in layers they may read, as `g` in layer `l` of text `t`, for what hangs on them. */
function readableGlosses(db: DB, viewer: Viewer) {
  return db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .where(layerVisibleSql(viewer) as never)
    .where(glossVisibleSql(viewer, 'g'));
}

/**
 * The replies the viewer wrote and has not deleted, under glosses they may see in layers they
 * may read, oldest first, with the slugs of the text and layer of each one's gloss.
 */
export async function replyRowsByAuthor(db: DB, viewer: Viewer) {
  return readableGlosses(db, viewer)
    .innerJoin('reply as r', 'r.gloss_id', 'g.id')
    .select(['r.id', 'r.gloss_id', 'r.parent_id', 'r.body_doc', 'r.created_at', 'r.updated_at', 'l.slug as layer_slug', 't.slug as text_slug'])
    .where('r.author_id', '=', viewer.id)
    .where('r.status', '!=', 'deleted')
    .orderBy('r.id')
    .execute();
}

/**
 * The stances the viewer took, on glosses they may see in layers they may read, oldest first,
 * with the slugs of the text and layer of each one's gloss.
 */
export async function stanceRowsByAuthor(db: DB, viewer: Viewer) {
  return readableGlosses(db, viewer)
    .innerJoin('gloss_stance as s', 's.gloss_id', 'g.id')
    .select(['s.gloss_id', 's.stance', 's.reason', 's.created_at', 's.updated_at', 'l.slug as layer_slug', 't.slug as text_slug'])
    .where('s.user_id', '=', viewer.id)
    .orderBy('s.created_at')
    .orderBy('s.gloss_id')
    .execute();
}
