// Describing a range of a text as the selectors a gloss stores (README, "Anchoring").

import type { Segment, Selectors } from './types.ts';

/**
 * How many UTF-16 code units of context the prefix and suffix keep on each side: enough to tell
 * apart repeated phrases, short enough to survive nearby edits (the W3C and Hypothesis use 32).
 */
export const contextLength = 32;

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * The index of the segment containing `offset` in `segments` (in order, non-overlapping), or -1.
 * A segment contains `start..end - 1`; an offset at a segment's end belongs to it only when no
 * segment starts there (a caret at the end of the last verse).
 */
export function segmentIndexAt(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  if (lo < segments.length && segments[lo].start <= offset) return lo;
  return lo > 0 && segments[lo - 1].end === offset ? lo - 1 : -1;
}

/**
 * The selectors for `text[start..end]`: the exact quote, up to `contextLength` code units of prefix
 * and suffix (one fewer when the cut would split a surrogate pair), the offsets, and the ref of the
 * segment containing `start` (`null` when no segment does or none are given). A range crossing
 * segments records the one it starts in, so that its fallback is where the reader began. Throws
 * `RangeError` when `start`/`end` are not integers with 0 ≤ start ≤ end ≤ text.length.
 */
export function describeRange(text: string, start: number, end: number, segments?: readonly Segment[]): Selectors {
  if (!Number.isInteger(start) || start < 0 || start > text.length) {
    throw new RangeError(`start ${start} is outside 0..${text.length}`);
  }
  if (!Number.isInteger(end) || end < start || end > text.length) {
    throw new RangeError(`end ${end} is outside ${start}..${text.length}`);
  }
  let prefixStart = Math.max(0, start - contextLength);
  if (prefixStart > 0 && isLowSurrogate(text.charCodeAt(prefixStart)) && isHighSurrogate(text.charCodeAt(prefixStart - 1))) {
    prefixStart++;
  }
  let suffixEnd = Math.min(text.length, end + contextLength);
  if (suffixEnd < text.length && isHighSurrogate(text.charCodeAt(suffixEnd - 1)) && isLowSurrogate(text.charCodeAt(suffixEnd))) {
    suffixEnd--;
  }
  const index = segments ? segmentIndexAt(segments, start) : -1;
  return {
    exact: text.slice(start, end),
    prefix: text.slice(prefixStart, start),
    suffix: text.slice(end, Math.max(end, suffixEnd)),
    start,
    end,
    segment: index >= 0 ? segments![index].ref : null,
  };
}
