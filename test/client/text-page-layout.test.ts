/** The text page's pure layout: which cards go in which group, band, column and fold, and what a re-read keeps. */
import { describe, expect, it } from 'vitest';
import type { Gloss } from '../../client/api.ts';
import type { Placed, Side } from '../../client/layout/arrange.ts';
import { bandExtents } from '../../client/layout/columns.ts';
import { giveWay, stackKey, type WayCard } from '../../client/layout/give-way.ts';
import { bandBlocks, bandOfBlock, groupBy, layersAbove, rootOf } from '../../client/layout/groups.ts';
import { keepUnchanged } from '../../client/layout/keep-unchanged.ts';

/** Just what the layout reads of a gloss. */
const g = (id: number, layer: string, on: Gloss | null = null, start = 0) =>
  ({ id, layer, target: { gloss: on?.id ?? null }, anchor: { start, end: start + 1 } }) as unknown as Gloss;

const place = (gloss: Gloss, side: Side, depth: number, parent: Gloss | null = null): Placed => ({ gloss, side, depth, parent });

describe('keepUnchanged', () => {
  it('keeps the old object of each unchanged item, by id or slug, and takes the changed and new ones', () => {
    const old = [{ id: 1, body: 'a' }, { id: 2, body: 'b' }];
    const next = [{ id: 2, body: 'b' }, { id: 1, body: 'changed' }, { id: 3, body: 'c' }];
    const kept = keepUnchanged(old, next);
    expect(kept[0]).toBe(old[1]);
    expect(kept[1]).toBe(next[1]);
    expect(kept[2]).toBe(next[2]);
    const layers = [{ slug: 'notes', name: 'Notes' }];
    expect(keepUnchanged(layers, [{ slug: 'notes', name: 'Notes' }])[0]).toBe(layers[0]);
  });
});

describe('groupBy', () => {
  it('keeps keys in order of first appearance and items in order, leaving out undefined keys', () => {
    const groups = groupBy([1, 2, 3, 4, 5, 6], (n) => (n === 5 ? undefined : n % 3));
    expect([...groups]).toEqual([
      [1, [1, 4]],
      [2, [2]],
      [0, [3, 6]],
    ]);
  });
});

describe('layersAbove and rootOf', () => {
  const a = g(1, 'notes');
  const b = g(2, 'talk', a);
  const c = g(3, 'notes', b);
  const byId = new Map([a, b, c].map((x) => [x.id, x]));
  const lookup = (id: number | null) => (id === null ? null : (byId.get(id) ?? null));

  it('lists a gloss’s layer, then those of every gloss above it', () => {
    expect(layersAbove(place(a, 'start', 1), lookup)).toEqual(['notes']);
    expect(layersAbove(place(c, 'start', 3, b), lookup)).toEqual(['notes', 'talk', 'notes']);
  });

  it('finds the gloss on the text a gloss hangs on', () => {
    expect(rootOf(c, lookup)).toBe(a);
    expect(rootOf(a, lookup)).toBe(a);
  });
});

describe('bandOfBlock', () => {
  it('puts every bandBlocks blocks of the text in one band', () => {
    expect(bandOfBlock(0)).toBe(0);
    expect(bandOfBlock(bandBlocks - 1)).toBe(0);
    expect(bandOfBlock(bandBlocks)).toBe(1);
  });
});

