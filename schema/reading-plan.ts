/**
 * Reading plans: how a group reads a text over time. A schedule is either dated passages (each
 * read from its date until the next one's) or a pace (N segments a day or a week from a date),
 * and it expands into concrete passages `{from, to, start, end, title}` over the text's
 * segments in order. Pure, and shared: the server checks a schedule against the text and
 * expands it for `GET /api/groups/:slug/plan`; the client reads pasted dated passages with
 * `parseDatedLines` and names passages with `passageRange`.
 *
 * Days are calendar days written `YYYY-MM-DD`, with no time zone: arithmetic on them is done in
 * UTC, where every day has 24 hours.
 */
import type { ReadingSchedule } from './api.ts';

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** One passage of an expanded plan: segments `from` to `to` (inclusive), read from `start` to `end` (inclusive). */
export interface PlanPassage {
  from: string;
  to: string;
  start: Day;
  end: Day;
  title: string | null;
}

/** The most passages a plan may have: a page a day for eight years (a cycle of Daf Yomi is 2,711 days). */
export const maxPlanPassages = 3000;

/** How long the last of a single dated passage is read, when no other date gives the rhythm. */
const defaultPeriodDays = 7;

const dayMs = 86_400_000;
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar day written `YYYY-MM-DD` (not `2026-02-30`). */
export function isDay(s: string): boolean {
  const m = dayPattern.exec(s);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s;
}

/** The day `n` days after `day` (before, for a negative `n`). */
export function addDays(day: Day, n: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / dayMs);
}

/** The UTC calendar day of a moment. */
export function dayOf(moment: Date): Day {
  return moment.toISOString().slice(0, 10);
}

/** Why a schedule cannot be a plan for a text; `code` is the API's error code. */
export class PlanProblem extends Error {
  override readonly name = 'PlanProblem';
  constructor(
    readonly code: 'unknown_ref' | 'reversed_passage' | 'no_segments' | 'plan_too_long',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks a schedule against the refs of a text's segments, in document order: every ref it
 * names exists, each dated passage runs forwards, and the plan is not longer than
 * `maxPlanPassages`. Throws a `PlanProblem` naming the first fault.
 */
export function checkSchedule(schedule: ReadingSchedule, refs: readonly string[]): void {
  if (refs.length === 0) throw new PlanProblem('no_segments', 'This text has no numbered passages (segments) to plan by');
  const order = new Map(refs.map((ref, i) => [ref, i]));
  const known = (ref: string, where: string) => {
    const at = order.get(ref);
    if (at === undefined) throw new PlanProblem('unknown_ref', `${where}: the text has no passage "${ref}"`);
    return at;
  };
  if (schedule.kind === 'dates') {
    schedule.passages.forEach((p, i) => {
      const where = `Passage ${i + 1} (${p.date})`;
      const from = known(p.from, where);
      const to = p.to === undefined ? from : known(p.to, where);
      if (to < from) throw new PlanProblem('reversed_passage', `${where}: "${p.to}" comes before "${p.from}" in the text`);
    });
    return;
  }
  const first = schedule.from === undefined ? 0 : known(schedule.from, 'The starting passage');
  const count = Math.ceil((refs.length - first) / schedule.segments);
  if (count > maxPlanPassages) {
    throw new PlanProblem('plan_too_long', `At ${schedule.segments} a ${schedule.every} the plan would have ${count} passages; at most ${maxPlanPassages} are allowed`);
  }
}

/**
 * The concrete passages of a schedule, in order of their days. Dated passages are kept as
 * written, each read until the day before the next one's date; the last for as long as the one
 * before it (a week when it is the only one). A pace walks the text's segments (`refs`, in
 * document order) from `from` (or the first), `segments` at a time, a day or a week each. It never
 * throws: a ref that a later version of the text dropped leaves a pace starting at the text's
 * beginning and a dated passage as written, and a pace is cut at `maxPlanPassages`.
 */
export function expandSchedule(schedule: ReadingSchedule, refs: readonly string[]): PlanPassage[] {
  if (schedule.kind === 'dates') {
    const ps = schedule.passages;
    return ps.map((p, i) => {
      const next = ps[i + 1]?.date;
      const period = next !== undefined ? daysBetween(p.date, next) : i > 0 ? daysBetween(ps[i - 1].date, p.date) : defaultPeriodDays;
      return { from: p.from, to: p.to ?? p.from, start: p.date, end: addDays(p.date, period - 1), title: p.title ?? null };
    });
  }
  const period = schedule.every === 'week' ? 7 : 1;
  const first = Math.max(0, schedule.from === undefined ? 0 : refs.indexOf(schedule.from));
  const out: PlanPassage[] = [];
  for (let i = first, k = 0; i < refs.length && k < maxPlanPassages; i += schedule.segments, k++) {
    const start = addDays(schedule.start, k * period);
    out.push({ from: refs[i], to: refs[Math.min(i + schedule.segments, refs.length) - 1], start, end: addDays(start, period - 1), title: null });
  }
  return out;
}

/**
 * Where `today` falls in a plan's passages (in order of their days): `now`, the passage whose
 * days hold it, or null before the plan starts and after it ends; and `next`, the first passage
 * that starts after today.
 */
export function placeInPlan(passages: readonly PlanPassage[], today: Day): { now: PlanPassage | null; next: PlanPassage | null } {
  return {
    now: passages.find((p) => p.start <= today && today <= p.end) ?? null,
    next: passages.find((p) => p.start > today) ?? null,
  };
}

/** A passage's segments in words: "1:5", or "1:1–1:6". */
export function passageRange(p: Pick<PlanPassage, 'from' | 'to'>): string {
  return p.from === p.to ? p.from : `${p.from}–${p.to}`;
}

/** A dated passage as written in a schedule. */
export type DatedPassage = Extract<ReadingSchedule, { kind: 'dates' }>['passages'][number];

/**
 * Reads dated passages pasted one a line, `DATE FROM[-TO] [title]`: "2026-12-10 1:1-1:6 The
 * first teachings". The range may also be written with an en dash or `..`; a ref that holds a
 * "-" itself is read whole unless the line's range has exactly one. Empty lines and lines
 * starting with `#` are skipped. Answers the passages, or the first line that cannot be read.
 */
export function parseDatedLines(text: string): { passages: DatedPassage[] } | { error: string } {
  const passages: DatedPassage[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m || !isDay(m[1])) return { error: `Line ${n + 1}: begin with a date written YYYY-MM-DD, then the passage (such as 1:1-1:6)` };
    const range = m[2];
    const parts = range.includes('–') ? range.split('–') : range.includes('..') ? range.split('..') : range.split('-').length === 2 ? range.split('-') : [range];
    if (parts.length > 2 || parts.some((p) => p === '')) return { error: `Line ${n + 1}: "${range}" is not a passage such as 1:5 or 1:1-1:6` };
    const title = m[3]?.trim();
    passages.push({ from: parts[0], ...(parts[1] !== undefined && parts[1] !== parts[0] ? { to: parts[1] } : {}), date: m[1], ...(title ? { title } : {}) });
  }
  if (passages.length === 0) return { error: 'Write one passage a line: a date, then the passage, then a title if you like' };
  return { passages };
}
