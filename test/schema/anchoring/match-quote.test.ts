import { describe, expect, it } from 'vitest';
import { type MatchQuoteOptions, foldText, matchQuote } from '../../../schema/anchoring/index.ts';
import { loadFixture } from './fixtures.ts';

interface MatchCase {
  name: string;
  why: string;
  text: string;
  quote: string;
  options?: Pick<MatchQuoteOptions, 'prefix' | 'suffix' | 'hint' | 'within'>;
  expect: { kind: string; text: string; start?: number } | null;
}

const { cases } = loadFixture<{ cases: MatchCase[] }>('match-quote.json');

describe('matchQuote: fixtures/anchoring/match-quote.json', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const found = matchQuote(c.text, c.quote, c.options);
    const where = found ? JSON.stringify(c.text.slice(found.start, found.end)) : 'nothing';
    if (c.expect === null) {
      expect(found, `${c.why} — found ${where}`).toBeNull();
      return;
    }
    expect(found, c.why).not.toBeNull();
    expect(found!.kind, `${c.why} — found ${where}`).toBe(c.expect.kind);
    expect(c.text.slice(found!.start, found!.end)).toBe(c.expect.text);
    if (c.expect.start !== undefined) expect(found!.start).toBe(c.expect.start);
    expect(found!.score).toBeGreaterThan(0);
    expect(found!.score).toBeLessThanOrEqual(1);
  });

  it('gives the same answers with a precomputed folded text', () => {
    for (const c of cases) {
      const folded = foldText(c.text);
      expect(matchQuote(c.text, c.quote, { ...c.options, folded }), c.name).toEqual(matchQuote(c.text, c.quote, c.options));
    }
  });
});

describe('matchQuote: options', () => {
  it('runs only the steps asked for', () => {
    expect(matchQuote('LIGHT', 'light', { kinds: ['exact'] })).toBeNull();
    expect(matchQuote('LIGHT', 'light', { kinds: ['normalized'] })?.kind).toBe('normalized');
  });

  it('takes only fuzzy candidates overlapping `near`', () => {
    const text = 'the quick brown fox jumps. the quick brown fix jumps.';
    const quote = 'the quick brown fax jumps';
    const second = text.lastIndexOf('the');
    const near = { start: second, end: text.length - 1 };
    const found = matchQuote(text, quote, { near, hint: second, kinds: ['fuzzy'] });
    expect(found?.start).toBe(second);
  });

  it('prefers context over nearness among verbatim occurrences', () => {
    const text = 'red apple, green apple, blue apple';
    const found = matchQuote(text, 'apple', { prefix: 'green ', suffix: ', blue', hint: 0 });
    expect(found?.start).toBe(text.indexOf('apple', 5));
  });

  it('finds the right one of hundreds of occurrences by context', () => {
    const text = 'la '.repeat(300) + 'the special la here ' + 'la '.repeat(300);
    const found = matchQuote(text, 'la', { prefix: 'la la the special ', suffix: ' here la la', hint: 0 });
    expect(found?.start).toBe(text.indexOf('special la') + 'special '.length);
  });

  it('refuses a short verbatim look-alike whose context disagrees', () => {
    const text = 'He switched on the light in the kitchen.';
    expect(matchQuote(text, 'light', { prefix: 'The lamp gave ', suffix: ' to the room.' })).toBeNull();
  });

  it('throws RangeError for bad within, near, hint or folded text', () => {
    expect(() => matchQuote('abc', 'b', { within: { start: 2, end: 1 } })).toThrow(/within.end 1/);
    expect(() => matchQuote('abc', 'b', { within: { start: 0, end: 9 } })).toThrow(RangeError);
    expect(() => matchQuote('abc', 'b', { near: { start: -1, end: 1 } })).toThrow(/near.start -1/);
    expect(() => matchQuote('abc', 'b', { hint: Number.NaN })).toThrow(RangeError);
    expect(() => matchQuote('abc', 'b', { folded: foldText('abd') })).toThrow(RangeError);
  });

  it('clamps a hint past the end of the text', () => {
    expect(matchQuote('one two', 'two', { hint: 1000 })?.start).toBe(4);
  });
});
