/**
 * The JSON form of glosses and replies. Documents are stored as JSON text, so these presenters
 * write the response by splicing the stored JSON in, rather than parsing and re-serializing
 * every body: the listing of a text with a thousand glosses stays close to the cost of reading
 * the rows.
 */
import type { GlossListRow, ReplyListRow } from '../storage/glosses.ts';

const str = JSON.stringify;

/** The JSON of one reply in a thread. A deleted reply keeps its place but not its words. */
export function replyJson(r: ReplyListRow): string {
  const deleted = r.status === 'deleted';
  return (
    `{"id":${r.id},"gloss":${r.gloss_id},"parent":${r.parent_id ?? 'null'},"status":${str(r.status)},` +
    `"author":${deleted ? 'null' : `{"handle":${str(r.author_handle)},"name":${str(r.author_name)}}`},` +
    `"body":${deleted ? 'null' : `{"doc":${r.body_doc},"text":${str(r.body_text)}}`},` +
    `"created":${str(r.created_at)},"updated":${str(r.updated_at)}}`
  );
}

/**
 * The JSON of one gloss with its thread. `target` holds the selectors it was written with;
 * `anchor` says where it sits now (null when it has no anchor for the version shown).
 */
export function glossJson(g: GlossListRow, textSlug: string, replies: string[]): string {
  const deleted = g.status === 'deleted';
  // Stored selectors are a JSON object {exact, prefix, suffix, start, end, segment}: splice it.
  const target = `{"version":${g.target_version},"gloss":${g.target_gloss_id ?? 'null'},${g.selectors.slice(1)}`;
  const anchor =
    g.anchor_status === null
      ? 'null'
      : `{"version":${g.anchor_version},"start":${g.anchor_start ?? 'null'},"end":${g.anchor_end ?? 'null'},` +
        `"status":${str(g.anchor_status)},"score":${g.anchor_score},"exact":${g.anchor_exact === null ? 'null' : str(g.anchor_exact)}}`;
  return (
    `{"id":${g.id},"text":${str(textSlug)},"layer":${str(g.layer_slug)},"target":${target},"anchor":${anchor},` +
    `"body":${deleted ? 'null' : `{"doc":${g.body_doc},"text":${str(g.body_text)}}`},"bodyRevision":${g.body_revision},` +
    `"motivation":${str(g.motivation)},"status":${str(g.status)},` +
    `"author":${deleted ? 'null' : `{"handle":${str(g.author_handle)},"name":${str(g.author_name)}}`},` +
    `"created":${str(g.created_at)},"updated":${str(g.updated_at)},"replies":[${replies.join(',')}]}`
  );
}

/** Groups reply JSON by gloss id. */
export function repliesByGloss(replies: ReplyListRow[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const r of replies) {
    let list = map.get(r.gloss_id);
    if (!list) map.set(r.gloss_id, (list = []));
    list.push(replyJson(r));
  }
  return map;
}
