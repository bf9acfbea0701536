/**
 * The gloss listing written by the database itself. Each gloss's JSON (with its thread) is
 * assembled in SQL from the stored JSON columns, every string quoted as JSON by the database, and
 * comes back as bytes: the server sends them without ever turning a megabyte of commentary into
 * JavaScript strings and back. This is what keeps reading a text with a thousand glosses close to
 * the cost of the query itself (README, "Benchmarks").
 *
 * This module is the one definition of a gloss's and a reply's JSON, for listings, single
 * reads and event payloads alike, on both dialects: the few words that differ between SQLite and
 * PostgreSQL come from `jsonSql` (sqlite/json-sql.ts, postgres/json-sql.ts; docs/postgres.md §3).
 * Numbers are concatenated as they are, or through `CAST(… AS TEXT)` where a `coalesce` with
 * `'null'` needs one type.
 */
import { sql } from 'kysely';
import type { Viewer } from '../viewer.ts';
import { glossVisibleSql, layerVisibleSql, postVisibleSql } from './visibility-sql.ts';
import type { DB } from './database.ts';
import { adoptedShownSql } from './decisions.ts';
import { jsonSql, type JsonSql } from './json-sql.ts';

/**
 * `,"unread":true|false` for a post (alias `post`) as the reader of `readState` sees it: written by
 * someone else after their moment for the text, and not deleted. Nothing without a reader.
 */
function unreadSql(post: string, readState: ReadState | undefined) {
  if (!readState) return sql`''`;
  const p = (column: string) => sql.ref(`${post}.${column}`);
  return sql`(CASE WHEN ${p('author_id')} <> ${readState.userId} AND ${p('status')} <> 'deleted' AND ${p('created_at')} > ${readState.since}
    THEN ',"unread":true' ELSE ',"unread":false' END)`;
}

/**
 * A gloss's stances (alias `g`) as JSON: the counts, the reader's own (`mine`, null for a visitor
 * and in event payloads, which go to many readers), and every stance given with a reason, with
 * its author, oldest first (docs/deliberation.md §2).
 */
function stancesSql(J: JsonSql, readerId: number | null) {
  const count = (kind: string) => sql`(SELECT count(*) FROM gloss_stance s WHERE s.gloss_id = g.id AND s.stance = ${kind})`;
  const mine = readerId === null ? sql`'null'` : sql`coalesce((SELECT ${J.quote(sql`s.stance`)} FROM gloss_stance s WHERE s.gloss_id = g.id AND s.user_id = ${readerId}), 'null')`;
  const reasons = sql`coalesce((SELECT ${J.join(sql`sr.j`, sql`sr.created_at, sr.user_id`)} FROM (SELECT '{"author":{"handle":' || ${J.quote(sql`su.handle`)} || ',"name":' || ${J.quote(sql`su.display_name`)}
      || '},"stance":' || ${J.quote(sql`s.stance`)} || ',"reason":' || ${J.quote(sql`s.reason`)} || '}' AS j, s.created_at, s.user_id
    FROM gloss_stance s JOIN "user" su ON su.id = s.user_id WHERE s.gloss_id = g.id AND s.reason IS NOT NULL ORDER BY s.created_at, s.user_id) AS sr), '')`;
  return sql`('{"agree":' || ${count('agree')} || ',"disagree":' || ${count('disagree')} || ',"abstain":' || ${count('abstain')}
    || ',"mine":' || ${mine} || ',"reasons":[' || ${reasons} || ']}')`;
}

/**
 * One decision (alias `d`, its decider `du`) as JSON (docs/deliberation.md §3). Its dissent is the
 * copy taken when it was decided; the reading it adopted is named only to a reader who may read
 * it (`adoptedShownSql`, with `everything` for event payloads); `earlier` counts the decisions on
 * the gloss before it.
 */
function decisionJsonSql(J: JsonSql, viewer: Viewer | null, everything: boolean) {
  return sql`'{"statement":' || ${J.quote(sql`d.statement`)}
    || ',"adopted":' || (CASE WHEN d.adopted_kind IS NOT NULL AND ${adoptedShownSql(viewer, everything)}
         THEN '{"kind":' || ${J.quote(sql`d.adopted_kind`)} || ',"id":' || d.adopted_id || '}' ELSE 'null' END)
    || ',"decidedBy":{"handle":' || ${J.quote(sql`du.handle`)} || ',"name":' || ${J.quote(sql`du.display_name`)} || '}'
    || ',"decidedAt":' || ${J.quote(sql`d.decided_at`)} || ',"reviewOn":' || coalesce(${J.quote(sql`d.review_on`)}, 'null')
    || ',"dissent":' || d.dissent
    || ',"earlier":' || (SELECT count(*) FROM decision e WHERE e.gloss_id = d.gloss_id AND e.id < d.id) || '}'`;
}

/** The decision in force on a gloss (alias `g`), the newest recorded, as JSON, or null. */
function decisionSql(J: JsonSql, viewer: Viewer | null, everything: boolean) {
  return sql`coalesce((SELECT ${decisionJsonSql(J, viewer, everything)}
    FROM decision d JOIN "user" du ON du.id = d.decided_by WHERE d.gloss_id = g.id ORDER BY d.id DESC LIMIT 1), 'null')`;
}

