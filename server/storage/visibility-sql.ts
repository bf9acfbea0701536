/**
 * The SQL twins of the reading rules in services/policy.ts: the same decisions as conditions
 * inside a query, for lists, search and counts, so nothing a viewer may not read is ever counted
 * or returned. They live in storage, beneath the services, because storage's queries use them;
 * the services' predicates and these must agree, and the access-matrix tests check that they do
 * at every door (docs/access.md).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { Database } from './database.ts';

type Aliased<A extends string, T extends keyof Database> = { [K in A]: Database[T] };
type TextEB = ExpressionBuilder<Database & Aliased<'t', 'text'>, 't'>;
type LayerEB = ExpressionBuilder<Database & Aliased<'t', 'text'> & Aliased<'l', 'layer'>, 't' | 'l'>;

/** Group ids in which the viewer is an active member / a moderator. */
function groupIds(viewer: Viewer | null, moderatorsOnly = false): number[] {
  if (viewer === null) return [];
  const ids: number[] = [];
  for (const [id, m] of viewer.memberships) {
    if (m.state === 'active' && (!moderatorsOnly || m.role !== 'member')) ids.push(id);
  }
  return ids;
}

/** `column IN (ids)`, or false for no ids. */
function inIds(ids: number[], column: Expression<unknown>) {
  return ids.length === 0 ? sql<SqlBool>`0 = 1` : sql<SqlBool>`${column} IN (${sql.join(ids)})`;
}

/** SQL twin of `canReadText`, over a query with the text table as `t`. */
export function textVisibleSql(viewer: Viewer | null) {
  return (eb: TextEB): Expression<SqlBool> => {
    const members = groupIds(viewer);
    const parts: Expression<SqlBool>[] = [eb('t.visibility', '=', 'public')];
    if (viewer !== null) {
      parts.push(eb.and([eb('t.owner_id', '=', viewer.id), eb.or([eb('t.group_id', 'is', null), inIds(members, eb.ref('t.group_id'))])]));
    }
    if (members.length) parts.push(eb.and([eb('t.visibility', '=', 'group'), inIds(members, eb.ref('t.group_id'))]));
    return eb.or(parts);
  };
}

/** SQL twin of `canReadLayer`, over a query with the text as `t` and the layer as `l`. */
export function layerVisibleSql(viewer: Viewer | null) {
  return (eb: LayerEB): Expression<SqlBool> => {
    const members = groupIds(viewer);
    const layer: Expression<SqlBool>[] = [eb('l.visibility', '=', 'public')];
    if (members.length) {
      layer.push(eb.and([eb('l.visibility', 'in', ['group', 'private']), inIds(members, eb.ref('l.group_id'))]));
    }
    if (viewer !== null) {
      layer.push(eb.and([eb('l.visibility', '=', 'private'), eb('l.group_id', 'is', null), eb('l.owner_id', '=', viewer.id)]));
    }
    return eb.and([textVisibleSql(viewer)(eb as unknown as TextEB), eb.or(layer)]);
  };
}

/**
 * SQL twin of `canSeePost` for the post table aliased `post` (a gloss, or a reply) in a layer
 * aliased `l` (layer visibility is checked separately with `layerVisibleSql`).
 */
export function postVisibleSql(viewer: Viewer | null, post: string) {
  const author = sql.ref(`${post}.author_id`);
  const status = sql.ref(`${post}.status`);
  const moderated = groupIds(viewer, true);
  const mine = viewer === null ? sql<SqlBool>`0 = 1` : sql<SqlBool>`${author} = ${viewer.id}`;
  const notNotebook = sql<SqlBool>`NOT (l.visibility = 'private' AND l.group_id IS NOT NULL)`;
  const moderator = inIds(moderated, sql.ref('l.group_id'));
  return sql<SqlBool>`((${notNotebook} OR ${mine}) AND (${status} IN ('active', 'deleted') OR ${mine} OR ${moderator}))`;
}

/**
 * SQL twin of "not `readFirstHides`" for the gloss aliased `gloss` in the layer aliased `l`: the
 * layer is not read-first, or the gloss is the viewer's, or the viewer moderates the layer's group
 * (owns a person's layer), or has a gloss of their own there, published or awaiting a moderator.
 */
function readFirstSeesSql(viewer: Viewer | null, gloss: string) {
  if (viewer === null) return sql<SqlBool>`l.read_first = 0`;
  const author = sql.ref(`${gloss}.author_id`);
  const moderator = inIds(groupIds(viewer, true), sql.ref('l.group_id'));
  return sql<SqlBool>`(l.read_first = 0 OR ${author} = ${viewer.id} OR ${moderator} OR (l.group_id IS NULL AND l.owner_id = ${viewer.id})
    OR EXISTS (SELECT 1 FROM gloss w WHERE w.author_id = ${viewer.id} AND w.text_id = l.text_id AND w.layer_id = l.id AND w.status IN ('active', 'pending')))`;
}

/**
 * SQL twin of `canSeeGloss`, for the gloss aliased `gloss` in the layer aliased `l` (layer
 * visibility is checked separately with `layerVisibleSql`): `postVisibleSql` and the read-first rule.
 */
export function glossVisibleSql(viewer: Viewer | null, gloss: string) {
  return sql<SqlBool>`(${postVisibleSql(viewer, gloss)} AND ${readFirstSeesSql(viewer, gloss)})`;
}

/**
 * How many published glosses of the layer `l` a read-first rule keeps from the viewer until they
 * write there (0 on any other layer): the "N hidden until you write" of a layer.
 */
export function hiddenUntilWrittenSql(viewer: Viewer | null) {
  return sql<number>`(CASE WHEN l.read_first = 0 THEN 0 ELSE (SELECT count(*) FROM gloss h WHERE h.layer_id = l.id AND h.status = 'active'
    AND ${postVisibleSql(viewer, 'h')} AND NOT ${readFirstSeesSql(viewer, 'h')}) END)`;
}
