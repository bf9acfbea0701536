/**
 * The boxes of the bands that hold the cards of a column (see the layout controller). Pure, so
 * it is tested without a browser.
 */

/** Room a band keeps around its cards, for their focus rings (a band off screen clips its paint). */
export const bandMargin = 4;

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
