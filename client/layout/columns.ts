/**
 * Where the cards go in the columns beside the text, given their measured anchors and heights,
 * and the boxes of the bands that hold them. Pure, so it is tested without a browser.
 */
import type { Placed, Side } from './arrange.ts';
import { placeCards } from './place-cards.ts';

/** Room a band keeps around its cards, for their focus rings (a band off screen clips its paint). */
export const bandMargin = 4;

export interface ColumnLayout {
  /** Each placed card's top in its column. */
  tops: Map<number, number>;
  /** The bottom of each column's last card, keyed `side-depth`. */
  bottoms: Map<string, number>;
}

/**
 * Places every shown card level with its anchor, pushed down on collision: first the columns
 * beside the text (anchors from the top of the text), then each column further out (anchors
 * from the top of the card it is on, which must be placed). A card with no anchor measured, or
 * whose parent was not placed, is left out.
 */
export function stackColumns(
  shown: readonly Placed[],
  columns: Record<Side, number>,
  anchors: ReadonlyMap<number, number>,
  heights: ReadonlyMap<number, number>,
): ColumnLayout {
  const tops = new Map<number, number>();
  const bottoms = new Map<string, number>();
  const depths = Math.max(columns.start, columns.end);
  for (let depth = 1; depth <= depths; depth++) {
    for (const side of ['start', 'end'] as const) {
      const requests = [];
      for (const p of shown) {
        if (p.depth !== depth || p.side !== side) continue;
        const anchor = anchors.get(p.gloss.id);
        const base = p.parent ? tops.get(p.parent.id) : 0;
        if (anchor === undefined || base === undefined) continue;
        requests.push({ id: p.gloss.id, top: base + anchor, height: heights.get(p.gloss.id) ?? 0 });
      }
      const placed = placeCards(requests);
      let bottom = 0;
      for (const r of requests) {
        const top = placed.get(r.id)!;
        tops.set(r.id, top);
        bottom = Math.max(bottom, top + r.height);
      }
      bottoms.set(`${side}-${depth}`, bottom);
    }
  }
  return { tops, bottoms };
}

/**
 * The box of each band: from its first card's top to its last card's bottom, and `margin`
 * more on each end for the focus rings. Cards without a band are left out.
 */
export function bandExtents<B>(
  tops: ReadonlyMap<number, number>,
  bandOf: (id: number) => B | undefined,
  heights: ReadonlyMap<number, number>,
  margin = bandMargin,
): Map<B, { top: number; bottom: number }> {
  const extents = new Map<B, { top: number; bottom: number }>();
  for (const [id, top] of tops) {
    const band = bandOf(id);
    if (band === undefined) continue;
    const bottom = top + (heights.get(id) ?? 0);
    const extent = extents.get(band);
    if (!extent) extents.set(band, { top, bottom });
    else {
      extent.top = Math.min(extent.top, top);
      extent.bottom = Math.max(extent.bottom, bottom);
    }
  }
  for (const extent of extents.values()) {
    extent.top -= margin;
    extent.bottom += margin;
  }
  return extents;
}
