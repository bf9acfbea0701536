/**
 * The baseline of the listing benchmarks (api-list.ts on SQLite, pg.ts on PostgreSQL): the
 * document `GET /api/texts/:slug/glosses` answers an anonymous reader of a public text, made by
 * the simplest code there is. Five bare queries (`bareSql`: the text, its glosses in public layers
 * with their anchors at the current version, the replies a visitor may see, the glosses' stances
 * and decisions), the same on both dialects but for how parameters are written; then plain
 * objects assembled in JavaScript from the rows, each stored JSON column parsed, and
 * `JSON.stringify` (`bareDocument`). Each benchmark runs the queries with its dialect's bare
 * driver (better-sqlite3 prepared statements; `pg` prepared statements) and compares the
 * document with the API's, field by field (`firstDifference`), before timing anything.
 */

/** What the baseline reads of the text. */
export interface BareText {
  id: number;
  slug: string;
  current_version: number;
}

/** What the baseline reads of a gloss: its row, its layer's slug, its author and its anchor now. */
export interface BareGloss {
  id: number;
  layer: string;
  target_version: number;
  target_gloss_id: number | null;
  selectors: string;
  body_doc: string;
  body_text: string;
  body_revision: number;
  motivation: string;
  status: string;
  moderation_note: string | null;
  attribution: string | null;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  handle: string;
  display_name: string;
  accepted_reply_id: number | null;
  accepted_status: string | null;
  anchor_version: number | null;
  anchor_start: number | null;
  anchor_end: number | null;
  anchor_status: string | null;
  anchor_score: number | null;
  anchor_exact: string | null;
}

/** What the baseline reads of a reply: its row and its author. */
export interface BareReply {
  id: number;
  gloss_id: number;
  parent_id: number | null;
  status: string;
  body_doc: string;
  body_text: string;
  moderation_note: string | null;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  stance: string | null;
  handle: string;
  display_name: string;
}

/** A stance on a gloss, and a decision on one, as the baseline reads them. */
export interface BareStance {
  gloss_id: number;
  stance: 'agree' | 'disagree' | 'abstain';
  reason: string | null;
  handle: string;
  display_name: string;
}
export interface BareDecision {
  gloss_id: number;
  statement: string;
  adopted_kind: string | null;
  adopted_id: number | null;
  decided_at: string;
  review_on: string | null;
  dissent: string;
  handle: string;
  display_name: string;
}

/** A tombstone (a deleted post) keeps no author and no body; anything else shows both. */
const shownAuthor = (p: { status: string; handle: string; display_name: string }) =>
  p.status === 'deleted' ? null : { handle: p.handle, name: p.display_name };
const shownBody = (p: { status: string; body_doc: string; body_text: string }) =>
  p.status === 'deleted' ? null : { doc: JSON.parse(p.body_doc) as unknown, text: p.body_text };

/**
 * The baseline's queries, with `?` for each parameter: `text` takes the slug; `glosses` the
 * text's current version and its id; the others the text's id. Stances and decisions are read for
 * all the text's glosses (the glosses they hang on are filtered by the gloss query). The gloss
 * query says that the layers are the text's (a gloss's layer always is): SQLite's plan is the same
 * with it or without, and PostgreSQL's, with many texts, reads the text's few layers by index
 * instead of hashing all of them, as the server's listing does.
 */
export const bareSql = {
  text: `SELECT id, slug, current_version FROM text WHERE slug = ? AND visibility = 'public'`,
  glosses: `
    SELECT g.id, l.slug AS layer, g.target_version, g.target_gloss_id, g.selectors, g.body_doc, g.body_text, g.body_revision,
           g.motivation, g.status, g.moderation_note, g.attribution, g.created_at, g.updated_at, g.edited_at,
           u.handle, u.display_name, g.accepted_reply_id, ar.status AS accepted_status,
           a.version AS anchor_version, a.start AS anchor_start, a."end" AS anchor_end, a.status AS anchor_status,
           a.score AS anchor_score, a.exact AS anchor_exact
    FROM gloss g
    JOIN layer l ON l.id = g.layer_id
    JOIN "user" u ON u.id = g.author_id
    LEFT JOIN gloss tg ON tg.id = g.target_gloss_id
    LEFT JOIN reply ar ON ar.id = g.accepted_reply_id
    LEFT JOIN anchor a ON a.gloss_id = g.id AND a.version = coalesce(tg.body_revision, ?)
    WHERE g.text_id = ? AND l.text_id = g.text_id AND l.visibility = 'public' AND g.status IN ('active', 'deleted')
    ORDER BY g.id`,
  replies: `
    SELECT r.id, r.gloss_id, r.parent_id, r.status, r.body_doc, r.body_text, r.moderation_note,
           r.created_at, r.updated_at, r.edited_at, r.stance, u.handle, u.display_name
    FROM reply r
    JOIN gloss g ON g.id = r.gloss_id
    JOIN "user" u ON u.id = r.author_id
    WHERE g.text_id = ? AND r.status IN ('active', 'deleted')
    ORDER BY r.id`,
  stances: `
    SELECT s.gloss_id, s.stance, s.reason, u.handle, u.display_name
    FROM gloss_stance s JOIN gloss g ON g.id = s.gloss_id JOIN "user" u ON u.id = s.user_id
    WHERE g.text_id = ? ORDER BY s.created_at, s.user_id`,
  decisions: `
    SELECT d.gloss_id, d.statement, d.adopted_kind, d.adopted_id, d.decided_at, d.review_on, d.dissent, u.handle, u.display_name
    FROM decision d JOIN gloss g ON g.id = d.gloss_id JOIN "user" u ON u.id = d.decided_by
    WHERE g.text_id = ? ORDER BY d.id`,
} as const;

