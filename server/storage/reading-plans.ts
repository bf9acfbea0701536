/** SQL for reading plans (one a group). Returns rows; no rules here. */
import type { DB, NewRow, ReadingPlanRow, TextRow } from './database.ts';

/** A group's plan with its text, in one query (the text decides who may read the plan). */
export async function findPlan(db: DB, groupId: number): Promise<{ plan: ReadingPlanRow; text: TextRow } | undefined> {
  const row = await db
    .selectFrom('reading_plan as p')
    .innerJoin('text as t', 't.id', 'p.text_id')
    .selectAll('t')
    .select(['p.schedule as plan_schedule', 'p.set_by as plan_set_by', 'p.updated_at as plan_updated_at'])
    .where('p.group_id', '=', groupId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { plan_schedule, plan_set_by, plan_updated_at, ...text } = row;
  return { plan: { group_id: groupId, text_id: text.id, schedule: plan_schedule, set_by: plan_set_by, updated_at: plan_updated_at }, text };
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
