/** SQL for texts and their versions. Returns rows; no rules here. */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Viewer } from '../viewer.ts';
import { textVisibleSql } from './visibility-sql.ts';
import { newPostCountSql } from './read-state.ts';
import type { DB, NewRow, TextRow, TextVersionRow } from './database.ts';

export async function findTextBySlug(db: DB, slug: string): Promise<TextRow | undefined> {
  return db.selectFrom('text').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findTextById(db: DB, id: number): Promise<TextRow | undefined> {
  return db.selectFrom('text').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function slugExists(db: DB, slug: string): Promise<boolean> {
  return (await db.selectFrom('text').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function insertText(db: DB, row: NewRow<'text'>): Promise<TextRow> {
  return db.insertInto('text').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertVersion(db: DB, row: Omit<NewRow<'text_version'>, 'sha256'>): Promise<void> {
  await db.insertInto('text_version').values({ ...row, sha256: projectionSha256(row.projection) }).execute();
}

/** The SHA-256 (hex) of a projection in UTF-8: how two servers recognise the same text (docs/federation.md §7). */
export function projectionSha256(projection: string): string {
  return createHash('sha256').update(projection, 'utf8').digest('hex');
}

/** What an account stores: texts it owns and bytes of the versions it wrote. */
export async function accountUsage(db: DB, userId: number): Promise<{ texts: number; bytes: number }> {
  const texts = await db.selectFrom('text').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_id', '=', userId).executeTakeFirstOrThrow();
  const bytes = await db
    .selectFrom('text_version')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('bytes'), eb.lit(0)).as('n'))
    .where('created_by', '=', userId)
    .executeTakeFirstOrThrow();
  return { texts: Number(texts.n), bytes: Number(bytes.n) };
}

export async function setCurrentVersion(db: DB, textId: number, number: number): Promise<void> {
  await db.updateTable('text').set({ current_version: number }).where('id', '=', textId).execute();
}

export async function findVersion(db: DB, textId: number, number: number): Promise<TextVersionRow | undefined> {
  return db
    .selectFrom('text_version')
    .selectAll()
    .where('text_id', '=', textId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** The refs of a text's segments in its current version, in document order (no document, no projection). */
export async function currentSegmentRefs(db: DB, textId: number): Promise<string[]> {
  const row = await db
    .selectFrom('text_version as v')
    .innerJoin('text as t', (j) => j.onRef('t.id', '=', 'v.text_id').onRef('t.current_version', '=', 'v.number'))
    .select('v.segments')
    .where('t.id', '=', textId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.segments) as { ref: string }[]).map((s) => s.ref) : [];
}

export async function listVersions(db: DB, textId: number) {
  return db
    .selectFrom('text_version as v')
    .innerJoin('user as u', 'u.id', 'v.created_by')
    .select(['v.number', 'v.created_at', 'u.handle'])
    .where('v.text_id', '=', textId)
    .orderBy('v.number')
    .execute();
}

/** Texts the viewer may see, newest first, with their owner's handle and, for a signed-in viewer, how many posts are new to them. */
export async function listVisibleTexts(db: DB, viewer: Viewer | null, limit: number, offset: number) {
  return db
    .selectFrom('text as t')
    .innerJoin('user as u', 'u.id', 't.owner_id')
    .leftJoin('reading_group as rg', 'rg.id', 't.group_id')
    .selectAll('t')
    .select(['u.handle as owner_handle', 'rg.slug as group_slug', 'rg.visibility as group_visibility'])
    .select(viewer === null ? sql<number | null>`NULL`.as('new_posts') : newPostCountSql(viewer).as('new_posts'))
    .where(textVisibleSql(viewer))
    .orderBy('t.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** A group's own texts that the viewer may see, oldest first, at most `limit`, with the count of posts new to a signed-in viewer. */
export async function listVisibleGroupTexts(db: DB, viewer: Viewer | null, groupId: number, limit: number) {
  return db
    .selectFrom('text as t')
    .select(['t.slug', 't.title', 't.language', 't.direction'])
    .select(viewer === null ? sql<number | null>`NULL`.as('new_posts') : newPostCountSql(viewer).as('new_posts'))
    .where('t.group_id', '=', groupId)
    .where(textVisibleSql(viewer))
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

/** The texts paired with `textId` that the viewer may see, in the order they were paired. */
export async function listVisibleParallels(db: DB, viewer: Viewer | null, textId: number) {
  return db
    .selectFrom('text_parallel as p')
    .innerJoin('text as t', 't.id', 'p.parallel_id')
    .innerJoin('user as u', 'u.id', 't.owner_id')
    .leftJoin('reading_group as rg', 'rg.id', 't.group_id')
    .selectAll('t')
    .select(['u.handle as owner_handle', 'rg.slug as group_slug', 'rg.visibility as group_visibility'])
    .where('p.text_id', '=', textId)
    .where(textVisibleSql(viewer))
    .orderBy('p.created_at')
    .orderBy('t.id')
    .execute();
}

/** Pairs two texts; false when they were paired already. */
export async function insertParallel(db: DB, row: NewRow<'text_parallel'>): Promise<boolean> {
  const result = await db.insertInto('text_parallel').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Unpairs two texts; false when they were not paired. */
export async function deleteParallel(db: DB, textId: number, parallelId: number): Promise<boolean> {
  const result = await db.deleteFrom('text_parallel').where('text_id', '=', textId).where('parallel_id', '=', parallelId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records the Sefaria ref a text was imported from. */
export async function setSefariaRef(db: DB, textId: number, ref: string): Promise<void> {
  await db.updateTable('text').set({ sefaria_ref: ref }).where('id', '=', textId).execute();
}

/**
 * Public texts, and texts of `groupId`, that are the text another server describes: imported from
 * the same Sefaria ref in the same language, or with a version whose projection has this SHA-256.
 * Oldest first.
 */
export async function textsMatching(db: DB, source: { sefariaRef: string | null; language: string; sha256: string | null }, groupId: number): Promise<TextRow[]> {
  return db
    .selectFrom('text')
    .selectAll()
    .where((eb) => eb.or([eb('visibility', '=', 'public'), eb('group_id', '=', groupId)]))
    .where((eb) => {
      const same = [];
      if (source.sefariaRef !== null) same.push(eb.and([eb('sefaria_ref', '=', source.sefariaRef), eb('language', '=', source.language)]));
      if (source.sha256 !== null) {
        same.push(eb.exists(eb.selectFrom('text_version').select('text_version.id').whereRef('text_version.text_id', '=', 'text.id').where('text_version.sha256', '=', source.sha256)));
      }
      // Neither known: nothing matches (an empty OR is false).
      return eb.or(same);
    })
    .orderBy('id')
    .execute();
}
