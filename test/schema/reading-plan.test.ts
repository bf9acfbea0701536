import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingScheduleShape, type ReadingSchedule } from '../../schema/api.ts';
import {
  addDays,
  checkSchedule,
  dayOf,
  daysBetween,
  expandSchedule,
  isDay,
  maxPlanPassages,
  parseDatedLines,
  passageRange,
  placeInPlan,
  PlanProblem,
} from '../../schema/reading-plan.ts';

/** Refs of a small text: chapter 1 has 5 verses, chapter 2 has 3. */
const refs = ['1:1', '1:2', '1:3', '1:4', '1:5', '2:1', '2:2', '2:3'];

const problem = (schedule: ReadingSchedule, r: readonly string[] = refs) => {
  try {
    checkSchedule(schedule, r);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(PlanProblem);
    return { code: (e as PlanProblem).code, message: (e as PlanProblem).message };
  }
};

describe('days', () => {
  it('knows real calendar days from look-alikes', () => {
    for (const d of ['2026-12-10', '2028-02-29', '2000-02-29', '1999-12-31']) expect(isDay(d), d).toBe(true);
    for (const d of ['2026-02-30', '2027-02-29', '1900-02-29', '2026-13-01', '2026-1-10', '26-12-10', '2026-12-10T00:00', '', 'today']) expect(isDay(d), d).toBe(false);
  });

  it('counts across months, years and leap days, with no time zone in the way', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-10', '2027-01-07')).toBe(28);
    expect(dayOf(new Date('2026-12-10T23:59:59Z'))).toBe('2026-12-10');
  });

  it('adds and counts as inverses of each other', () => {
    const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map(dayOf);
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        const later = addDays(d, n);
        return isDay(later) && daysBetween(d, later) === n;
      }),
    );
  });
});

describe('a pace', () => {
  it('walks the segments in order, N at a time, a week each', () => {
    expect(expandSchedule({ kind: 'pace', segments: 3, every: 'week', start: '2026-12-10' }, refs)).toEqual([
      { from: '1:1', to: '1:3', start: '2026-12-10', end: '2026-12-16', title: null },
      { from: '1:4', to: '2:1', start: '2026-12-17', end: '2026-12-23', title: null },
      { from: '2:2', to: '2:3', start: '2026-12-24', end: '2026-12-30', title: null },
    ]);
  });

  it('reads a day each, from a segment in the middle', () => {
    expect(expandSchedule({ kind: 'pace', segments: 2, every: 'day', start: '2026-12-31', from: '1:5' }, refs)).toEqual([
      { from: '1:5', to: '2:1', start: '2026-12-31', end: '2026-12-31', title: null },
      { from: '2:2', to: '2:3', start: '2027-01-01', end: '2027-01-01', title: null },
    ]);
  });

  it('covers every segment once, in order, with passages back to back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('day' as const, 'week' as const), (n, segments, every) => {
        const many = Array.from({ length: n }, (_, i) => `s${i}`);
        const ps = expandSchedule({ kind: 'pace', segments, every, start: '2026-12-10' }, many);
        const covered = ps.flatMap((p) => many.slice(many.indexOf(p.from), many.indexOf(p.to) + 1));
        expect(covered).toEqual(many);
        expect(ps.length).toBe(Math.ceil(n / segments));
        ps.forEach((p, i) => {
          expect(daysBetween(p.start, p.end)).toBe(every === 'week' ? 6 : 0);
          if (i > 0) expect(daysBetween(ps[i - 1].end, p.start)).toBe(1);
        });
      }),
    );
  });

  it('is refused when it would be too long, and when its start is not in the text', () => {
    const many = Array.from({ length: maxPlanPassages + 1 }, (_, i) => `${i + 1}`);
    expect(problem({ kind: 'pace', segments: 1, every: 'day', start: '2026-12-10' }, many)?.code).toBe('plan_too_long');
    expect(problem({ kind: 'pace', segments: 2, every: 'day', start: '2026-12-10' }, many)).toBeNull();
    expect(problem({ kind: 'pace', segments: 1, every: 'day', start: '2026-12-10', from: '9:9' })).toEqual({
      code: 'unknown_ref',
      message: 'The starting passage: the text has no passage "9:9"',
    });
    expect(problem({ kind: 'pace', segments: 1, every: 'day', start: '2026-12-10' }, [])?.code).toBe('no_segments');
  });

  it('starts at the beginning when a later version dropped its starting segment, and reads nothing of a text without segments', () => {
    expect(expandSchedule({ kind: 'pace', segments: 4, every: 'week', start: '2026-12-10', from: '0:9' }, refs).map((p) => p.from)).toEqual(['1:1', '1:5']);
    expect(expandSchedule({ kind: 'pace', segments: 4, every: 'week', start: '2026-12-10' }, [])).toEqual([]);
  });
});

