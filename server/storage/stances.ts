/** SQL for stances on readings (docs/deliberation.md §2). Returns rows; no rules here. */
import type { DB, NewRow, StanceKind } from './database.ts';

/** Sets the person's stance on a gloss (one per person and gloss), keeping when it was first taken. */
export async function upsertStance(db: DB, row: { gloss_id: number; user_id: number; stance: StanceKind; reason: string | null }, now: string): Promise<void> {
  await db
    .insertInto('gloss_stance')
    .values({ ...row, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['gloss_id', 'user_id']).doUpdateSet({ stance: row.stance, reason: row.reason, updated_at: now }))
    .execute();
}

/** Takes the person's stance back; whether there was one. */
export async function deleteStance(db: DB, glossId: number, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('gloss_stance').where('gloss_id', '=', glossId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The disagreeing stances on a gloss that give a reason, with their authors, oldest first: a decision's dissent. */
export async function dissentOn(db: DB, glossId: number): Promise<{ author: { handle: string; name: string }; reason: string }[]> {
  const rows = await db
    .selectFrom('gloss_stance as s')
    .innerJoin('user as u', 'u.id', 's.user_id')
    .select(['u.handle', 'u.display_name', 's.reason'])
    .where('s.gloss_id', '=', glossId)
    .where('s.stance', '=', 'disagree')
    .where('s.reason', 'is not', null)
    .orderBy('s.created_at')
    .orderBy('s.user_id')
    .execute();
  return rows.map((r) => ({ author: { handle: r.handle, name: r.display_name }, reason: r.reason! }));
}

/** Records a decision on a gloss. */
export async function insertDecision(db: DB, row: NewRow<'decision'>): Promise<void> {
  await db.insertInto('decision').values(row).execute();
}
