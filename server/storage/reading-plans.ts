/** SQL for reading plans (one a group). Returns rows; no rules here. */
import type { DB, NewRow, ReadingPlanRow } from './database.ts';

export async function findPlan(db: DB, groupId: number): Promise<ReadingPlanRow | undefined> {
  return db.selectFrom('reading_plan').selectAll().where('group_id', '=', groupId).executeTakeFirst();
}

/** Sets a group's plan, replacing the one it had. */
export async function savePlan(db: DB, row: NewRow<'reading_plan'>): Promise<void> {
  await db
    .insertInto('reading_plan')
    .values(row)
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ text_id: row.text_id, schedule: row.schedule, set_by: row.set_by, updated_at: row.updated_at }))
    .execute();
}

/** Removes a group's plan; answers whether it had one. */
export async function deletePlan(db: DB, groupId: number): Promise<boolean> {
  const result = await db.deleteFrom('reading_plan').where('group_id', '=', groupId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
