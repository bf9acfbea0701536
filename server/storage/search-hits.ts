/**
 * Who may see a search hit, the same on both dialects: the hit source aliased `si` (kind,
 * item_id, text_id, layer_id) joined to its text, layer, gloss or reply, and filtered by the SQL
 * twins of the reading rules (visibility-sql.ts) inside the query, so nothing hidden is counted
 * or returned.
 */
import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql, textVisibleSql } from './visibility-sql.ts';

/**
 * Texts the viewer may read; glosses and replies they may see (in a layer they may read, not
 * pending or hidden unless theirs or they moderate it, not someone else's notebook entry, not
 * kept by a read-first layer; a reply only under a gloss they may see).
 */
export function visibleHits<Q extends SelectQueryBuilder<any, any, any>>(query: Q, viewer: Viewer | null): Q {
  return query
    .innerJoin('text as t', 't.id', 'si.text_id')
    .leftJoin('layer as l', 'l.id', 'si.layer_id')
    .leftJoin('gloss as g', (j) => j.onRef('g.id', '=', 'si.item_id').on('si.kind', '=', 'gloss'))
    .leftJoin('reply as r', (j) => j.onRef('r.id', '=', 'si.item_id').on('si.kind', '=', 'reply'))
    .leftJoin('gloss as rg', 'rg.id', 'r.gloss_id')
    .where(textVisibleSql(viewer) as never)
    .where((eb) => eb.or([eb('si.layer_id', 'is', null), layerVisibleSql(viewer)(eb as never)]))
    .where(
      sql<SqlBool>`((si.kind = 'text')
        OR (si.kind = 'gloss' AND g.id IS NOT NULL AND ${glossVisibleSql(viewer, 'g')})
        OR (si.kind = 'reply' AND r.id IS NOT NULL AND ${postVisibleSql(viewer, 'r')} AND ${glossVisibleSql(viewer, 'rg')}))`,
    ) as Q;
}
