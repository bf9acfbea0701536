import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodePointIndex } from '../../schema/code-points.ts';

// 😀 U+1F600 and 𝔸 U+1D538 (MATHEMATICAL DOUBLE-STRUCK CAPITAL A) are outside the BMP: two
// UTF-16 code units, one code point each.
const emoji = '😀';
const mathA = '𝔸';

describe('CodePointIndex', () => {
  it('is the identity on text inside the BMP (Hebrew with points included)', () => {
    const text = 'מֹשֶׁה קִבֵּל תּוֹרָה, and light.';
    const index = new CodePointIndex(text);
    expect(index.length).toBe(text.length);
    for (let i = 0; i <= text.length; i++) {
      expect(index.toCodePoints(i)).toBe(i);
      expect(index.toCodeUnits(i)).toBe(i);
    }
  });

  it('counts a surrogate pair before a span as one code point', () => {
    const text = `${emoji} Let there be light.`;
    const index = new CodePointIndex(text);
    const start = text.indexOf('light');
    expect(start).toBe(16); // 2 units for the emoji
    expect(index.toCodePoints(start)).toBe(15);
    expect(index.toCodePoints(start + 5)).toBe(20);
    expect(index.toCodeUnits(15)).toBe(start);
    expect(index.toCodeUnits(20)).toBe(start + 5);
    expect(index.length).toBe(text.length - 1);
    expect([...text].slice(15, 20).join('')).toBe('light');
  });

  it('converts a span that contains astral characters, with others before it', () => {
    const text = `${mathA}${emoji} x = ${mathA}+${emoji} done`;
    const index = new CodePointIndex(text);
    const quote = `${mathA}+${emoji}`;
    const start = text.indexOf(quote);
    const end = start + quote.length;
    expect(quote.length).toBe(5);
    const cpStart = index.toCodePoints(start);
    const cpEnd = index.toCodePoints(end);
    expect(cpEnd - cpStart).toBe(3);
    expect([...text].slice(cpStart, cpEnd).join('')).toBe(quote);
    expect(index.toCodeUnits(cpStart)).toBe(start);
    expect(index.toCodeUnits(cpEnd)).toBe(end);
    expect(index.length).toBe([...text].length);
  });

  it('handles text made only of pairs, and the empty string', () => {
    const text = emoji.repeat(4);
    const index = new CodePointIndex(text);
    expect(index.length).toBe(4);
    expect([0, 2, 4, 6, 8].map((u) => index.toCodePoints(u))).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map((c) => index.toCodeUnits(c))).toEqual([0, 2, 4, 6, 8]);
    const empty = new CodePointIndex('');
    expect(empty.length).toBe(0);
    expect(empty.toCodePoints(0)).toBe(0);
    expect(empty.toCodeUnits(0)).toBe(0);
  });

  it('counts an offset in the middle of a pair as after the pair', () => {
    const text = `a${emoji}b`;
    const index = new CodePointIndex(text);
    expect(index.toCodePoints(1)).toBe(1);
    expect(index.toCodePoints(2)).toBe(2); // inside the pair
    expect(index.toCodePoints(3)).toBe(2);
    expect(index.toCodePoints(4)).toBe(3);
  });

  it('treats lone surrogates as one code point each, as Array.from does', () => {
    const text = `a\ud800b\udc00c${emoji}`;
    const index = new CodePointIndex(text);
    expect(index.length).toBe([...text].length);
    expect(index.toCodeUnits(index.length)).toBe(text.length);
  });

  it('rejects offsets outside the string', () => {
    const index = new CodePointIndex(`${emoji}ab`);
    expect(() => index.toCodePoints(-1)).toThrow(RangeError);
    expect(() => index.toCodePoints(5)).toThrow(RangeError);
    expect(() => index.toCodePoints(1.5)).toThrow(RangeError);
    expect(() => index.toCodeUnits(4)).toThrow(RangeError);
    expect(() => index.toCodeUnits(-1)).toThrow(RangeError);
  });

  // Strings from a small alphabet mixing ASCII, Hebrew, combining marks and astral characters.
  const alphabet = ['a', 'b', ' ', '\n', 'ש', '\u05bc', 'é', emoji, mathA, '𐤀', '👍🏽'];
  const mixedText = fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((parts) => parts.join(''));

  it('round-trips every code-unit offset on a code-point boundary (property)', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const index = new CodePointIndex(text);
        const points = [...text];
        expect(index.length).toBe(points.length);
        let unit = 0;
        for (let cp = 0; cp <= points.length; cp++) {
          // `unit` is the UTF-16 offset of code point `cp`: a boundary, never inside a pair.
          expect(index.toCodeUnits(cp)).toBe(unit);
          expect(index.toCodePoints(unit)).toBe(cp);
          if (cp < points.length) unit += points[cp].length;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('maps a span to the same characters in both counts (property)', () => {
    fc.assert(
      fc.property(mixedText, fc.nat(), fc.nat(), (text, a, b) => {
        const index = new CodePointIndex(text);
        const n = index.length;
        const [cpStart, cpEnd] = [a % (n + 1), b % (n + 1)].sort((x, y) => x - y);
        const start = index.toCodeUnits(cpStart);
        const end = index.toCodeUnits(cpEnd);
        expect(text.slice(start, end)).toBe([...text].slice(cpStart, cpEnd).join(''));
        expect(index.toCodePoints(start)).toBe(cpStart);
        expect(index.toCodePoints(end)).toBe(cpEnd);
      }),
      { numRuns: 300 },
    );
  });
});
