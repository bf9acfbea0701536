/**
 * SQL for the Atom feeds: the newest glosses and replies of one layer, or of every layer of a
 * group, that a viewer may read. Returns rows; no rules here: what the viewer may read comes
 * from the SQL twins of visibility-sql.ts, inside the query, so the limit counts only rows the
 * viewer may see (published-posts.ts). Only published posts are listed: a tombstone has no words
 * to syndicate.
 */
import { sql, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { DB } from './database.ts';
import { readablePublishedPosts } from './published-posts.ts';

/** One post of a feed: a gloss (`selectors` set) or a reply (`selectors` null). */
export interface FeedPostRow {
  kind: 'gloss' | 'reply';
  id: number;
  /** The gloss itself, or the gloss whose thread the reply is in. */
  gloss_id: number;
  /** The gloss a gloss comments on (its quote is then of that gloss's body); null otherwise. */
  target_gloss_id: number | null;
  /** JSON selectors of a gloss (its quote); null for a reply. */
  selectors: string | null;
  body_doc: string;
  body_text: string;
  /** Who wrote a gloss, when not the account that posted it (an imported commentary). */
  attribution: string | null;
  author_handle: string;
  author_name: string;
  created_at: string;
  updated_at: string;
  text_slug: string;
  text_title: string;
  text_language: string;
  text_direction: 'ltr' | 'rtl' | 'auto';
  layer_slug: string;
  layer_name: string;
}

/** Which posts: those of one layer, or of every layer a group keeps. */
export type FeedScope = { layerId: number } | { groupId: number };

/**
 * The columns both kinds of post take from their author (`u`), text (`t`) and layer (`l`). A
 * compound select pairs columns by position, so both halves select these last, in this order.
 */
export const authorAndPlace = [
  'u.handle as author_handle',
  'u.display_name as author_name',
  't.slug as text_slug',
  't.title as text_title',
  't.language as text_language',
  't.direction as text_direction',
  'l.slug as layer_slug',
  'l.name as layer_name',
] as const;

/**
 * The newest `limit` published posts (glosses and replies) in the scope that the viewer may see,
 * newest first (by when they were written, then by id). A reply counts only if its gloss is
 * visible too.
 */
export async function newestFeedPosts(db: DB, viewer: Viewer | null, scope: FeedScope, limit: number): Promise<FeedPostRow[]> {
  const inScope = 'layerId' in scope ? sql<SqlBool>`l.id = ${scope.layerId}` : sql<SqlBool>`l.group_id = ${scope.groupId}`;
  const { glosses: readableGlosses, replies: readableReplies } = readablePublishedPosts(db, viewer);
  const glosses = readableGlosses
    .select([
      sql<'gloss' | 'reply'>`'gloss'`.as('kind'),
      'g.id as id',
      'g.id as gloss_id',
      'g.target_gloss_id',
      sql<string | null>`g.selectors`.as('selectors'),
      'g.body_doc',
      'g.body_text',
      sql<string | null>`g.attribution`.as('attribution'),
      'g.created_at as created_at',
      'g.updated_at',
    ])
    .select(authorAndPlace)
    .where(inScope);
  const replies = readableReplies
    .select([
      sql<'gloss' | 'reply'>`'reply'`.as('kind'),
      'r.id as id',
      'r.gloss_id',
      sql<number | null>`NULL`.as('target_gloss_id'),
      sql<string | null>`NULL`.as('selectors'),
      'r.body_doc',
      'r.body_text',
      sql<string | null>`NULL`.as('attribution'),
      'r.created_at as created_at',
      'r.updated_at',
    ])
    .select(authorAndPlace)
    .where(inScope);
  // A compound select orders by its result columns' aliases: `kind`, `created_at` and `id` are aliased for it.
  return glosses.unionAll(replies).orderBy('created_at', 'desc').orderBy('kind', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
