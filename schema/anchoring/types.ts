// Types shared by the anchoring modules and their callers (the server stores these shapes).

import type { FoldedText } from './fold.ts';

/**
 * A segment of a text's projection: a verse, a mishnah, a numbered paragraph. `ref` names it
 * (e.g. `1:5`); `start..end` are UTF-16 offsets into the projection. A text's segments are in
 * order and do not overlap.
 */
export interface Segment {
  ref: string;
  start: number;
  end: number;
}

/**
 * What a gloss remembers about the passage it was written on, in the version it was written on:
 * the quoted text, up to 32 code units of context each side (empty at the text's edges or when
 * unknown), its offsets (absent for an import that only knows the quote) and the ref of the
 * segment containing its start (absent or `null` for an unsegmented text).
 */
export interface Selectors {
  exact: string;
  prefix: string;
  suffix: string;
  start?: number | null;
  end?: number | null;
  segment?: string | null;
}

/**
 * How an anchor was found, from surest to weakest:
 * - `exact`   the quote is at the position predicted by the stored offsets (same version) or by
 *             the diff-mapped offsets, verbatim (score 1) or equal after folding (score just below 1);
 * - `moved`   the quote was found verbatim or equal after folding somewhere else;
 * - `fuzzy`   an approximate match of the quote near the predicted position;
 * - `segment` the quote is lost but its segment still exists: the anchor is the whole segment;
 * - `orphan`  nothing holds; the gloss is kept and listed as unanchored.
 */
export type AnchorStatus = 'exact' | 'moved' | 'fuzzy' | 'segment' | 'orphan';

/**
 * Where a gloss sits in a version of a text: UTF-16 offsets into the projection, how it was found,
 * and a score in [0, 1] (1 for a verbatim exact anchor; combined quote and context similarity
 * for `moved` and `fuzzy`; 0 for `segment` and `orphan`). An orphan has no offsets.
 */
export type Anchor =
  | { start: number; end: number; status: Exclude<AnchorStatus, 'orphan'>; score: number }
  | { start: null; end: null; status: 'orphan'; score: number };

/**
 * Maps offsets in an old version of a text to offsets in a new one. `map(offset, assoc)` returns
 * the new offset; at an insertion point `assoc` -1 keeps the offset before the inserted text and 1
 * moves it after; offsets inside deleted or replaced text go to the start (-1) or end (1) of what
 * replaced it. `deletedBetween(start, end)` tells whether nothing of the old text in `start..end`
 * survives: its ends, mapped inward (start with assoc 1, end with -1), meet (false for an empty
 * range). Both throw `RangeError` for offsets outside the old text.
 */
export interface TextMapper {
  map(offset: number, assoc: -1 | 1): number;
  deletedBetween(start: number, end: number): boolean;
  /**
   * Optional: the ranges of the new text that the old version did not have — inserted or
   * replacing text, and each pure deletion as an empty range at its point — in order, not
   * overlapping. Everything else was kept unchanged. Resolution uses it to tell a passage that
   * moved (new text to the diff) from another copy of the same words that was already there, and
   * to search only the new text for it. Mappers that cannot tell leave it out.
   */
  changedRanges?(): readonly { start: number; end: number }[];
}

/**
 * A version of a text prepared for resolving many anchors against it: the projection, its
 * segments, and its folded form computed on first use and then cached.
 */
export interface AnchorTarget {
  readonly text: string;
  readonly segments: readonly Segment[];
  /** The folded projection, computed on first access. */
  readonly folded: FoldedText;
  /** The segment named `ref`, or `null`. */
  segment(ref: string): Segment | null;
}
