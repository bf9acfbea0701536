import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTextMapper, identityMapper } from '../../../schema/anchoring/index.ts';

describe('createTextMapper', () => {
  it('maps an unchanged text to itself', () => {
    const m = createTextMapper('abc\ndef', 'abc\ndef');
    for (let i = 0; i <= 7; i++) {
      expect(m.map(i, -1)).toBe(i);
      expect(m.map(i, 1)).toBe(i);
    }
    expect(m.deletedBetween(0, 7)).toBe(false);
  });

  it('shifts offsets after an insertion; assoc decides at the insertion point', () => {
    const m = createTextMapper('hello world', 'hello big world');
    expect(m.map(0, 1)).toBe(0);
    expect(m.map(6, -1)).toBe(6);
    expect(m.map(6, 1)).toBe(10);
    expect(m.map(11, -1)).toBe(15);
  });

  it('maps offsets inside deleted text to the deletion point', () => {
    const m = createTextMapper('hello big world', 'hello world');
    expect(m.map(7, -1)).toBe(6);
    expect(m.map(7, 1)).toBe(6);
    expect(m.map(10, 1)).toBe(6);
    expect(m.map(15, 1)).toBe(11);
    expect(m.deletedBetween(6, 10)).toBe(true);
    expect(m.deletedBetween(7, 9)).toBe(true);
    expect(m.deletedBetween(0, 10)).toBe(false);
    expect(m.deletedBetween(6, 6)).toBe(false);
  });

  it('maps a replaced range onto its replacement, which survives', () => {
    const m = createTextMapper('say light now', 'say xyzzy now');
    const start = m.map(4, 1);
    const end = m.map(9, -1);
    expect([start, end]).toEqual([4, 9]);
    expect(m.deletedBetween(4, 9)).toBe(false);
    expect(m.deletedBetween(5, 8)).toBe(true);
  });

  it('lists the new text the old version did not have', () => {
    const m = createTextMapper('keep this, drop that, keep.', 'keep this, keep. and more');
    expect(m.changedRanges?.()).toEqual([
      { start: 11, end: 11 },
      { start: 16, end: 25 },
    ]);
    expect(createTextMapper('same', 'same').changedRanges?.()).toEqual([]);
  });

  it('diffs paragraphs first and keeps unchanged paragraphs exact', () => {
    const oldText = ['alpha one', 'beta two', 'gamma three', 'delta four'].join('\n');
    const newText = ['alpha one', 'beta TWO!', 'new paragraph', 'gamma three', 'delta four'].join('\n');
    const m = createTextMapper(oldText, newText);
    const gamma = oldText.indexOf('gamma');
    expect(m.map(gamma, 1)).toBe(newText.indexOf('gamma'));
    expect(m.map(oldText.length, -1)).toBe(newText.length);
    expect(m.map(oldText.indexOf('beta'), 1)).toBe(newText.indexOf('beta'));
  });

  it('handles moved paragraphs as deleted and inserted', () => {
    const oldText = 'one\ntwo\nthree\nfour';
    const newText = 'one\nthree\nfour\ntwo';
    const m = createTextMapper(oldText, newText);
    expect(m.deletedBetween(4, 7) || m.deletedBetween(8, 13)).toBe(true);
  });

  it('never splits a surrogate pair when trimming common text', () => {
    // 😀 and 😁 share their high surrogate; the change must still be the whole character.
    const m = createTextMapper('a😀b', 'a😁b');
    expect(m.map(1, 1)).toBe(1);
    expect(m.map(3, -1)).toBe(3);
    expect([m.map(2, -1), m.map(2, 1)]).toEqual([1, 3]);
  });

  it('throws RangeError for offsets outside the old text', () => {
    const m = createTextMapper('abc', 'abcd');
    expect(() => m.map(4, 1)).toThrow(/offset 4/);
    expect(() => m.map(-1, 1)).toThrow(RangeError);
    expect(() => m.deletedBetween(2, 1)).toThrow(RangeError);
  });

  it('aligns a revision touching thousands of paragraphs through unique-paragraph anchors', () => {
    const oldParas = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} says something about ${i * 7} things.`);
    const newParas = oldParas.map((p, i) => (i % 5 < 2 ? p.replace('says', 'now says') : p));
    newParas.splice(1500, 0, 'An inserted paragraph.', '');
    const oldText = oldParas.join('\n');
    const newText = newParas.join('\n');
    const m = createTextMapper(oldText, newText);
    let checked = 0;
    for (let i = 0; i < oldParas.length; i += 7) {
      const start = oldText.indexOf(`Paragraph ${i} `);
      const end = start + oldParas[i].length;
      const text = newText.slice(m.map(start, 1), m.map(end, -1));
      expect(text).toBe(newParas[i < 1500 ? i : i + 2]);
      if (i % 5 >= 2) expect(m.deletedBetween(start, end)).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('degrades to a replacement instead of running long on a total rewrite', () => {
    const oldText = Array.from({ length: 3000 }, (_, i) => `line ${i} of the old`).join('\n');
    const newText = Array.from({ length: 3000 }, (_, i) => `${i} entirely different`).join(' ');
    const m = createTextMapper(oldText, newText);
    expect(m.map(oldText.length, 1)).toBe(newText.length);
  });
});

describe('identityMapper', () => {
  it('maps every offset to itself', () => {
    expect(identityMapper.map(5, -1)).toBe(5);
    expect(identityMapper.deletedBetween(1, 9)).toBe(false);
    expect(() => identityMapper.map(-1, 1)).toThrow(RangeError);
  });
});

const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

/** A text and an edited version of it: random insertions, deletions and replacements. */
const editedPair = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é', '😀', 'ש'), maxLength: 80 }),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.string({ unit: fc.constantFrom('a', 'c', ' ', '\n', '😀'), maxLength: 6 })), {
      maxLength: 6,
    }),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, del, ins] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + ins + out.slice(Math.min(out.length, i + del));
    }
    return [text, out] as const;
  });

describe('createTextMapper: properties', () => {
  it('is monotonic, in range, and assoc -1 never maps after assoc 1', () => {
    fc.assert(
      fc.property(editedPair, ([oldText, newText]) => {
        const m = createTextMapper(oldText, newText);
        let prevBefore = 0;
        let prevAfter = 0;
        for (let i = 0; i <= oldText.length; i++) {
          const before = m.map(i, -1);
          const after = m.map(i, 1);
          expect(before).toBeGreaterThanOrEqual(prevBefore);
          expect(after).toBeGreaterThanOrEqual(prevAfter);
          expect(before).toBeLessThanOrEqual(after);
          expect(after).toBeLessThanOrEqual(newText.length);
          prevBefore = before;
          prevAfter = after;
        }
        expect(m.map(0, -1)).toBe(0);
      }),
    );
  });

  it('keeps every character of a paragraph through insertions only', () => {
    // When the new text only adds to the old, the old text is a subsequence of it and a minimal
    // character diff deletes nothing: every old character maps onto an equal one. (Across
    // paragraphs this does not hold: the paragraph tier may pair a line with an identical one
    // elsewhere, which is the price of diffing paragraphs first.)
    const inserted = fc
      .tuple(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '😀', 'ש'), maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.string({ unit: fc.constantFrom('a', 'c', ' ', '😀'), maxLength: 6 })), { maxLength: 6 }),
      )
      .map(([text, inserts]) => {
        let out = text;
        for (const [at, s] of inserts) {
          let i = at % (out.length + 1);
          if (isHigh(out.charCodeAt(i - 1)) && isLow(out.charCodeAt(i))) i--;
          out = out.slice(0, i) + s + out.slice(i);
        }
        return [text, out] as const;
      });
    fc.assert(
      fc.property(inserted, ([oldText, newText]) => {
        const m = createTextMapper(oldText, newText);
        for (let i = 0; i < oldText.length; i++) {
          if (isHigh(oldText.charCodeAt(i - 1)) && isLow(oldText.charCodeAt(i))) continue;
          const width = isHigh(oldText.charCodeAt(i)) ? 2 : 1;
          const j = m.map(i, 1);
          expect(m.map(i + width, -1)).toBe(j + width);
          expect(newText.slice(j, j + width)).toBe(oldText.slice(i, i + width));
          expect(m.deletedBetween(i, i + width)).toBe(false);
        }
      }),
    );
  });
});