/** A signed-in reader's read state on the text listed: who, and since when what others wrote is new to them. */
export interface ReadState {
  userId: number;
  since: string;
}

/** The JSON of one reply, as SQL over `r` (reply) and `ru` (its author), with its unread flag for `readState`'s reader. */
const replyJsonSqlFor = (J: JsonSql, readState?: ReadState) => sql`'{"id":' || r.id || ',"gloss":' || r.gloss_id || ',"parent":' || coalesce(CAST(r.parent_id AS TEXT), 'null')
  || ',"status":' || ${J.quote(sql`r.status`)}
  || ',"author":' || (CASE WHEN r.status = 'deleted' THEN 'null'
       ELSE '{"handle":' || ${J.quote(sql`ru.handle`)} || ',"name":' || ${J.quote(sql`ru.display_name`)}
         || (CASE WHEN ru.profile_url IS NULL THEN '' ELSE ',"profile":' || ${J.quote(sql`ru.profile_url`)} END) || '}' END)
  || ',"body":' || (CASE WHEN r.status = 'deleted' THEN 'null'
       ELSE '{"doc":' || r.body_doc || ',"text":' || ${J.quote(sql`r.body_text`)} || '}' END)
  || ',"moderationNote":' || coalesce(${J.quote(sql`r.moderation_note`)}, 'null')
  || ',"created":' || ${J.quote(sql`r.created_at`)} || ',"updated":' || ${J.quote(sql`r.updated_at`)}
  || ',"edited":' || coalesce(${J.quote(sql`r.edited_at`)}, 'null')
  || ',"stance":' || coalesce(${J.quote(sql`r.stance`)}, 'null') || ${unreadSql('r', readState)} || '}'`;

/** Which glosses to list. */
export interface GlossListingFilter {
  layerSlugs?: string[];
  glossId?: number;
  /**
   * Only glosses that may belong to a passage: those on the text whose anchor at the listed
   * version meets [start, end) (or is a point inside it), and the glosses on them, to any depth.
   * The visibility and layer tests still apply to each gloss; a caller that needs a whole chain
   * to be listed checks the chain.
   */
  range?: { start: number; end: number };
  /** Skip the visibility test: only for building event payloads, whose delivery is filtered. */
  everything?: boolean;
  /** Mark each gloss and reply `unread` for this reader. */
  readState?: ReadState;
}

/**
 * The JSON array of the glosses of a text that the viewer may see, in id order, as one Buffer.
 * Each carries the anchor it has now: at `version` for glosses on the text, at the target's
 * current body revision for glosses on glosses (null when there is none), and its thread.
 */
