/**
 * The published posts a viewer may read, as the two halves of a compound select: glosses (`g`)
 * and replies (`r`, under their gloss `g`), each joined to its layer (`l`), text (`t`) and
 * author (`u`), filtered inside the query by the SQL twins of visibility-sql.ts. A reply counts
 * only if its gloss is visible too. The Atom feeds (feeds.ts) and e-mail digests (digests.ts)
 * select their columns from these and unite them; a compound select pairs columns by position,
 * so both halves must select the same columns in the same order.
 */
import type { Viewer } from '../viewer.ts';
import type { DB } from './database.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql } from './visibility-sql.ts';

export function readablePublishedPosts(db: DB, viewer: Viewer | null) {
  const glosses = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'g.author_id')
    .where('g.status', '=', 'active')
    .where(layerVisibleSql(viewer))
    .where(glossVisibleSql(viewer, 'g'));
  const replies = db
    .selectFrom('reply as r')
    .innerJoin('gloss as g', 'g.id', 'r.gloss_id')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'r.author_id')
    .where('r.status', '=', 'active')
    .where(layerVisibleSql(viewer))
    .where(glossVisibleSql(viewer, 'g'))
    .where(postVisibleSql(viewer, 'r'));
  return { glosses, replies };
}
