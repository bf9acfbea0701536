/** The text page's pure layout: which cards go in which group, band, column and fold, and what a re-read keeps. */
import { describe, expect, it } from 'vitest';
import type { Gloss } from '../../client/api.ts';
import type { Placed, Side } from '../../client/layout/arrange.ts';
import { bandExtents, stackColumns } from '../../client/layout/columns.ts';
import { foldCards } from '../../client/layout/fold.ts';
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

describe('stackColumns', () => {
  it('places each column level with its anchors, a gloss on a gloss from its parent’s top, and leaves out what it cannot place', () => {
    const a = g(1, 'notes');
    const b = g(2, 'notes');
    const e = g(3, 'talk');
    const onA = g(4, 'talk', a);
    const lost = g(5, 'talk', g(99, 'x'));
    const shown = [place(a, 'start', 1), place(b, 'start', 1), place(e, 'end', 1), place(onA, 'start', 2, a), place(lost, 'start', 2, g(99, 'x'))];
    const anchors = new Map([[1, 100], [2, 110], [3, 50], [4, 20], [5, 0]]);
    const heights = new Map([[1, 40], [2, 30], [3, 10], [4, 15], [5, 15]]);
    const { tops, bottoms } = stackColumns(shown, { start: 2, end: 1 }, anchors, heights);
    expect(tops.get(1)).toBe(100);
    expect(tops.get(2)).toBe(148); // pushed under the first, with the gap
    expect(tops.get(3)).toBe(50);
    expect(tops.get(4)).toBe(120); // its parent's top and its span's place in it
    expect(tops.has(5)).toBe(false); // its parent is not placed
    expect(bottoms).toEqual(new Map([['start-1', 178], ['end-1', 60], ['start-2', 135], ['end-2', 0]]));
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

describe('foldCards', () => {
  it('stacks each fold’s cards under it, and moves every later fold down by the room kept above', () => {
    const heights = new Map([[1, 30], [2, 20], [3, 40]]);
    const { tops, rooms } = foldCards([100, 300, 500], new Map([[0, [1, 2]], [2, [3]]]), heights, 8);
    expect(tops.get(1)).toBe(108);
    expect(tops.get(2)).toBe(146);
    expect(rooms[0]).toBe(8 + 30 + 8 + 20 + 8 + 8);
    expect(rooms[1]).toBe(0);
    expect(tops.get(3)).toBe(500 + rooms[0] + 8);
  });

  it('keeps room for the gaps of a fold listed with no cards', () => {
    expect(foldCards([0], new Map([[0, []]]), new Map(), 8).rooms).toEqual([16]);
  });
});
