/**
 * SQL for e-mail digests (services/digests.ts holds the rules; docs/notifications.md,
 * "Digests"): whose digest is due, what is new for a person, and the one-click unsubscribe links.
 * What is new is read through the visibility twins (storage/visibility-sql.ts) with the person's
 * viewer as it is when the digest is made, so a post hidden, a layer closed or a membership ended
 * since it was written is neither listed nor counted.
 */
import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely';
import type { Viewer } from '../viewer.ts';
import type { Database, DB, DigestFrequency } from './database.ts';
import { readablePublishedPosts } from './published-posts.ts';

/** An account a digest may go to. */
export interface DigestAccount {
  id: number;
  handle: string;
  display_name: string;
  email: string;
  digest: Exclude<DigestFrequency, 'off'>;
  digest_checked_at: string | null;
}

/**
 * The live accounts with digests on and a confirmed address, in id order: all of them with
 * `all`, else those whose digest was never looked at or last looked at no later than the cut-off
 * of their frequency (`dueBefore.daily`, `dueBefore.weekly`).
 */
export async function digestAccounts(db: DB, options: { all: boolean; dueBefore: { daily: string; weekly: string } }): Promise<DigestAccount[]> {
  let query = db
    .selectFrom('user')
    .select(['id', 'handle', 'display_name', 'email', 'digest', 'digest_checked_at'])
    .where('digest', 'in', ['daily', 'weekly'])
    .where('email', 'is not', null)
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null);
  if (!options.all) {
    const { daily, weekly } = options.dueBefore;
    query = query.where((eb) =>
      eb.or([
        eb('digest_checked_at', 'is', null),
        eb.and([eb('digest', '=', 'daily'), eb('digest_checked_at', '<=', daily)]),
        eb.and([eb('digest', '=', 'weekly'), eb('digest_checked_at', '<=', weekly)]),
      ]),
    );
  }
  return (await query.orderBy('id').execute()) as DigestAccount[];
}

/**
 * Takes a person's digest for `now`: records it as looked at, only if it was last looked at
 * `previous` and digests are still on for a confirmed address. False when another sender (a
 * `daf digest` beside `daf serve`) took it first, or the person turned digests off meanwhile.
 */
