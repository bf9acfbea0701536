/**
 * SQL about decisions (docs/deliberation.md §3) that every door naming one shares: whether the
 * reading a decision adopted may be named to a reader. Returns conditions; no rules of its own
 * (what a viewer may read comes in as the SQL twins of visibility-sql.ts).
 */
import { expressionBuilder, sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { Database } from './database.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql } from './visibility-sql.ts';

/**
 * Whether the reading adopted by the decision aliased `d` may be named to the viewer: a gloss
 * (on the same text, perhaps in another layer) when they may read its layer and the gloss; a
 * reply of the decided gloss's thread when they may read the reply (and so its gloss). False when
 * nothing was adopted.
 *
 * `everything` is for event payloads, built once for every reader of the decided gloss: the
 * adopted reading is named there only when each of them may read it — a published gloss of the
 * same layer (in a notebook, by the same author), or a published reply of the thread. (In a
 * read-first layer, whoever may read the decided gloss has written there, or moderates it, and so
 * reads every published gloss of the layer.)
 */
export function adoptedShownSql(viewer: Viewer | null, everything = false): RawBuilder<SqlBool> {
  if (everything) {
    return sql<SqlBool>`(CASE d.adopted_kind
      WHEN 'reply' THEN EXISTS (SELECT 1 FROM reply ar WHERE ar.id = d.adopted_id AND ar.status = 'active')
      WHEN 'gloss' THEN EXISTS (SELECT 1 FROM gloss ag JOIN gloss dg ON dg.id = d.gloss_id JOIN layer al ON al.id = ag.layer_id
        WHERE ag.id = d.adopted_id AND ag.layer_id = dg.layer_id AND ag.status = 'active'
          AND (NOT (al.visibility = 'private' AND al.group_id IS NOT NULL) OR ag.author_id = dg.author_id))
      ELSE 0 = 1 END)`;
  }
  // Inside each EXISTS the adopted post is `ap`, its gloss (itself, or the reply's) `ag`, in layer `l` of text `t`, as the twins expect.
  const layerOk = layerVisibleSql(viewer)(expressionBuilder<Database & { t: Database['text']; l: Database['layer'] }, 't' | 'l'>());
  const inPlace = sql`JOIN layer l ON l.id = ag.layer_id JOIN text t ON t.id = ag.text_id WHERE ap.id = d.adopted_id AND ${layerOk} AND ${glossVisibleSql(viewer, 'ag')}`;
  return sql<SqlBool>`(CASE d.adopted_kind
    WHEN 'gloss' THEN EXISTS (SELECT 1 FROM gloss ap JOIN gloss ag ON ag.id = ap.id ${inPlace})
    WHEN 'reply' THEN EXISTS (SELECT 1 FROM reply ap JOIN gloss ag ON ag.id = ap.gloss_id ${inPlace} AND ${postVisibleSql(viewer, 'ap')})
    ELSE 0 = 1 END)`;
}