describe('dated passages', () => {
  const dated: ReadingSchedule = {
    kind: 'dates',
    passages: [
      { from: '1:1', to: '1:3', date: '2026-12-10', title: 'The chain' },
      { from: '1:4', date: '2026-12-17' },
      { from: '1:5', to: '2:3', date: '2027-01-07' },
    ],
  };

  it('are each read until the next begins, the last for as long as the one before it', () => {
    expect(expandSchedule(dated, refs)).toEqual([
      { from: '1:1', to: '1:3', start: '2026-12-10', end: '2026-12-16', title: 'The chain' },
      { from: '1:4', to: '1:4', start: '2026-12-17', end: '2027-01-06', title: null },
      { from: '1:5', to: '2:3', start: '2027-01-07', end: '2027-01-27', title: null },
    ]);
  });

  it('give a single passage a week', () => {
    expect(expandSchedule({ kind: 'dates', passages: [{ from: '2:1', date: '2026-12-10' }] }, refs)).toEqual([
      { from: '2:1', to: '2:1', start: '2026-12-10', end: '2026-12-16', title: null },
    ]);
  });

  it('must name passages the text has, running forwards', () => {
    expect(problem(dated)).toBeNull();
    expect(problem({ kind: 'dates', passages: [{ from: '1:1', date: '2026-12-10' }, { from: '1:2', to: '3:1', date: '2026-12-17' }] })).toEqual({
      code: 'unknown_ref',
      message: 'Passage 2 (2026-12-17): the text has no passage "3:1"',
    });
    expect(problem({ kind: 'dates', passages: [{ from: '2:1', to: '1:2', date: '2026-12-10' }] })).toEqual({
      code: 'reversed_passage',
      message: 'Passage 1 (2026-12-10): "1:2" comes before "2:1" in the text',
    });
  });

  it('come in order of their dates, one a date (the request shape says so)', () => {
    const shape = (dates: string[]) => readingScheduleShape.safeParse({ kind: 'dates', passages: dates.map((date) => ({ from: '1:1', date })) }).success;
    expect(shape(['2026-12-10', '2026-12-17'])).toBe(true);
    expect(shape(['2026-12-17', '2026-12-10'])).toBe(false);
    expect(shape(['2026-12-10', '2026-12-10'])).toBe(false);
    expect(shape(['2026-02-30'])).toBe(false);
    expect(shape([])).toBe(false);
  });
});

describe('now and next', () => {
  const ps = expandSchedule({ kind: 'pace', segments: 3, every: 'week', start: '2026-12-10' }, refs);

  it('finds the passage whose days hold today, and the one after it', () => {
    expect(placeInPlan(ps, '2026-12-17')).toEqual({ now: ps[1], next: ps[2] });
    expect(placeInPlan(ps, '2026-12-23')).toEqual({ now: ps[1], next: ps[2] });
    expect(placeInPlan(ps, '2026-12-30')).toEqual({ now: ps[2], next: null });
  });

  it('has no passage now before the plan starts or after it ends', () => {
    expect(placeInPlan(ps, '2026-12-09')).toEqual({ now: null, next: ps[0] });
    expect(placeInPlan(ps, '2026-12-31')).toEqual({ now: null, next: null });
    expect(placeInPlan([], '2026-12-10')).toEqual({ now: null, next: null });
  });

  it('names a passage by its range', () => {
    expect(passageRange(ps[0])).toBe('1:1–1:3');
    expect(passageRange({ from: '2:1', to: '2:1' })).toBe('2:1');
  });
});

describe('pasted dated passages', () => {
  it('reads a date, a range and a title on each line', () => {
    expect(parseDatedLines('2026-12-10 1:1-1:3 The chain\n\n# a note\n2026-12-17  1:4\n2027-01-07\t1:5–2:3  Last of all ')).toEqual({
      passages: [
        { from: '1:1', to: '1:3', date: '2026-12-10', title: 'The chain' },
        { from: '1:4', date: '2026-12-17' },
        { from: '1:5', to: '2:3', date: '2027-01-07', title: 'Last of all' },
      ],
    });
  });

  it('reads refs that hold a dash when the range is written with an en dash or two dots', () => {
    expect(parseDatedLines('2026-12-10 a-1..a-3')).toEqual({ passages: [{ from: 'a-1', to: 'a-3', date: '2026-12-10' }] });
    expect(parseDatedLines('2026-12-10 a-1–b-2')).toEqual({ passages: [{ from: 'a-1', to: 'b-2', date: '2026-12-10' }] });
    expect(parseDatedLines('2026-12-10 a-1-b')).toEqual({ passages: [{ from: 'a-1-b', date: '2026-12-10' }] });
    expect(parseDatedLines('2026-12-10 1:1-1:1')).toEqual({ passages: [{ from: '1:1', date: '2026-12-10' }] });
  });

  it('says which line it cannot read', () => {
    expect(parseDatedLines('2026-12-10 1:1\n10 Dec 1:2')).toEqual({ error: 'Line 2: begin with a date written YYYY-MM-DD, then the passage (such as 1:1-1:6)' });
    expect(parseDatedLines('2026-12-10')).toMatchObject({ error: expect.stringMatching(/^Line 1:/) });
    expect(parseDatedLines('2026-12-10 1:1–')).toEqual({ error: 'Line 1: "1:1–" is not a passage such as 1:5 or 1:1-1:6' });
    expect(parseDatedLines(' \n# nothing\n')).toMatchObject({ error: expect.stringMatching(/^Write one passage a line/) });
  });
});
