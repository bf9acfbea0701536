/** The pure layout helpers of the reader: card placement and text direction. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeCards } from '../../client/layout/place-cards.ts';
import { textDirection } from '../../client/layout/text-direction.ts';

describe('placeCards', () => {
  it('keeps a card level with its anchor when nothing is above it', () => {
    expect(placeCards([{ id: 1, top: 120, height: 50 }])).toEqual(new Map([[1, 120]]));
  });

  it('pushes a colliding card down below the one above, with the gap', () => {
    const tops = placeCards([
      { id: 2, top: 100, height: 80 },
      { id: 1, top: 90, height: 40 },
    ], 8);
    expect(tops.get(1)).toBe(90);
    expect(tops.get(2)).toBe(138);
  });

  it('never overlaps, never moves a card up, and keeps the order of anchors', () => {
    const card = fc.record({ top: fc.integer({ min: 0, max: 5000 }), height: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(card, { maxLength: 60 }), (cards) => {
        const requests = cards.map((c, i) => ({ id: i, ...c }));
        const tops = placeCards(requests, 8);
        const placed = requests.map((r) => ({ ...r, at: tops.get(r.id)! })).sort((a, b) => a.at - b.at);
        for (const r of placed) expect(r.at).toBeGreaterThanOrEqual(r.top);
        for (let i = 1; i < placed.length; i++) expect(placed[i].at).toBeGreaterThanOrEqual(placed[i - 1].at + placed[i - 1].height + 8);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('refuses a card with no height', () => {
    expect(() => placeCards([{ id: 1, top: 0, height: Number.NaN }])).toThrow(RangeError);
  });
});

describe('textDirection', () => {
  it.each([
    ['Be deliberate in judgment', 'ltr'],
    ['הוו מתונים בדין', 'rtl'],
    ['משה קבל תורה מסיני – I state, for since this tractate is not based on', 'ltr'],
    // Points and cantillation are not letters: 9 Hebrew letters against 14 Latin ones.
    ['בְּרֵאשִׁ֖ית בָּרָ֣א — in the beginning', 'ltr'],
    // An English comment quoting 13 pointed Hebrew letters among 32 Latin ones (with its marks, right-to-left before).
    ['הֱווּ מְתוּנִים בַּדִּין — be patient in judging, the sages taught', 'ltr'],
    ['בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים — Genesis', 'rtl'],
    ['قال رسول الله — he said', 'rtl'],
    ['', 'ltr'],
  ])('%s → %s', (text, dir) => {
    expect(textDirection(text)).toBe(dir);
  });
});
