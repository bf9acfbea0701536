/** SQL for glosses, their anchors and their replies. Returns rows; no rules here. */
import type { Viewer } from '../viewer.ts';
import { glossVisibleSql, layerVisibleSql } from './visibility-sql.ts';
import { sql } from 'kysely';
import type { AnchorRow, DB, GlossRow, NewRow, ReplyRow } from './database.ts';
import { dialectOf } from './dialect.ts';

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

/**
 * Takes the words of deleted glosses out of the glosses on them, in a fixed number of statements
 * (per 500 parents): each child's quote (`exact`, `prefix`, `suffix`; its position stays) and its
 * anchors' anchored words. Returns the children that are not tombstones themselves, whose events
 * must carry them as they now are.
 */
export async function forgetQuotesOn(db: DB, parentIds: number[]): Promise<{ id: number; text_id: number; layer_id: number }[]> {
  const emptied =
    dialectOf(db) === 'sqlite'
      ? sql<string>`json_set(selectors, '$.exact', '', '$.prefix', '', '$.suffix', '')`
      : sql<string>`(selectors::jsonb || '{"exact":"","prefix":"","suffix":""}'::jsonb)::text`;
  const live: { id: number; text_id: number; layer_id: number }[] = [];
  for (let i = 0; i < parentIds.length; i += insertChunk) {
    const parents = parentIds.slice(i, i + insertChunk);
    await db.updateTable('gloss').set({ selectors: emptied }).where('target_gloss_id', 'in', parents).execute();
    await db
      .updateTable('anchor')
      .set({ exact: null })
      .where('gloss_id', 'in', db.selectFrom('gloss').select('id').where('target_gloss_id', 'in', parents))
      .execute();
    live.push(...(await db.selectFrom('gloss').select(['id', 'text_id', 'layer_id']).where('target_gloss_id', 'in', parents).where('status', '<>', 'deleted').orderBy('id').execute()));
  }
  return live;
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

/**
 * The glosses on one target, with their anchors at `version`: the glosses on a text's body (not
 * on other glosses) at a text version, or the glosses on one gloss's body at a body revision.
 */
export async function glossesWithAnchor(db: DB, target: { textId: number } | { glossId: number }, version: number) {
  let q = db
    .selectFrom('gloss as g')
    .leftJoin('anchor as a', (j) => j.onRef('a.gloss_id', '=', 'g.id').on('a.version', '=', version))
    .select(['g.id', 'g.selectors', 'g.target_version', 'a.start', 'a.end', 'a.status']);
  q = 'textId' in target
    ? q.where('g.text_id', '=', target.textId).where('g.target_gloss_id', 'is', null)
    : q.where('g.target_gloss_id', '=', target.glossId);
  return q.orderBy('g.id').execute();
}

/** Other layers whose glosses target glosses of `layerId` (they constrain its visibility and rules). */
export async function layersTargeting(db: DB, layerId: number) {
  return db
    .selectFrom('gloss as child')
    .innerJoin('gloss as parent', 'parent.id', 'child.target_gloss_id')
    .innerJoin('layer as cl', 'cl.id', 'child.layer_id')
    .select(['cl.id', 'cl.visibility', 'cl.owner_id', 'cl.group_id', 'cl.read_first'])
    .distinct()
    .where('parent.layer_id', '=', layerId)
    .where('child.layer_id', '!=', layerId)
    .execute();
}

/** Whether a layer holds a gloss, or a reply under one of its glosses, by anyone but `authorId` (tombstones aside). */
export async function layerHasPostsByOthers(db: DB, layerId: number, authorId: number): Promise<boolean> {
  const row = await db
    .selectFrom('gloss as g')
    .leftJoin('reply as r', 'r.gloss_id', 'g.id')
    .select('g.id')
    .where('g.layer_id', '=', layerId)
    .where((eb) =>
      eb.or([
        eb.and([eb('g.author_id', '!=', authorId), eb('g.status', '!=', 'deleted')]),
        eb.and([eb('r.author_id', '!=', authorId), eb('r.status', '!=', 'deleted')]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Layers of the glosses that glosses of `layerId` target (other than itself). */
export async function layersTargetedBy(db: DB, layerId: number) {
  return db
    .selectFrom('gloss as child')
    .innerJoin('gloss as parent', 'parent.id', 'child.target_gloss_id')
    .innerJoin('layer as pl', 'pl.id', 'parent.layer_id')
    .select(['pl.id', 'pl.visibility', 'pl.owner_id', 'pl.group_id', 'pl.read_first'])
    .distinct()
    .where('child.layer_id', '=', layerId)
    .where('parent.layer_id', '!=', layerId)
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

/** Ids of the glosses of a text that the viewer may see. */
export async function visibleGlossIds(db: DB, viewer: Viewer | null, textId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select('g.id')
    .where('g.text_id', '=', textId)
    .where(layerVisibleSql(viewer))
    .where(glossVisibleSql(viewer, 'g'))
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The layers of a text in which the person has a gloss of their own, published or awaiting a
 * moderator: where a read-first layer shows them the others' (docs/deliberation.md §4).
 */
export async function layersWrittenIn(db: DB, userId: number, textId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('gloss')
    .select('layer_id')
    .distinct()
    .where('author_id', '=', userId)
    .where('text_id', '=', textId)
    .where('status', 'in', ['active', 'pending'])
    .execute();
  return new Set(rows.map((r) => r.layer_id));
}
