/** Readings in dispute laid out as one unit: side by side in rows under a heading, placed, reached and pinned whole. */
import { describe, expect, it } from 'vitest';
import { disputeReadingWidth, disputeSlots, giveWayInRows, readingsPerRow } from '../../client/layout/dispute-rows.ts';
import { giveWay, stackKey, type WayCard } from '../../client/layout/give-way.ts';

const card = (id: number, anchor: number, height: number, more: Partial<WayCard> = {}): WayCard => ({ id, passage: 0, column: 'start-1', depth: 1, parent: null, anchor, height, ...more });
const options = { gap: 8, reach: 400, toggleHeight: 28, opened: new Set<string>(), perRow: () => 2, head: 20 };

describe('readingsPerRow', () => {
  it('puts as many readings side by side as the column has room for at their least width, and at least one', () => {
    expect(readingsPerRow(2 * disputeReadingWidth + 8, 8)).toBe(2);
    expect(readingsPerRow(2 * disputeReadingWidth + 7, 8)).toBe(1);
    expect(readingsPerRow(3 * disputeReadingWidth + 16, 8)).toBe(3);
    expect(readingsPerRow(40, 8)).toBe(1);
  });
});

describe('disputeSlots', () => {
  it('puts readings perRow to a row, no more slots than readings', () => {
    const slots = disputeSlots([[1, 2, 3], [4, 5]], 2);
    expect([...slots]).toEqual([
      [1, { row: 0, slot: 0, slots: 2 }],
      [2, { row: 0, slot: 1, slots: 2 }],
      [3, { row: 1, slot: 0, slots: 2 }],
      [4, { row: 0, slot: 0, slots: 2 }],
      [5, { row: 0, slot: 1, slots: 2 }],
    ]);
    expect(disputeSlots([[1, 2]], 5).get(2)).toEqual({ row: 0, slot: 1, slots: 2 });
    expect(disputeSlots([[1, 2]], 1).get(2)).toEqual({ row: 1, slot: 0, slots: 1 });
  });
});

describe('giveWayInRows', () => {
  it('stands a dispute’s readings side by side at the highest of their words, the others below the heading, and pushes the next card under the taller', () => {
    // 1 carries the heading (its height counts it); 2 starts below the heading.
    const cards = [card(1, 100, 80), card(2, 110, 40), card(3, 105, 30)];
    const { tops } = giveWayInRows([1000], cards, [[1, 2]], options);
    expect(tops.get(1)).toBe(100);
    expect(tops.get(2)).toBe(120);
    expect(tops.get(3)).toBe(100 + 80 + 8);
  });

  it('lays a larger dispute out in rows, each under the tallest card of the one above', () => {
    const cards = [card(1, 0, 50, { order: 0 }), card(2, 0, 90, { order: 1 }), card(3, 0, 30, { order: 2 }), card(4, 0, 10, { order: 3 })];
    const { tops, bottoms } = giveWayInRows([1000], cards, [[1, 2, 3]], options);
    expect(tops.get(1)).toBe(0);
    expect(tops.get(2)).toBe(20);
    expect(tops.get(3)).toBe(20 + 90 + 8);
    expect(tops.get(4)).toBe(20 + 90 + 8 + 30 + 8);
    expect(bottoms.get('start-1')).toBe(20 + 90 + 8 + 30 + 8 + 10);
  });

  it('stacks readings one to a row, as on a phone', () => {
    const { tops } = giveWayInRows([1000], [card(1, 0, 50), card(2, 0, 30)], [[1, 2]], { ...options, perRow: () => 1 });
    expect(tops.get(2)).toBe(58);
  });

  it('is giveWay itself where there is no dispute, or only one of its readings among the cards', () => {
    const cards = [card(1, 100, 80), card(2, 110, 40)];
    const plain = giveWay([1000], cards, options);
    expect(giveWayInRows([1000], cards, [], options)).toEqual(plain);
    expect(giveWayInRows([1000], cards, [[1, 9]], options).tops).toEqual(plain.tops);
  });

  it('keeps a gloss on a reading level with its words in that reading’s card', () => {
    const cards = [card(1, 100, 80), card(2, 100, 40), card(5, 12, 20, { column: 'start-2', depth: 2, parent: 2 })];
    const { tops } = giveWayInRows([1000], cards, [[1, 2]], options);
    expect(tops.get(5)).toBe(100 + 20 + 12);
  });

  it('lets a dispute wait behind its stack’s toggle whole, counted reading by reading, and a link to any of its readings brings out all', () => {
    const cards = [card(1, 0, 400), card(2, 0, 40), card(3, 0, 40)];
    const closed = giveWayInRows([100], cards, [[2, 3]], options);
    expect([...closed.waiting].sort()).toEqual([2, 3]);
    expect(closed.toggles[0].ids).toEqual([2, 3]);
    const pinned = giveWayInRows([100], cards, [[2, 3]], { ...options, pinned: new Set([3]) });
    expect(pinned.waiting.size).toBe(0);
    expect(pinned.tops.get(2)).toBe(408);
    expect(pinned.tops.get(3)).toBe(428);
    const opened = giveWayInRows([100], cards, [[2, 3]], { ...options, opened: new Set([stackKey(0, 'start-1')]) });
    expect(opened.tops.get(3)).toBe(opened.tops.get(2)! + 20);
  });
});
