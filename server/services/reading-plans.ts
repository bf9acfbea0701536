/**
 * Reading plans: a group's schedule for reading one text, set by its owners and moderators and
 * read by whoever may see the group and read the text. The schedule is stored as set and
 * expanded into passages on each read (schema/reading-plan.ts), over the text's current
 * segments, and "now" is read by the context's clock.
 */
import type { ReadingSchedule, SetReadingPlanInput } from '../../schema/api.ts';
import { checkSchedule, dayOf, expandSchedule, placeInPlan, PlanProblem } from '../../schema/reading-plan.ts';
import { AppError, notFound } from '../errors.ts';
import type { ReadingGroupRow, ReadingPlanRow, TextRow } from '../storage/database.ts';
import * as plans from '../storage/reading-plans.ts';
import { currentSegmentRefs } from '../storage/texts.ts';
import type { AppContext } from './context.ts';
import { moderatedGroup, recordAudit, visibleGroup } from './groups.ts';
import { canReadText, textSharedWithGroup, type Viewer } from './policy.ts';
import { readableText } from './texts.ts';
import { write } from './write.ts';

/** The 404 of a group without a plan, and of a plan on a text the viewer may not read: the same words. */
const noPlan = (slug: string) => notFound(`A reading plan of group "${slug}"`);

/** The plan as the API answers it, expanded over `refs` and placed around `today`. */
function planJson(group: ReadingGroupRow, text: TextRow, plan: Pick<ReadingPlanRow, 'schedule' | 'updated_at'>, refs: readonly string[], today: string) {
  const schedule = JSON.parse(plan.schedule) as ReadingSchedule;
  const passages = expandSchedule(schedule, refs);
  return {
    group: group.slug,
    text: { slug: text.slug, title: text.title, language: text.language, direction: text.direction },
    schedule:
      schedule.kind === 'dates'
        ? { kind: 'dates' as const }
        : { kind: 'pace' as const, segments: schedule.segments, every: schedule.every, start: schedule.start, from: schedule.from ?? null },
    passages,
    today,
    ...placeInPlan(passages, today),
    updated: plan.updated_at,
  };
}

/**
 * A group's plan, for whoever may see the group (404 otherwise) and read its text: one who may
 * not read the text is told, in the same words, that the group has no plan.
 */
export async function readPlan(ctx: AppContext, viewer: Viewer | null, slug: string) {
  const group = await visibleGroup(ctx.db, viewer, slug);
  const found = await plans.findPlan(ctx.db, group.id);
  if (!found || !canReadText(viewer, found.text)) throw noPlan(slug);
  return planJson(group, found.text, found.plan, await currentSegmentRefs(ctx.db, found.text.id), dayOf(ctx.clock()));
}

/**
 * Sets (or replaces) a group's plan, for its owners and moderators (403; 404 for a group they
 * may not see). The text must be one every member reads (public, or the group's own: 409
 * `text_not_shared`, as for a group's layer), and the schedule must fit its current segments
 * (422: `unknown_ref`, `reversed_passage`, `no_segments`, `plan_too_long`).
 */
export async function setPlan(ctx: AppContext, viewer: Viewer, slug: string, input: SetReadingPlanInput) {
  return write(ctx, async ({ trx, now }) => {
    const group = await moderatedGroup(trx, viewer, slug);
    const text = await readableText(trx, viewer, input.text);
    if (!textSharedWithGroup(text, group.id)) {
      throw new AppError('text_not_shared', 409, `A plan of "${group.slug}" reads a public text or a text of "${group.slug}", which all its members may read`);
    }
    const refs = await currentSegmentRefs(trx, text.id);
    try {
      checkSchedule(input.schedule, refs);
    } catch (e) {
      if (e instanceof PlanProblem) throw new AppError(e.code, 422, e.message);
      throw e;
    }
    const plan = { group_id: group.id, text_id: text.id, schedule: JSON.stringify(input.schedule), set_by: viewer.id, updated_at: now };
    await plans.savePlan(trx, plan);
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'plan.set', reason: text.title }, now);
    return planJson(group, text, plan, refs, dayOf(new Date(now)));
  });
}

/** Removes a group's plan (owners and moderators; 404 when it has none). */
export async function deletePlan(ctx: AppContext, viewer: Viewer, slug: string) {
  await write(ctx, async ({ trx, now }) => {
    const group = await moderatedGroup(trx, viewer, slug);
    if (!(await plans.deletePlan(trx, group.id))) throw noPlan(slug);
    await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'plan.removed' }, now);
  });
}
