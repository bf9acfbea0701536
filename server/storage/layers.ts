/** SQL for layers. Returns rows; no rules here. */
import type { Viewer } from '../viewer.ts';
import { glossVisibleSql, hiddenUntilWrittenSql, layerVisibleSql } from './visibility-sql.ts';
import type { DB, LayerRow, NewRow } from './database.ts';

export async function findLayer(db: DB, textId: number, slug: string): Promise<LayerRow | undefined> {
  return db.selectFrom('layer').selectAll().where('text_id', '=', textId).where('slug', '=', slug).executeTakeFirst();
}

export async function findLayerById(db: DB, id: number): Promise<LayerRow | undefined> {
  return db.selectFrom('layer').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertLayer(db: DB, row: NewRow<'layer'>): Promise<LayerRow> {
  return db.insertInto('layer').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateLayer(db: DB, id: number, changes: Partial<Omit<LayerRow, 'id'>>): Promise<void> {
  await db.updateTable('layer').set(changes).where('id', '=', id).execute();
}

/**
 * The layers of a text that the viewer may see, with their owner's handle, gloss count and the
 * count a read-first rule keeps from them (`hidden_count`); with
 * `layerId`, that one layer only (none if the viewer may not see it).
 */
export async function listVisibleLayers(db: DB, viewer: Viewer | null, textId: number, layerId?: number) {
  return db
    .selectFrom('layer as l')
    .innerJoin('text as t', 't.id', 'l.text_id')
    .innerJoin('user as u', 'u.id', 'l.owner_id')
    .leftJoin('reading_group as rg', 'rg.id', 'l.group_id')
    .selectAll('l')
    .select(['u.handle as owner_handle', 'rg.slug as group_slug', 'rg.visibility as group_visibility'])
    .select((eb) =>
      eb
        .selectFrom('gloss as g')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('g.layer_id', '=', 'l.id')
        .where('g.status', '!=', 'deleted')
        .where(glossVisibleSql(viewer, 'g'))
        .as('gloss_count'),
    )
    .select(hiddenUntilWrittenSql(viewer).as('hidden_count'))
    .where('l.text_id', '=', textId)
    .$if(layerId !== undefined, (qb) => qb.where('l.id', '=', layerId!))
    .where(layerVisibleSql(viewer))
    .orderBy('l.id')
    .execute();
}

/** A group's layers that the viewer may see, on any text, oldest first, with their text; at most `limit`. */
export async function listVisibleGroupLayers(db: DB, viewer: Viewer | null, groupId: number, limit: number) {
  return db
    .selectFrom('layer as l')
    .innerJoin('text as t', 't.id', 'l.text_id')
    .select(['l.slug', 'l.name', 'l.description', 'l.color', 'l.visibility', 'l.reply_policy', 'l.remote_uri', 't.slug as text_slug', 't.title as text_title', 't.language as text_language', 't.direction as text_direction'])
    .where('l.group_id', '=', groupId)
    .where(layerVisibleSql(viewer))
    .orderBy('l.id')
    .limit(limit)
    .execute();
}