describe('giveWay', () => {
  const card = (id: number, passage: number, anchor: number, height: number, more: Partial<WayCard> = {}): WayCard => ({
    id,
    passage,
    column: 'start-1',
    depth: 1,
    parent: null,
    anchor,
    height,
    ...more,
  });
  const options = { gap: 8, reach: 400, toggleHeight: 28, opened: new Set<string>() };

  it('places cards level with their words, pushed down on collision, a gloss on a gloss from its parent’s top', () => {
    const cards = [card(1, 0, 100, 40), card(2, 0, 110, 30), card(3, 0, 50, 10, { column: 'end-1' }), card(4, 0, 20, 15, { column: 'start-2', depth: 2, parent: 1 })];
    const { tops, rooms, bottoms, waiting } = giveWay([1000], cards, options);
    expect(tops.get(1)).toBe(100);
    expect(tops.get(2)).toBe(148); // pushed under the first, with the gap
    expect(tops.get(3)).toBe(50);
    expect(tops.get(4)).toBe(120); // its parent's top and its words' place in it
    expect(rooms).toEqual([0]); // the passage is taller than its cards
    expect(bottoms).toEqual(new Map([['start-1', 178], ['end-1', 60], ['start-2', 135]]));
    expect(waiting.size).toBe(0);
  });

  it('gives way: room after a passage whose cards reach past its end, so the next passage starts level with its own', () => {
    // Passage 0 ends at 100 but its cards reach 100 + 8 + 200; passage 1's words are at 120.
    const cards = [card(1, 0, 0, 100), card(2, 0, 10, 200), card(3, 1, 120, 20), card(4, 1, 130, 20, { column: 'end-1' })];
    const { tops, rooms } = giveWay([100, 300], cards, options);
    expect(tops.get(2)).toBe(108);
    expect(rooms[0]).toBe(108 + 200 - 100 + 8);
    // Both columns of passage 1 start at their words, moved down by the room kept above.
    expect(tops.get(3)).toBe(120 + rooms[0]);
    expect(tops.get(4)).toBe(130 + rooms[0]);
    expect(rooms[1]).toBe(0);
  });

  it('keeps every shown card within reach of its words: the rest wait behind one toggle, in order, until opened', () => {
    const cards = Array.from({ length: 50 }, (_, i) => card(i + 1, 0, 10, 60));
    const closed = giveWay([40, 80], [...cards, card(99, 1, 50, 20)], options);
    const shown = [...closed.tops].filter(([id]) => id !== 99);
    for (const [, top] of shown) expect(top - 10).toBeLessThanOrEqual(options.reach);
    expect(shown.length).toBe(6); // 10, 78, …, 350: the next would stand 408 below
    const [toggle] = closed.toggles;
    expect(toggle).toMatchObject({ key: stackKey(0, 'start-1'), passage: 0, column: 'start-1', top: 10 + 6 * 68, open: false });
    expect(toggle.ids).toEqual(Array.from({ length: 44 }, (_, i) => i + 7));
    expect(closed.waiting.size).toBe(44);
    expect(closed.rooms[0]).toBe(toggle.top + 28 - 40 + 8); // room for the toggle too
    expect(closed.tops.get(99)).toBe(50 + closed.rooms[0]);

    const opened = giveWay([40, 80], [...cards, card(99, 1, 50, 20)], { ...options, opened: new Set([toggle.key]) });
    expect(opened.waiting.size).toBe(0);
    expect(opened.toggles[0]).toMatchObject({ top: toggle.top, open: true });
    expect(opened.tops.get(7)).toBe(toggle.top + 28 + 8); // under the toggle
    expect(opened.tops.get(99)! - 50).toBe(opened.rooms[0]); // the next passage still starts level with its cards
  });

  it('shows a pinned card past reach before the toggle, the others still waiting', () => {
    const cards = Array.from({ length: 20 }, (_, i) => card(i + 1, 0, 0, 60));
    const { tops, toggles, waiting } = giveWay([40], cards, { ...options, pinned: new Set([20]) });
    expect(tops.get(20)).toBe(6 * 68); // right under the six within reach
    expect(toggles[0].top).toBe(7 * 68);
    expect(toggles[0].ids).toEqual(Array.from({ length: 13 }, (_, i) => i + 7));
    expect(waiting.has(20)).toBe(false);
  });

  it('keeps at least the rooms it is given, so hiding cards moves no text', () => {
    const all = [card(1, 0, 0, 300), card(2, 1, 120, 20)];
    const { rooms } = giveWay([100, 300], all, options);
    const fewer = giveWay([100, 300], [all[1]], { ...options, rooms });
    expect(fewer.rooms).toEqual(rooms);
    expect(fewer.tops.get(2)).toBe(120 + rooms[0]);
  });

  it('keeps the cards on a waiting card waiting too', () => {
    const cards = [card(1, 0, 0, 500), card(2, 0, 0, 50), card(3, 0, 5, 10, { column: 'start-2', depth: 2, parent: 2 })];
    const { waiting, tops } = giveWay([100], cards, { ...options, reach: 100 });
    expect([...waiting].sort()).toEqual([2, 3]);
    expect(tops.has(3)).toBe(false);
  });

  it('folds a narrow screen: with a reach below zero every passage’s cards wait behind its toggle, in reading order when opened', () => {
    const narrow = { ...options, reach: -1 };
    const cards = [card(1, 0, 108, 30, { order: 2 }), card(2, 0, 108, 20, { order: 1 }), card(3, 1, 308, 40)];
    const closed = giveWay([100, 300], cards, narrow);
    expect(closed.tops.size).toBe(0);
    expect(closed.toggles.map((t) => [t.top, t.ids])).toEqual([[108, [2, 1]], [308 + 8 + 28 + 8, [3]]]);
    expect(closed.rooms).toEqual([8 + 28 + 8, 8 + 28 + 8]);
    const opened = giveWay([100, 300], cards, { ...narrow, opened: new Set([stackKey(0, 'start-1')]) });
    expect(opened.tops.get(2)).toBe(108 + 28 + 8);
    expect(opened.tops.get(1)).toBe(108 + 28 + 8 + 20 + 8);
  });

  it('refuses a card of no height', () => {
    expect(() => giveWay([100], [card(1, 0, 0, Number.NaN)], options)).toThrow(RangeError);
  });
});

describe('bandExtents', () => {
  it('spans each band from its first card’s top to its last card’s bottom, with the margin', () => {
    const tops = new Map([[1, 100], [2, 20], [3, 500]]);
    const heights = new Map([[1, 50], [2, 30], [3, 10]]);
    const bands = new Map([[1, 'x'], [2, 'x']]);
    expect(bandExtents(tops, (id) => bands.get(id), heights, 4)).toEqual(new Map([['x', { top: 16, bottom: 154 }]]));
  });
});
