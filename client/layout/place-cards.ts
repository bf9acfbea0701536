/**
 * Column layout for gloss cards, in the manner of comment margins: each card wants to sit level
 * with its anchor; cards are taken top to bottom and pushed down just enough not to overlap the
 * card above. Pure arithmetic, so it is tested without a browser.
 */

/** A card that wants to sit at `top` and is `height` tall. */
export interface CardRequest {
  id: number;
  top: number;
  height: number;
}

/** Vertical space kept between two cards, in pixels. */
export const cardGap = 8;

/** Space in a column that is already taken (by cards placed before), from `top`, `height` tall. */
export interface Taken {
  top: number;
  height: number;
}

/**
 * The top of every card, keyed by id. Cards are ordered by wanted top, ties by id, so the same
 * input always gives the same layout. A card never overlaps one placed before it, nor any
 * `taken` space: it is pushed down below them, keeping `gap` between.
 */
export function placeCards(cards: readonly CardRequest[], gap = cardGap, taken: readonly Taken[] = []): Map<number, number> {
  const sorted = [...cards].sort((a, b) => a.top - b.top || a.id - b.id);
  const obstacles = [...taken].sort((a, b) => a.top - b.top);
  const placed = new Map<number, number>();
  let floor = -Infinity;
  for (const card of sorted) {
    if (!(card.height >= 0)) throw new RangeError(`Card ${card.id} has height ${card.height}`);
    let top = Math.max(card.top, floor);
    for (const o of obstacles) {
      if (top < o.top + o.height + gap && o.top < top + card.height + gap) top = o.top + o.height + gap;
    }
    placed.set(card.id, top);
    floor = top + card.height + gap;
  }
  return placed;
}
