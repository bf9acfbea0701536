/** SQL for glosses, their anchors and their replies. Returns rows; no rules here. */
import { sql } from 'kysely';
import type { Viewer } from '../services/policy.ts';
import { layerVisibleSql } from '../services/policy.ts';
import type { AnchorRow, DB, GlossRow, NewRow, ReplyRow } from './database.ts';

/** Rows per multi-row INSERT: well under SQLite's bound-parameter limit. */
const insertChunk = 500;

export async function insertGloss(db: DB, row: NewRow<'gloss'>): Promise<GlossRow> {
  return db.insertInto('gloss').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findGloss(db: DB, id: number): Promise<GlossRow | undefined> {
  return db.selectFrom('gloss').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateGloss(db: DB, id: number, changes: Partial<Omit<GlossRow, 'id'>>): Promise<void> {
  await db.updateTable('gloss').set(changes).where('id', '=', id).execute();
}

export async function deleteGlossRow(db: DB, id: number): Promise<void> {
  await db.deleteFrom('anchor').where('gloss_id', '=', id).execute();
  await db.deleteFrom('gloss').where('id', '=', id).execute();
}

/** Whether anything hangs beneath a gloss: replies, or glosses on it. */
export async function glossHasDependents(db: DB, id: number): Promise<boolean> {
  const reply = await db.selectFrom('reply').select('id').where('gloss_id', '=', id).limit(1).executeTakeFirst();
  if (reply) return true;
  const child = await db.selectFrom('gloss').select('id').where('target_gloss_id', '=', id).limit(1).executeTakeFirst();
  return child !== undefined;
}

/** Writes anchors, replacing any for the same gloss and version. */
export async function upsertAnchors(db: DB, rows: AnchorRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += insertChunk) {
    await db
      .insertInto('anchor')
      .values(rows.slice(i, i + insertChunk))
      .onConflict((oc) =>
        oc.columns(['gloss_id', 'version']).doUpdateSet((eb) => ({
          start: eb.ref('excluded.start'),
          end: eb.ref('excluded.end'),
          status: eb.ref('excluded.status'),
          score: eb.ref('excluded.score'),
          exact: eb.ref('excluded.exact'),
        })),
      )
      .execute();
  }
}

export async function findAnchor(db: DB, glossId: number, version: number): Promise<AnchorRow | undefined> {
  return db.selectFrom('anchor').selectAll().where('gloss_id', '=', glossId).where('version', '=', version).executeTakeFirst();
}

/** The glosses on a text's body (not on other glosses), with their anchors at `version`. */
export async function textGlossesWithAnchor(db: DB, textId: number, version: number) {
  return db
    .selectFrom('gloss as g')
    .leftJoin('anchor as a', (j) => j.onRef('a.gloss_id', '=', 'g.id').on('a.version', '=', version))
    .select(['g.id', 'g.selectors', 'g.target_version', 'a.start', 'a.end', 'a.status'])
    .where('g.text_id', '=', textId)
    .where('g.target_gloss_id', 'is', null)
    .orderBy('g.id')
    .execute();
}

/** The glosses on one gloss's body, with their anchors at that body's `revision`. */
export async function childGlossesWithAnchor(db: DB, targetId: number, revision: number) {
  return db
    .selectFrom('gloss as g')
    .leftJoin('anchor as a', (j) => j.onRef('a.gloss_id', '=', 'g.id').on('a.version', '=', revision))
    .select(['g.id', 'g.selectors', 'g.target_version', 'a.start', 'a.end', 'a.status'])
    .where('g.target_gloss_id', '=', targetId)
    .orderBy('g.id')
    .execute();
}

/** Glosses in other layers that target glosses of `layerId` (they constrain its visibility). */
export async function glossesTargetingLayer(db: DB, layerId: number) {
  return db
    .selectFrom('gloss as child')
    .innerJoin('gloss as parent', 'parent.id', 'child.target_gloss_id')
    .innerJoin('layer as cl', 'cl.id', 'child.layer_id')
    .select(['child.id', 'cl.id as layer_id', 'cl.visibility', 'cl.owner_id'])
    .where('parent.layer_id', '=', layerId)
    .where('child.layer_id', '!=', layerId)
    .execute();
}

/** Layers of the glosses that glosses of `layerId` target (other than itself). */
export async function layersTargetedBy(db: DB, layerId: number) {
  return db
    .selectFrom('gloss as child')
    .innerJoin('gloss as parent', 'parent.id', 'child.target_gloss_id')
    .innerJoin('layer as pl', 'pl.id', 'parent.layer_id')
    .select(['pl.id', 'pl.visibility', 'pl.owner_id'])
    .distinct()
    .where('child.layer_id', '=', layerId)
    .where('parent.layer_id', '!=', layerId)
    .execute();
}

/** One row of the gloss listing: the gloss, its layer, its author and its current anchor. */
export interface GlossListRow {
  id: number;
  layer_slug: string;
  target_gloss_id: number | null;
  target_version: number;
  selectors: string;
  body_doc: string;
  body_text: string;
  body_revision: number;
  motivation: string;
  status: string;
  created_at: string;
  updated_at: string;
  author_handle: string;
  author_name: string;
  anchor_version: number | null;
  anchor_start: number | null;
  anchor_end: number | null;
  anchor_status: string | null;
  anchor_score: number | null;
  anchor_exact: string | null;
}

/**
 * The glosses of a text that the viewer may see — on the text and on other glosses — with the
 * anchor each has now: at `version` for glosses on the text, at the target's current body
 * revision for glosses on glosses. Optionally limited to some layers or to one gloss.
 */
export async function listGlosses(
  db: DB,
  viewer: Viewer | null,
  textId: number,
  version: number,
  filter: {
    layerSlugs?: string[];
    layerId?: number;
    glossId?: number;
    limit?: number;
    afterId?: number;
    /** Skip the visibility test: only for building event payloads, whose delivery is filtered. */
    everything?: boolean;
  } = {},
): Promise<GlossListRow[]> {
  let q = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'g.author_id')
    .leftJoin('gloss as tg', 'tg.id', 'g.target_gloss_id')
    .leftJoin('anchor as a', (j) =>
      j
        .onRef('a.gloss_id', '=', 'g.id')
        .on((eb) => eb('a.version', '=', eb.fn.coalesce('tg.body_revision', sql.lit(version)))),
    )
    .select([
      'g.id',
      'l.slug as layer_slug',
      'g.target_gloss_id',
      'g.target_version',
      'g.selectors',
      'g.body_doc',
      'g.body_text',
      'g.body_revision',
      'g.motivation',
      'g.status',
      'g.created_at',
      'g.updated_at',
      'u.handle as author_handle',
      'u.display_name as author_name',
      'a.version as anchor_version',
      'a.start as anchor_start',
      'a.end as anchor_end',
      'a.status as anchor_status',
      'a.score as anchor_score',
      'a.exact as anchor_exact',
    ])
    .where('g.text_id', '=', textId);
  if (!filter.everything) q = q.where(layerVisibleSql(viewer));
  if (filter.layerSlugs) q = q.where('l.slug', 'in', filter.layerSlugs);
  if (filter.layerId !== undefined) q = q.where('l.id', '=', filter.layerId);
  if (filter.glossId !== undefined) q = q.where('g.id', '=', filter.glossId);
  if (filter.afterId !== undefined) q = q.where('g.id', '>', filter.afterId);
  q = q.orderBy('g.id');
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return q.execute() as Promise<GlossListRow[]>;
}

