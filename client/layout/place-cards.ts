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

/**
 * The top of every card, keyed by id. Cards are ordered by wanted top, ties by id, so the same
 * input always gives the same layout. A card never overlaps one placed before it: it is pushed
 * down below it, keeping `gap` between.
 */
export function placeCards(cards: readonly CardRequest[], gap = cardGap): Map<number, number> {
  const sorted = [...cards].sort((a, b) => a.top - b.top || a.id - b.id);
  const placed = new Map<number, number>();
  let floor = -Infinity;
  for (const card of sorted) {
    if (!(card.height >= 0)) throw new RangeError(`Card ${card.id} has height ${card.height}`);
    const top = Math.max(card.top, floor);
    placed.set(card.id, top);
    floor = top + card.height + gap;
  }
  return placed;
}
