/**
 * SQL for a person's public face (`/u/:handle`): their glosses and groups. Rows only; who may see
 * which gloss is decided by the filters the service passes in (services/policy.ts), inside the
 * query, so nothing hidden is returned.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, DB } from './database.ts';

/** A condition on the rows of a query (its tables under the aliases each function names). */
export type RowFilter = (eb: ExpressionBuilder<Database, any>) => Expression<SqlBool>;

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
 * The person's glosses that pass every filter (over text `t`, layer `l`, gloss `g`), newest
 * first; never a tombstone.
 */
export async function glossesByAuthor(db: DB, authorId: number, filters: RowFilter[], page: { limit: number; before?: number }): Promise<ProfileGlossRow[]> {
  let query = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .select(['g.id', 'g.status', 'g.body_text', 'g.selectors', 'g.created_at', 't.slug as text_slug', 't.title as text_title', 'l.slug as layer_slug', 'l.name as layer_name'])
    .where('g.author_id', '=', authorId)
    .where('g.status', '!=', 'deleted');
  for (const filter of filters) query = query.where(filter as never);
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
