// Bounded work (README, "Anchoring"): a crafted quote on a repetitive text is refused as
// ambiguous instead of being scored at every one of its hundreds of thousands of places.
import { describe, expect, it } from 'vitest';
import { AmbiguousQuoteError, createAnchorTarget, matchQuote, nearlyPeriodic, resolveAnchor } from '../../../schema/anchoring/index.ts';

const repetitive = (length: number, unit = 'ab ab ab ab ba '): string => {
  let text = '';
  while (text.length < length) text += unit;
  return text;
};

describe('matchQuote bounds', () => {
  const text = repetitive(1 << 20);

  it('refuses a verbatim quote that occurs more often than maxOccurrences', () => {
    expect(() => matchQuote(text, 'ab ab')).toThrow(AmbiguousQuoteError);
    // Under the bound the same kind of quote is still placed.
    const small = repetitive(2000);
    expect(matchQuote(small, 'ab ab', { hint: 150 })).toMatchObject({ kind: 'exact', start: 150 });
  });

  it('refuses to place a long, self-repeating quote approximately (was minutes of work)', () => {
    const quote = 'ab ab ab ab ba '.repeat(60) + 'zz';
    expect(() => matchQuote(text, quote)).toThrow(AmbiguousQuoteError);
    expect(() => matchQuote(text, quote, { hint: 5000 })).toThrow(AmbiguousQuoteError);
  });

  it('refuses more equally good approximate places than maxFuzzyCandidates', () => {
    // Not periodic, but it fits every copy of a repeated sentence equally badly.
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. ';
    const many = sentence.repeat(200);
    const quote = 'The quick brown cat jumps over the lazy dog';
    expect(() => matchQuote(many, quote, { limits: { maxFuzzyCandidates: 8 } })).toThrow(AmbiguousQuoteError);
    expect(matchQuote(sentence.repeat(3), quote, { hint: 0 })).toMatchObject({ kind: 'fuzzy', start: 0 });
  });

  it('refuses a fuzzy search wider than maxFuzzyWindow, and searches within it', () => {
    const prose = 'In the beginning God created the heaven and the earth. And the earth was without form, and void. ';
    const quote = 'And the earth was without frm, and void';
    expect(() => matchQuote(prose, quote, { limits: { maxFuzzyWindow: 20 } })).toThrow(AmbiguousQuoteError);
    expect(matchQuote(prose, quote, { limits: { maxFuzzyWindow: 1000 } })).toMatchObject({ kind: 'fuzzy' });
  });

  it('tells periodic quotes from prose', () => {
    expect(nearlyPeriodic('ha ha ha ha ha ha ha ha', 6)).toBe(true);
    expect(nearlyPeriodic('In the beginning God created the heaven and the earth.', 16)).toBe(false);
  });
});

describe('resolveAnchor under the bounds', () => {
  it('falls back to the segment, not a guess, when the quote is ambiguous', () => {
    const text = repetitive(1 << 20);
    const target = createAnchorTarget(text, [{ ref: '1', start: 0, end: text.length }]);
    const anchor = resolveAnchor({ exact: 'ab ab ab ab ba '.repeat(60) + 'zz', prefix: '', suffix: '', segment: '1' }, target);
    expect(anchor.status).toBe('segment');
  });
});
