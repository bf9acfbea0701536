/**
 * Who may see and do what. Every permission decision in Daf is made here, in one place, so that
 * the reading-groups model can extend it without hunting through routes. Each rule exists twice
 * where needed: as a predicate on loaded rows (for single items) and as a SQL condition (for
 * lists, search and counts), and the two must agree — the access tests check both.
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database, GlossRow, LayerRow, ReplyRow, TextRow } from '../storage/database.ts';

/** The person making a request, or null for a visitor with no account. */
export interface Viewer {
  id: number;
  handle: string;
  displayName: string;
}

/** May the viewer see this text (and so its versions)? */
export function canReadText(viewer: Viewer | null, text: Pick<TextRow, 'visibility' | 'owner_id'>): boolean {
  return text.visibility === 'public' || (viewer !== null && viewer.id === text.owner_id);
}

/** May the viewer add a version to this text? Only its owner. */
export function canEditText(viewer: Viewer | null, text: Pick<TextRow, 'owner_id'>): boolean {
  return viewer !== null && viewer.id === text.owner_id;
}

/** May the viewer add a layer to this text? Anyone signed in who can see it. */
export function canCreateLayer(viewer: Viewer | null, text: Pick<TextRow, 'visibility' | 'owner_id'>): boolean {
  return viewer !== null && canReadText(viewer, text);
}

/** May the viewer see this layer and its glosses? The text must be visible too. */
export function canReadLayer(
  viewer: Viewer | null,
  text: Pick<TextRow, 'visibility' | 'owner_id'>,
  layer: Pick<LayerRow, 'visibility' | 'owner_id'>,
): boolean {
  if (!canReadText(viewer, text)) return false;
  return layer.visibility === 'public' || (viewer !== null && viewer.id === layer.owner_id);
}

/** May the viewer add glosses to this layer? */
export function canWriteLayer(
  viewer: Viewer | null,
  text: Pick<TextRow, 'visibility' | 'owner_id'>,
  layer: Pick<LayerRow, 'visibility' | 'owner_id' | 'write_policy'>,
): boolean {
  if (viewer === null || !canReadLayer(viewer, text, layer)) return false;
  return viewer.id === layer.owner_id || layer.write_policy === 'signed_in';
}

/** May the viewer change the layer's settings? Only its owner. */
export function canManageLayer(viewer: Viewer | null, layer: Pick<LayerRow, 'owner_id'>): boolean {
  return viewer !== null && viewer.id === layer.owner_id;
}

/** May the viewer reply in threads of this layer's glosses? Anyone signed in who can see it. */
export function canReply(
  viewer: Viewer | null,
  text: Pick<TextRow, 'visibility' | 'owner_id'>,
  layer: Pick<LayerRow, 'visibility' | 'owner_id'>,
): boolean {
  return viewer !== null && canReadLayer(viewer, text, layer);
}

/** May the viewer edit or delete this gloss or reply? Only its author. */
export function canEditPost(viewer: Viewer | null, post: Pick<GlossRow | ReplyRow, 'author_id'>): boolean {
  return viewer !== null && viewer.id === post.author_id;
}

type WithTextAndLayer = ExpressionBuilder<Database & { t: Database['text']; l: Database['layer'] }, 't' | 'l'>;
type WithText = ExpressionBuilder<Database & { t: Database['text'] }, 't'>;

/** SQL twin of `canReadText`, over a query that has the text table as `t`. */
export function textVisibleSql(viewer: Viewer | null) {
  return (eb: WithText): Expression<SqlBool> =>
    viewer === null
      ? eb('t.visibility', '=', 'public')
      : eb.or([eb('t.visibility', '=', 'public'), eb('t.owner_id', '=', viewer.id)]);
}

/** SQL twin of `canReadLayer`, over a query with the text as `t` and the layer as `l`. */
export function layerVisibleSql(viewer: Viewer | null) {
  return (eb: WithTextAndLayer): Expression<SqlBool> =>
    viewer === null
      ? eb.and([eb('t.visibility', '=', 'public'), eb('l.visibility', '=', 'public')])
      : eb.and([
          eb.or([eb('t.visibility', '=', 'public'), eb('t.owner_id', '=', viewer.id)]),
          eb.or([eb('l.visibility', '=', 'public'), eb('l.owner_id', '=', viewer.id)]),
        ]);
}

/** Raw-SQL form of `layerVisibleSql` for the dialect-specific search module. */
export function layerVisibleRawSql(viewer: Viewer | null, textAlias: string, layerAlias: string) {
  const t = sql.ref(textAlias);
  const l = sql.ref(layerAlias);
  if (viewer === null) {
    return sql<SqlBool>`(${t}.visibility = 'public' AND ${l}.visibility = 'public')`;
  }
  return sql<SqlBool>`((${t}.visibility = 'public' OR ${t}.owner_id = ${viewer.id}) AND (${l}.visibility = 'public' OR ${l}.owner_id = ${viewer.id}))`;
}

/** Raw-SQL form of `textVisibleSql`. */
export function textVisibleRawSql(viewer: Viewer | null, textAlias: string) {
  const t = sql.ref(textAlias);
  if (viewer === null) return sql<SqlBool>`(${t}.visibility = 'public')`;
  return sql<SqlBool>`(${t}.visibility = 'public' OR ${t}.owner_id = ${viewer.id})`;
}

/**
 * Can everyone who reads layer `inner` also read layer `outer`? Glosses in `inner` may comment
 * on glosses in `outer` only if so. (Both layers are on the same text.)
 */
export function readersContained(
  inner: Pick<LayerRow, 'id' | 'visibility' | 'owner_id'>,
  outer: Pick<LayerRow, 'id' | 'visibility' | 'owner_id'>,
): boolean {
  if (inner.id === outer.id || outer.visibility === 'public') return true;
  return inner.visibility === 'private' && inner.owner_id === outer.owner_id;
}