export async function glossListingJson(
  db: DB,
  viewer: Viewer | null,
  textId: number,
  textSlug: string,
  version: number,
  filter: GlossListingFilter = {},
): Promise<Buffer> {
  const J = jsonSql(db);
  // Replies the viewer may see; for event payloads (everything), those every reader of the gloss may see.
  const replyVisible = filter.everything ? sql`r.status IN ('active', 'deleted')` : postVisibleSql(viewer, 'r');
  const replies = sql`(SELECT coalesce(${J.join(sql`rj.j`, sql`rj.id`)}, '') FROM (
      SELECT ${replyJsonSqlFor(J, filter.readState)} AS j, r.id FROM reply r JOIN "user" ru ON ru.id = r.author_id
      WHERE r.gloss_id = g.id AND ${replyVisible} ORDER BY r.id) AS rj)`;
  const q = J.quote;
  const glossJsonSql = sql<string>`'{"id":' || g.id || ',"text":' || ${q(sql.val(textSlug))} || ',"layer":' || ${q(sql`l.slug`)}
    || ',"target":{"version":' || g.target_version || ',"gloss":' || coalesce(CAST(g.target_gloss_id AS TEXT), 'null') || ',' || substr(g.selectors, 2)
    || ',"anchor":' || (CASE WHEN a.status IS NULL THEN 'null'
         ELSE '{"version":' || a.version || ',"start":' || coalesce(CAST(a.start AS TEXT), 'null') || ',"end":' || coalesce(CAST(a."end" AS TEXT), 'null')
           || ',"status":' || ${q(sql`a.status`)} || ',"score":' || a.score || ',"exact":' || coalesce(${q(sql`a.exact`)}, 'null') || '}' END)
    || ',"body":' || (CASE WHEN g.status = 'deleted' THEN 'null'
         ELSE '{"doc":' || g.body_doc || ',"text":' || ${q(sql`g.body_text`)} || '}' END)
    || ',"bodyRevision":' || g.body_revision || ',"motivation":' || ${q(sql`g.motivation`)} || ',"status":' || ${q(sql`g.status`)}
    || ',"author":' || (CASE WHEN g.status = 'deleted' THEN 'null'
         ELSE '{"handle":' || ${q(sql`u.handle`)} || ',"name":' || ${q(sql`u.display_name`)} || '}' END)
    || ',"moderationNote":' || coalesce(${q(sql`g.moderation_note`)}, 'null')
    || ',"attribution":' || coalesce(${q(sql`g.attribution`)}, 'null')
    || ',"created":' || ${q(sql`g.created_at`)} || ',"updated":' || ${q(sql`g.updated_at`)}
    || ',"edited":' || coalesce(${q(sql`g.edited_at`)}, 'null')
    || ',"stances":' || ${stancesSql(J, filter.everything || viewer === null ? null : viewer.id)}
    || ',"decision":' || ${decisionSql(J, viewer, !!filter.everything)}
    || ',"question":' || (CASE WHEN g.motivation <> 'questioning' THEN 'null'
         WHEN ar.id IS NOT NULL AND ar.status = 'active' THEN '{"status":"answered","accepted":' || ar.id || '}'
         ELSE '{"status":"open","accepted":null}' END)
    || ${unreadSql('g', filter.readState)}
    || ',"replies":[' || ${replies} || ']}'`;
  let query = db
    .selectFrom('gloss as g')
    .innerJoin('layer as l', 'l.id', 'g.layer_id')
    .innerJoin('text as t', 't.id', 'g.text_id')
    .innerJoin('user as u', 'u.id', 'g.author_id')
    .leftJoin('gloss as tg', 'tg.id', 'g.target_gloss_id')
    // A question's accepted answer counts while it stands (not hidden, pending or deleted).
    .leftJoin('reply as ar', 'ar.id', 'g.accepted_reply_id')
    .leftJoin('anchor as a', (j) =>
      j.onRef('a.gloss_id', '=', 'g.id').on((eb) => eb('a.version', '=', eb.fn.coalesce('tg.body_revision', sql.lit(version)))),
    )
    .select(glossJsonSql.as('json'))
    .where('g.text_id', '=', textId)
    // The same rows (a gloss's layer is its text's), said so that PostgreSQL reads the text's own
    // layers by index instead of hashing every layer of every text (docs/postgres.md §7).
    .where('l.text_id', '=', textId);
  if (!filter.everything) query = query.where(layerVisibleSql(viewer)).where(glossVisibleSql(viewer, 'g'));
  if (filter.layerSlugs) query = query.where('l.slug', 'in', filter.layerSlugs);
  if (filter.glossId !== undefined) query = query.where('g.id', '=', filter.glossId);
  if (filter.range) {
    const { start, end } = filter.range;
    query = query.where(
      sql<boolean>`g.id IN (WITH RECURSIVE kept(id) AS (
        SELECT r.id FROM gloss r JOIN anchor ra ON ra.gloss_id = r.id AND ra.version = ${version}
        WHERE r.text_id = ${textId} AND r.target_gloss_id IS NULL AND ra.start IS NOT NULL AND ra."end" IS NOT NULL
          AND ((ra.start < ${end} AND ra."end" > ${start}) OR (ra.start = ra."end" AND ra.start BETWEEN ${start} AND ${end}))
        UNION ALL
        SELECT c.id FROM gloss c JOIN kept k ON c.target_gloss_id = k.id
      ) SELECT id FROM kept)`,
    );
  }
  const listing = await db
    .selectFrom(query.select('g.id').orderBy('g.id').as('listing'))
    .select(J.bytes(sql`'[' || coalesce(${J.join(sql`listing.json`, sql`listing.id`)}, '') || ']'`).as('json'))
    .executeTakeFirstOrThrow();
  return listing.json;
}

/** The JSON of one gloss (with its thread), or null; visibility as in `glossListingJson`. */
export async function glossJson(db: DB, viewer: Viewer | null, textId: number, textSlug: string, version: number, glossId: number, everything = false): Promise<string | null> {
  const array = (await glossListingJson(db, viewer, textId, textSlug, version, { glossId, everything })).toString('utf8');
  return array === '[]' ? null : array.slice(1, -1);
}

/**
 * The JSON array of every decision on a gloss, newest first, as the viewer may see each (the
 * reading it adopted named only when they may read it). The gloss's own visibility is the
 * caller's to check.
 */
export async function decisionsJson(db: DB, viewer: Viewer | null, glossId: number): Promise<string> {
  const J = jsonSql(db);
  const row = await sql<{ j: string }>`SELECT '[' || coalesce(${J.join(sql`dj.j`, sql`dj.id DESC`)}, '') || ']' AS j FROM (
      SELECT ${decisionJsonSql(J, viewer, false)} AS j, d.id FROM decision d JOIN "user" du ON du.id = d.decided_by
      WHERE d.gloss_id = ${glossId} ORDER BY d.id DESC) AS dj`.execute(db);
  return row.rows[0].j;
}

/** The JSON of one reply, or null. Visibility is the caller's to check. */
export async function replyJson(db: DB, id: number): Promise<string | null> {
  const row = await sql<{ j: string }>`SELECT ${replyJsonSqlFor(jsonSql(db))} AS j FROM reply r JOIN "user" ru ON ru.id = r.author_id WHERE r.id = ${id}`.execute(db);
  return row.rows[0]?.j ?? null;
}