/** One row of a thread listing. */
export interface ReplyListRow {
  id: number;
  gloss_id: number;
  parent_id: number | null;
  body_doc: string;
  body_text: string;
  status: string;
  created_at: string;
  updated_at: string;
  author_handle: string;
  author_name: string;
}

/** The replies of some glosses, oldest first. */
export async function listReplies(db: DB, glossIds: number[]): Promise<ReplyListRow[]> {
  if (glossIds.length === 0) return [];
  const out: ReplyListRow[] = [];
  for (let i = 0; i < glossIds.length; i += insertChunk) {
    const rows = await db
      .selectFrom('reply as r')
      .innerJoin('user as u', 'u.id', 'r.author_id')
      .select([
        'r.id',
        'r.gloss_id',
        'r.parent_id',
        'r.body_doc',
        'r.body_text',
        'r.status',
        'r.created_at',
        'r.updated_at',
        'u.handle as author_handle',
        'u.display_name as author_name',
      ])
      .where('r.gloss_id', 'in', glossIds.slice(i, i + insertChunk))
      .orderBy('r.id')
      .execute();
    out.push(...rows);
  }
  return out;
}

/** All replies of a text's glosses, for listing a whole text in one query. */
export async function listRepliesOfText(db: DB, textId: number): Promise<ReplyListRow[]> {
  return db
    .selectFrom('reply as r')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .innerJoin('user as u', 'u.id', 'r.author_id')
    .select([
      'r.id',
      'r.gloss_id',
      'r.parent_id',
      'r.body_doc',
      'r.body_text',
      'r.status',
      'r.created_at',
      'r.updated_at',
      'u.handle as author_handle',
      'u.display_name as author_name',
    ])
    .where('g.text_id', '=', textId)
    .orderBy('r.id')
    .execute();
}

export async function insertReply(db: DB, row: NewRow<'reply'>): Promise<ReplyRow> {
  return db.insertInto('reply').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findReply(db: DB, id: number): Promise<ReplyRow | undefined> {
  return db.selectFrom('reply').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateReply(db: DB, id: number, changes: Partial<Omit<ReplyRow, 'id'>>): Promise<void> {
  await db.updateTable('reply').set(changes).where('id', '=', id).execute();
}

export async function replyHasChildren(db: DB, id: number): Promise<boolean> {
  return (await db.selectFrom('reply').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst()) !== undefined;
}

export async function deleteReplyRow(db: DB, id: number): Promise<void> {
  await db.deleteFrom('reply').where('id', '=', id).execute();
}
