import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, foldedRange, rawRange } from '../../../schema/anchoring/index.ts';
import { loadFixture } from './fixtures.ts';

const { cases } = loadFixture<{ cases: [string, string, string][] }>('fold.json');

describe('foldText: fixtures/anchoring/fold.json', () => {
  it.each(cases)('%s', (_why, input, folded) => {
    expect(foldText(input).folded).toBe(folded);
  });
});

const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

/** Text mixing Latin, pointed Hebrew, punctuation, whitespace, combining marks and astral characters. */
export const mixedText = fc
  .array(
    fc.constantFrom(
      'a', 'B', 'é', 'e\u0301', ' ', '  ', '\n', ',', '—', "'", '-',
      'ב', 'בְּ', 'רֵ', 'א', 'שִׁ֖', 'ת', '־', '׃', '\u05C0',
      '😀', '𝒜', '\u200F', '\u00AD', 'İ', 'ß',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('foldText: maps', () => {
  it('maps every folded unit to a raw cluster, in order, never inside a surrogate pair', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const f = foldText(text);
        expect(f.map.length).toBe(f.folded.length + 1);
        expect(f.ends.length).toBe(f.folded.length);
        expect(f.map[f.folded.length]).toBe(text.length);
        for (let i = 0; i < f.folded.length; i++) {
          expect(f.map[i]).toBeLessThan(f.ends[i]);
          expect(f.ends[i]).toBeLessThanOrEqual(text.length);
          if (i > 0) {
            expect(f.map[i]).toBeGreaterThanOrEqual(f.map[i - 1]);
            expect(f.ends[i]).toBeGreaterThanOrEqual(f.ends[i - 1]);
          }
          expect(isLow(text.charCodeAt(f.map[i]))).toBe(false);
          expect(f.ends[i] < text.length && isLow(text.charCodeAt(f.ends[i]))).toBe(false);
        }
      }),
    );
  });

  it('maps a folded range on cluster boundaries to a raw range that maps back to it', () => {
    fc.assert(
      fc.property(mixedText, fc.nat(), fc.nat(), (text, x, y) => {
        const f = foldText(text);
        const len = f.folded.length;
        const onBoundary = (i: number): boolean => i === 0 || i === len || f.map[i] !== f.map[i - 1];
        const a = x % (len + 1);
        const b = a + (y % (len - a + 1));
        if (a === b || !onBoundary(a) || !onBoundary(b)) return;
        const raw = rawRange(f, a, b);
        expect(foldedRange(f, raw.start, raw.end)).toEqual({ start: a, end: b });
        expect(foldText(text.slice(raw.start, raw.end)).folded.trim()).toBe(f.folded.slice(a, b).trim());
      }),
    );
  });

  it('keeps the marks of the last letter and drops removed punctuation at the edges', () => {
    const text = '«בְּרֵאשִׁ֖ית»';
    const f = foldText(text);
    expect(f.folded).toBe('בראשית');
    const { start, end } = rawRange(f, 0, f.folded.length);
    expect(text.slice(start, end)).toBe('בְּרֵאשִׁ֖ית');
    const { start: s2, end: e2 } = rawRange(f, 3, 5);
    expect(text.slice(s2, e2)).toBe('שִׁ֖י');
  });

  it('throws RangeError for folded offsets out of range', () => {
    const f = foldText('abc');
    expect(() => rawRange(f, 2, 1)).toThrow(/Folded end 1/);
    expect(() => rawRange(f, 0, 4)).toThrow(RangeError);
    expect(() => rawRange(f, -1, 1)).toThrow(/Folded start -1/);
  });
});
