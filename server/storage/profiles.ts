/**
 * SQL for a person's public face (`/u/:handle`): their glosses and groups. Which glosses the
 * viewer may see is decided inside the query by the SQL twins of the reading rules
 * (visibility-sql.ts), so nothing hidden is returned.
 */
import type { Viewer } from '../viewer.ts';
import type { DB } from './database.ts';
import { glossVisibleSql, layerVisibleSql } from './visibility-sql.ts';

/** A gloss of the person, where it sits. */
export interface ProfileGlossRow {
  id: number;
  status: string;
  body_text: string;
  selectors: string;
  created_at: string;
  text_slug: string;
  text_title: string;
  layer_slug: string;
  layer_name: string;
}

/**
 * The person's glosses that `viewer` may read, newest first; never a tombstone, and, unless the
 * viewer is their author, only published ones (not another's pending or hidden posts).
 */
export async function glossesByAuthor(db: DB, authorId: number, viewer: Viewer | null, page: { limit: number; before?: number }): Promise<ProfileGlossRow[]> {
  const own = viewer?.id === authorId;
  let query = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select(['g.id', 'g.status', 'g.body_text', 'g.selectors', 'g.created_at', 't.slug as text_slug', 't.title as text_title', 'l.slug as layer_slug', 'l.name as layer_name'])
    .where('g.author_id', '=', authorId)
    .where((eb) => (own ? eb('g.status', '!=', 'deleted') : eb('g.status', '=', 'active')))
    .where(layerVisibleSql(viewer) as never)
    .where(glossVisibleSql(viewer, 'g'));
  if (page.before !== undefined) query = query.where('g.id', '<', page.before);
  return query.orderBy('g.id', 'desc').limit(page.limit).execute();
}

/** The groups the person is an active member of, with their role. */
export async function groupsOfMember(db: DB, userId: number) {
  return db
    .selectFrom('membership as m')
    .innerJoin('reading_group as rg', 'rg.id', 'm.group_id')
    .select(['rg.id', 'rg.slug', 'rg.name', 'rg.visibility', 'm.role', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .where('m.state', '=', 'active')
    .orderBy('rg.name')
    .execute();
}
