/**
 * The folded layout of a narrow screen, as arithmetic: the cards of each passage lie one under
 * another in the room kept under it, and that room moves every later passage down. Pure, so it
 * is tested without a browser.
 */
import { cardGap } from './place-cards.ts';

export interface FoldLayout {
  /** Each card's top, from the top of the page. */
  tops: Map<number, number>;
  /** The room kept under each passage (0 where no card folds). */
  rooms: number[];
}

/**
 * `natural` is each fold's top as if no room were kept above it; `byFold` the cards (ids, in
 * order) under each fold — a fold listed with no cards still keeps room for its gaps.
 */
export function foldCards(natural: readonly number[], byFold: ReadonlyMap<number, readonly number[]>, heights: ReadonlyMap<number, number>, gap = cardGap): FoldLayout {
  const tops = new Map<number, number>();
  const rooms: number[] = [];
  let added = 0;
  natural.forEach((top, i) => {
    let y = top + added + gap;
    for (const id of byFold.get(i) ?? []) {
      tops.set(id, y);
      y += (heights.get(id) ?? 0) + gap;
    }
    const room = y - (top + added);
    const height = byFold.has(i) ? room + gap : 0;
    rooms.push(height);
    added += height;
  });
  return { tops, rooms };
}