export async function claimDigest(db: DB, userId: number, previous: string | null, now: string): Promise<boolean> {
  const result = await db
    .updateTable('user')
    .set({ digest_checked_at: now })
    .where('id', '=', userId)
    .where('digest_checked_at', previous === null ? 'is' : '=', previous)
    .where('digest', '!=', 'off')
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives back a digest taken for `claimed` whose mail failed: it is due again, from `previous`. */
export async function releaseDigest(db: DB, userId: number, claimed: string, previous: string | null): Promise<void> {
  await db.updateTable('user').set({ digest_checked_at: previous }).where('id', '=', userId).where('digest_checked_at', '=', claimed).execute();
}

/** Sets how often a person is mailed a digest. */
export async function setDigest(db: DB, userId: number, digest: DigestFrequency): Promise<void> {
  await db.updateTable('user').set({ digest }).where('id', '=', userId).execute();
}

/** One new post of a digest. */
export interface DigestPostRow {
  kind: 'gloss' | 'reply';
  id: number;
  gloss_id: number;
  text_id: number;
  layer_name: string;
  author_handle: string;
  author_name: string;
  body_text: string;
  created_at: string;
}

/** A text with new posts: how many of each kind, and when the newest was written. */
export interface DigestTextRow {
  text_id: number;
  slug: string;
  title: string;
  glosses: number;
  replies: number;
  newest: string;
}

type PostEB = ExpressionBuilder<Database & { t: Database['text']; l: Database['layer'] }, 't' | 'l'>;

/**
 * What the person follows: the texts and layers of the groups they are an active member of, and
 * the texts they wrote a gloss or a reply on (any layer of them, as far as they may read it).
 */
function followed(db: DB, userId: number) {
  return (eb: PostEB): Expression<SqlBool> => {
    const groups = db.selectFrom('membership').select('group_id').where('user_id', '=', userId).where('state', '=', 'active');
    const wroteGlosses = db.selectFrom('gloss as wg').select('wg.text_id').where('wg.author_id', '=', userId);
    const wroteReplies = db.selectFrom('reply as wr').innerJoin('gloss as wrg', 'wrg.id', 'wr.gloss_id').select('wrg.text_id').where('wr.author_id', '=', userId);
    return eb.or([eb('t.group_id', 'in', groups), eb('l.group_id', 'in', groups), eb('t.id', 'in', wroteGlosses), eb('t.id', 'in', wroteReplies)]);
  };
}

/**
 * The published glosses and replies written by others in (since, until] in what the person
 * follows, that they may read now (published-posts.ts): one query, each row as `DigestPostRow`
 * with the text's slug and title.
 */
function newPosts(db: DB, viewer: Viewer, since: string, until: string) {
  const readable = readablePublishedPosts(db, viewer);
  const columns = ['t.id as text_id', 't.slug as slug', 't.title as title', 'l.name as layer_name', 'u.handle as author_handle', 'u.display_name as author_name'] as const;
  const glosses = readable.glosses
    .select([sql<'gloss' | 'reply'>`'gloss'`.as('kind'), 'g.id as id', 'g.id as gloss_id', ...columns, 'g.body_text as body_text', 'g.created_at as created_at'])
    .where('g.created_at', '>', since)
    .where('g.created_at', '<=', until)
    .where('g.author_id', '!=', viewer.id)
    .where(followed(db, viewer.id));
  const replies = readable.replies
    .select([sql<'gloss' | 'reply'>`'reply'`.as('kind'), 'r.id as id', 'g.id as gloss_id', ...columns, 'r.body_text as body_text', 'r.created_at as created_at'])
    .where('r.created_at', '>', since)
    .where('r.created_at', '<=', until)
    .where('r.author_id', '!=', viewer.id)
    .where(followed(db, viewer.id));
  return glosses.unionAll(replies);
}

/**
 * What is new for the person in (since, until]: each text with new posts (its counts, newest
 * first), and of each text the `perText` newest posts.
 */
export async function newForDigest(db: DB, viewer: Viewer, since: string, until: string, perText: number): Promise<{ texts: DigestTextRow[]; posts: DigestPostRow[] }> {
  const texts = await db
    .selectFrom(newPosts(db, viewer, since, until).as('p'))
    .select([
      'p.text_id',
      'p.slug',
      'p.title',
      sql<number>`sum(CASE WHEN p.kind = 'gloss' THEN 1 ELSE 0 END)`.as('glosses'),
      sql<number>`sum(CASE WHEN p.kind = 'reply' THEN 1 ELSE 0 END)`.as('replies'),
      sql<string>`max(p.created_at)`.as('newest'),
    ])
    .groupBy(['p.text_id', 'p.slug', 'p.title'])
    .orderBy('newest', 'desc')
    .orderBy('p.text_id')
    .execute();
  if (texts.length === 0) return { texts: [], posts: [] };
  const ranked = db
    .selectFrom(newPosts(db, viewer, since, until).as('p'))
    .selectAll('p')
    .select(sql<number>`row_number() OVER (PARTITION BY p.text_id ORDER BY p.created_at DESC, p.kind, p.id DESC)`.as('rank'));
  const posts = await db.selectFrom(ranked.as('q')).selectAll('q').where('q.rank', '<=', perText).orderBy('q.text_id').orderBy('q.rank').execute();
  return {
    texts: texts.map((t) => ({ ...t, glosses: Number(t.glosses), replies: Number(t.replies) })),
    posts: posts.map(({ kind, id, gloss_id, text_id, layer_name, author_handle, author_name, body_text, created_at }) => ({
      kind,
      id,
      gloss_id,
      text_id,
      layer_name,
      author_handle,
      author_name,
      body_text,
      created_at,
    })),
  };
}

/** Stores a new unsubscribe link of a person (by its hash), and forgets theirs made before `forgetBefore`. */
export async function insertUnsubscribeLink(db: DB, userId: number, tokenHash: string, now: string, forgetBefore: string): Promise<number> {
  await db.deleteFrom('unsubscribe_link').where('user_id', '=', userId).where('created_at', '<', forgetBefore).execute();
  const row = await db.insertInto('unsubscribe_link').values({ user_id: userId, token_hash: tokenHash, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Forgets one unsubscribe link (its mail was not sent). */
export async function deleteUnsubscribeLink(db: DB, id: number): Promise<void> {
  await db.deleteFrom('unsubscribe_link').where('id', '=', id).execute();
}

/** Forgets every unsubscribe link of a person. */
export async function deleteUnsubscribeLinksOf(db: DB, userId: number): Promise<void> {
  await db.deleteFrom('unsubscribe_link').where('user_id', '=', userId).execute();
}

/** The live account an unsubscribe link (by its hash) belongs to, if it was made at `madeAfter` or later. */
export async function findUnsubscribeLink(db: DB, tokenHash: string, madeAfter: string) {
  return db
    .selectFrom('unsubscribe_link as k')
    .innerJoin('user as u', 'u.id', 'k.user_id')
    .select(['u.id as user_id', 'u.handle', 'u.digest'])
    .where('k.token_hash', '=', tokenHash)
    .where('k.created_at', '>=', madeAfter)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
}
