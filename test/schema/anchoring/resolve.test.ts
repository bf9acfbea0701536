import { describe, expect, it } from 'vitest';
import {
  type Selectors,
  createAnchorTarget,
  createTextMapper,
  describeRange,
  identityMapper,
  resolveAnchor,
} from '../../../schema/anchoring/index.ts';
import { type FixtureText, buildText, loadFixture, nthIndexOf } from './fixtures.ts';

interface ResolveCase {
  name: string;
  why: string;
  old: FixtureText | null;
  new: FixtureText;
  select?: { quote: string; occurrence?: number; at?: string };
  selectors?: Selectors;
  mapper?: boolean;
  sameVersion?: boolean;
  expect: {
    status: string;
    text?: string;
    score?: number;
    minScore?: number;
    segment?: string;
    after?: string;
    before?: string;
    occurrence?: number;
    start?: number;
    end?: number;
  };
}

const { cases } = loadFixture<{ cases: ResolveCase[] }>('cases.json');

function selectorsFor(c: ResolveCase): Selectors {
  if (c.selectors) return c.selectors;
  if (!c.old || !c.select) throw new Error(`fixture ${c.name}: needs old + select, or selectors`);
  const { text, segments } = buildText(c.old);
  const { quote, occurrence = 0, at } = c.select;
  const start = at !== undefined ? nthIndexOf(text, at, 0) : nthIndexOf(text, quote, occurrence);
  return describeRange(text, start, start + quote.length, segments);
}

describe('resolveAnchor: fixtures/anchoring/cases.json', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const selectors = selectorsFor(c);
    const { text, segments } = buildText(c.new);
    const target = createAnchorTarget(text, segments);
    const mapper = c.old && c.mapper !== false ? createTextMapper(buildText(c.old).text, text) : undefined;
    const anchor = resolveAnchor(selectors, target, { mapper, sameVersion: c.sameVersion });
    const e = c.expect;
    const where = anchor.start === null ? 'nowhere' : JSON.stringify(text.slice(anchor.start, anchor.end));
    expect(anchor.status, `${c.why} — anchored at ${where}`).toBe(e.status);
    expect(anchor.score).toBeGreaterThanOrEqual(0);
    expect(anchor.score).toBeLessThanOrEqual(1);
    if (anchor.status === 'orphan') {
      expect(anchor.start).toBeNull();
      expect(anchor.end).toBeNull();
      return;
    }
    const { start, end } = anchor;
    if (start === null || end === null) throw new Error('unreachable');
    expect(0 <= start && start <= end && end <= text.length).toBe(true);
    if (e.text !== undefined) expect(text.slice(start, end)).toBe(e.text);
    if (e.start !== undefined) expect(start).toBe(e.start);
    if (e.end !== undefined) expect(end).toBe(e.end);
    if (e.after !== undefined) expect(text.slice(start - e.after.length, start)).toBe(e.after);
    if (e.before !== undefined) expect(text.slice(end, end + e.before.length)).toBe(e.before);
    if (e.occurrence !== undefined && e.text !== undefined) expect(start).toBe(nthIndexOf(text, e.text, e.occurrence));
    if (e.score !== undefined) expect(anchor.score).toBeCloseTo(e.score, 5);
    if (e.minScore !== undefined) expect(anchor.score).toBeGreaterThanOrEqual(e.minScore);
    if (e.segment !== undefined) {
      const s = segments.find((x) => x.ref === e.segment);
      expect(s).toBeDefined();
      expect([start, end]).toEqual([s!.start, s!.end]);
    }
  });
});

describe('resolveAnchor: caller mistakes', () => {
  const target = createAnchorTarget('In the beginning.');
  const base: Selectors = { exact: 'the', prefix: 'In ', suffix: ' beginning', start: 3, end: 6 };

  it('throws RangeError for start after end', () => {
    expect(() => resolveAnchor({ ...base, start: 6, end: 3 }, target)).toThrow(RangeError);
  });
  it('throws RangeError for a negative or fractional start', () => {
    expect(() => resolveAnchor({ ...base, start: -1 }, target)).toThrow(/start -1/);
    expect(() => resolveAnchor({ ...base, start: 1.5 }, target)).toThrow(RangeError);
  });
  it('throws RangeError when only one offset is given', () => {
    expect(() => resolveAnchor({ ...base, end: null }, target)).toThrow(RangeError);
  });
  it('throws RangeError for a same-version range past the text', () => {
    expect(() => resolveAnchor({ ...base, start: 3, end: 99 }, target, { sameVersion: true })).toThrow(/99/);
  });
  it('does not throw for a stale range past a shorter new version', () => {
    expect(resolveAnchor({ ...base, start: 40, end: 43 }, target).status).toBe('moved');
  });
  it('rejects segments out of order or outside the text', () => {
    expect(() => createAnchorTarget('abc', [{ ref: '1', start: 0, end: 9 }])).toThrow(RangeError);
    expect(() =>
      createAnchorTarget('abcdef', [
        { ref: '2', start: 3, end: 5 },
        { ref: '1', start: 0, end: 2 },
      ]),
    ).toThrow(/segment 1/);
  });
});

describe('resolveAnchor: ladder details', () => {
  it('prefers the mapped place over the stored offsets when a mapper is given', () => {
    const oldText = 'ab ab';
    const newText = 'ab ab ab';
    const selectors = describeRange(oldText, 3, 5);
    const anchor = resolveAnchor(selectors, createAnchorTarget(newText), { mapper: createTextMapper(oldText, newText) });
    expect(anchor.status).toBe('exact');
    expect(newText.slice(anchor.start!, anchor.end!)).toBe('ab');
  });

  it('treats the identity mapper like an unchanged text', () => {
    const text = 'one two three';
    const anchor = resolveAnchor(describeRange(text, 4, 7), createAnchorTarget(text), { mapper: identityMapper });
    expect(anchor).toEqual({ start: 4, end: 7, status: 'exact', score: 1 });
  });

  it('folds the target once for many glosses', () => {
    const target = createAnchorTarget('Alpha, beta; gamma.');
    const first = target.folded;
    resolveAnchor({ exact: 'beta gamma', prefix: '', suffix: '' }, target);
    expect(target.folded).toBe(first);
  });

  it('keeps a gloss whose quote cannot be found and whose segment is unknown as an orphan', () => {
    const target = createAnchorTarget('Something else entirely.', [{ ref: '1:1', start: 0, end: 24 }]);
    const anchor = resolveAnchor({ exact: 'gone', prefix: '', suffix: '', segment: '9:9' }, target);
    expect(anchor).toEqual({ start: null, end: null, status: 'orphan', score: 0 });
  });
});