/** A query of `bareSql` with PostgreSQL's numbered parameters (`$1`, `$2`, …) for its `?`s. */
export function numberedParameters(query: string): string {
  let n = 0;
  return query.replace(/\?/g, () => `$${++n}`);
}

/** Every row the baseline reads for one text. */
export interface BareRows {
  text: BareText;
  glosses: BareGloss[];
  replies: BareReply[];
  stances: BareStance[];
  decisions: BareDecision[];
}

/** The listing document from the baseline's rows: plain objects assembled in JavaScript, the stored JSON parsed, `JSON.stringify`. */
export function bareDocument({ text, glosses, replies, stances, decisions }: BareRows): string {
  const threads = new Map<number, object[]>();
  for (const r of replies) {
    let thread = threads.get(r.gloss_id);
    if (!thread) threads.set(r.gloss_id, (thread = []));
    thread.push({
      id: r.id,
      gloss: r.gloss_id,
      parent: r.parent_id,
      status: r.status,
      author: shownAuthor(r),
      body: shownBody(r),
      moderationNote: r.moderation_note,
      created: r.created_at,
      updated: r.updated_at,
      edited: r.edited_at,
      stance: r.stance,
    });
  }
  const tallies = new Map<number, { agree: number; disagree: number; abstain: number; mine: null; reasons: object[] }>();
  for (const st of stances) {
    let tally = tallies.get(st.gloss_id);
    if (!tally) tallies.set(st.gloss_id, (tally = { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] }));
    tally[st.stance]++;
    if (st.reason !== null) tally.reasons.push({ author: { handle: st.handle, name: st.display_name }, stance: st.stance, reason: st.reason });
  }
  // The newest decision of each gloss, with how many came before it (they come oldest first).
  const newest = new Map<number, { earlier: number } & Record<string, unknown>>();
  for (const d of decisions) {
    const before = newest.get(d.gloss_id);
    newest.set(d.gloss_id, {
      statement: d.statement,
      adopted: d.adopted_kind === null ? null : { kind: d.adopted_kind, id: d.adopted_id },
      decidedBy: { handle: d.handle, name: d.display_name },
      decidedAt: d.decided_at,
      reviewOn: d.review_on,
      dissent: JSON.parse(d.dissent) as unknown,
      earlier: before === undefined ? 0 : before.earlier + 1,
    });
  }
  const listed = glosses.map((g) => ({
    id: g.id,
    text: text.slug,
    layer: g.layer,
    target: { version: g.target_version, gloss: g.target_gloss_id, ...(JSON.parse(g.selectors) as object) },
    anchor:
      g.anchor_status === null
        ? null
        : { version: g.anchor_version, start: g.anchor_start, end: g.anchor_end, status: g.anchor_status, score: g.anchor_score, exact: g.anchor_exact },
    body: shownBody(g),
    bodyRevision: g.body_revision,
    motivation: g.motivation,
    status: g.status,
    author: shownAuthor(g),
    moderationNote: g.moderation_note,
    attribution: g.attribution,
    created: g.created_at,
    updated: g.updated_at,
    edited: g.edited_at,
    stances: tallies.get(g.id) ?? { agree: 0, disagree: 0, abstain: 0, mine: null, reasons: [] },
    decision: newest.get(g.id) ?? null,
    question:
      g.motivation !== 'questioning'
        ? null
        : g.accepted_reply_id !== null && g.accepted_status === 'active'
          ? { status: 'answered', accepted: g.accepted_reply_id }
          : { status: 'open', accepted: null },
    replies: threads.get(g.id) ?? [],
  }));
  return JSON.stringify({ text: text.slug, version: text.current_version, glosses: listed });
}

/** Where two parsed JSON documents first differ (a path such as `$.glosses[3].anchor.end`, and both values there), or null. */
export function firstDifference(api: unknown, bare: unknown, at = '$'): { at: string; api: unknown; bare: unknown } | null {
  if (Object.is(api, bare)) return null;
  const here = { at, api, bare };
  if (typeof api !== 'object' || typeof bare !== 'object' || api === null || bare === null) return here;
  if (Array.isArray(api) !== Array.isArray(bare)) return here;
  const a = api as Record<string, unknown>;
  const b = bare as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length || keys.some((k) => !Object.hasOwn(b, k))) {
    return { at: `${at} (keys)`, api: keys, bare: Object.keys(b) };
  }
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], Array.isArray(api) ? `${at}[${k}]` : `${at}.${k}`);
    if (d) return d;
  }
  return null;
}
