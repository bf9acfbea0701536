// Mapping offsets from one version of a text to the next through a diff (step 2 of the anchoring ladder (README, "Anchoring")), for
// versions that arrive whole (an import, an upload) rather than as ProseMirror steps.
//
// The diff is tiered so that a large text with few edits stays cheap:
//   1. paragraphs (lines of the projection, each with its "\n"), aligned by `alignTokens`: a
//      minimal Myers diff (jsdiff `diffArrays`) first; if the paragraphs differ too much for its
//      budget, paragraphs unique to both versions anchor the alignment (the patience-diff idea,
//      O(n log n)) and Myers aligns only the short gaps between anchors; a gap that is still too
//      different is aligned again on folded paragraphs (fold.ts), which is what pairs each verse
//      of a new edition that re-pointed or re-punctuated every verse with its old self;
//   2. a pair of paragraphs equal after folding is aligned cluster by cluster through the fold
//      maps, in linear time: every letter maps to its re-pointed self;
//   3. characters with `diffChars`, inside each run of changed paragraphs only;
//   4. if a run is too different for a character diff within budget: words (aligned as in 1–2),
//      then characters inside the changed words; failing that, the run is one replacement.
// Myers costs about O(n + d²) for d edits, and jsdiff's constant is large (d = 4,000 paragraph
// edits took over a second), so every Myers call has the budget `maxMyersEdits`, and is not even
// tried when a count of the tokens one side has more of than the other already exceeds it: a
// revision touching thousands of paragraphs goes straight to the anchors, and a wholesale rewrite
// degrades to "this run was replaced" instead of running for minutes. Patience alignment is not
// always minimal (a unique line can pair across a move and strand a neighbour), which is why it is
// the fallback and not the first try. Diffing paragraphs first also means a paragraph with an
// identical twin may be paired with the twin rather than with its own edited self; resolution
// then sees the gloss's copy as deleted and the twin as text that was already there, and gives
// the segment or an orphan: a miss, never a wrong place.

import { diffArrays, diffChars } from 'diff';
import { foldKey, foldText } from './fold.ts';
import type { TextMapper } from './types.ts';

/**
 * The most edits one Myers call (on paragraphs, words or characters) tries before giving up and
 * falling back to the next tier. 500 keeps a failed attempt to a few tens of milliseconds.
 */
export const maxMyersEdits = 500;

/** A replaced region: old `oldStart..oldEnd` became new `newStart..newEnd` (either may be empty). */
interface Change {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** A token with no identity of its own (an empty paragraph, a run of spaces): never an anchor. */
const blank = /^\s*$/;

/** Indices of a longest strictly increasing subsequence of `values`. */
function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: index in values of the smallest tail of an increasing run of length k + 1
  const previous = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[tails[mid]] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const out = new Array<number>(tails.length);
  for (let k = tails.length - 1, i = tails[k]; k >= 0; k--, i = previous[i]) out[k] = i;
  return out;
}

/**
 * Pairs of tokens `a[ai[k]]`, `b[bi[k]]` that are equal, or equal after folding, increasing in
 * both: the common head and tail, then a Myers diff of the middle (a minimal diff: the usual
 * revision). Over budget, tokens occurring exactly once in each side (and not blank) anchor the
 * alignment (the longest increasing chain of them) and Myers aligns each gap between anchors; a
 * gap still over budget is aligned the same way on folded tokens. Folding is what pairs each verse
 * of a re-pointed or re-punctuated edition with its old self; it is done only where needed.
 */
function alignTokens(a: readonly string[], b: readonly string[]): { ai: number[]; bi: number[] } {
  const ai: number[] = [];
  const bi: number[] = [];
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    ai.push(head);
    bi.push(head);
    head++;
  }
  let aEnd = a.length;
  let bEnd = b.length;
  while (aEnd > head && bEnd > head && a[aEnd - 1] === b[bEnd - 1]) {
    aEnd--;
    bEnd--;
  }
  /** Aligns x[a0..a1) with y[b0..b1) by Myers; false (and nothing aligned) if over budget. */
  const myers = (x: readonly string[], y: readonly string[], a0: number, a1: number, b0: number, b1: number): boolean => {
    if (a0 === a1 || b0 === b1) return true;
    const d = diffArrays(x.slice(a0, a1), y.slice(b0, b1), { maxEditLength: maxMyersEdits });
    if (!d) return false;
    let i = a0;
    let j = b0;
    for (const c of d) {
      if (c.removed) i += c.count;
      else if (c.added) j += c.count;
      else {
        for (let k = 0; k < c.count; k++) {
          ai.push(i++);
          bi.push(j++);
        }
      }
    }
    return true;
  };
  /** Pairs the tokens unique to both x[a0..a1) and y[b0..b1) (longest increasing chain), handing each gap to `gap`. */
  const patience = (x: readonly string[], y: readonly string[], a0: number, a1: number, b0: number, b1: number, gap: (a0: number, a1: number, b0: number, b1: number) => void): void => {
    const onceInX = new Map<string, number>();
    for (let i = a0; i < a1; i++) onceInX.set(x[i], onceInX.has(x[i]) ? -1 : i);
    const onceInY = new Map<string, number>();
    for (let j = b0; j < b1; j++) onceInY.set(y[j], onceInY.has(y[j]) ? -1 : j);
    const candX: number[] = [];
    const candY: number[] = [];
    for (let i = a0; i < a1; i++) {
      const j = onceInY.get(x[i]);
      if (j !== undefined && j >= 0 && onceInX.get(x[i]) === i && !blank.test(x[i])) {
        candX.push(i);
        candY.push(j);
      }
    }
    let i0 = a0;
    let j0 = b0;
    for (const k of longestIncreasing(candY)) {
      gap(i0, candX[k], j0, candY[k]);
      ai.push(candX[k]);
      bi.push(candY[k]);
      i0 = candX[k] + 1;
      j0 = candY[k] + 1;
    }
    gap(i0, a1, j0, b1);
  };
  /**
   * A lower bound on the edits Myers needs for x[a0..a1) → y[b0..b1): the tokens one side has
   * more of than the other. Above the budget, Myers is not even tried (a failed try costs as much
   * as a budget's worth of work).
   */
  const surelyOverBudget = (x: readonly string[], y: readonly string[], a0: number, a1: number, b0: number, b1: number): boolean => {
    if (Math.abs(a1 - a0 - (b1 - b0)) > maxMyersEdits) return true;
    const balance = new Map<string, number>();
    for (let i = a0; i < a1; i++) balance.set(x[i], (balance.get(x[i]) ?? 0) + 1);
    for (let j = b0; j < b1; j++) balance.set(y[j], (balance.get(y[j]) ?? 0) - 1);
    let unmatched = 0;
    for (const v of balance.values()) unmatched += Math.abs(v);
    return unmatched > maxMyersEdits;
  };
  const ka: string[] = [];
  const kb: string[] = [];
  const folded = (a0: number, a1: number, b0: number, b1: number): void => {
    if (a0 === a1 || b0 === b1) return;
    for (let i = a0; i < a1; i++) ka[i] = foldKey(a[i]);
    for (let j = b0; j < b1; j++) kb[j] = foldKey(b[j]);
    if (!surelyOverBudget(ka, kb, a0, a1, b0, b1) && myers(ka, kb, a0, a1, b0, b1)) return;
    patience(ka, kb, a0, a1, b0, b1, (g0, g1, h0, h1) => void myers(ka, kb, g0, g1, h0, h1));
  };
  if (surelyOverBudget(a, b, head, aEnd, head, bEnd) || !myers(a, b, head, aEnd, head, bEnd)) {
    patience(a, b, head, aEnd, head, bEnd, (g0, g1, h0, h1) => {
      const whole = g0 === head && g1 === aEnd; // no anchors: Myers already failed on this
      if (whole || surelyOverBudget(a, b, g0, g1, h0, h1) || !myers(a, b, g0, g1, h0, h1)) folded(g0, g1, h0, h1);
    });
  }
  for (let k = 0; aEnd + k < a.length; k++) {
    ai.push(aEnd + k);
    bi.push(bEnd + k);
  }
  return { ai, bi };
}

/** Receives a region of the old text and the region of the new text it became. */
type RegionCallback = (oldStart: number, oldEnd: number, newStart: number, newEnd: number) => void;

/**
 * Walks the alignment of two token lists (which concatenate to the texts, offset by `oldBase` and
 * `newBase`): `onChange` gets each region of unpaired tokens, `onFoldedPair` each pair of tokens
 * equal only after folding.
 */
function forEachChangedRegion(
  a: readonly string[],
  b: readonly string[],
  onChange: RegionCallback,
  onFoldedPair: RegionCallback,
  oldBase = 0,
  newBase = 0,
): void {
  const { ai, bi } = alignTokens(a, b);
  let i = 0;
  let j = 0;
  let o = oldBase;
  let n = newBase;
  for (let k = 0; k <= ai.length; k++) {
    const toA = k < ai.length ? ai[k] : a.length;
    const toB = k < bi.length ? bi[k] : b.length;
    let o1 = o;
    for (; i < toA; i++) o1 += a[i].length;
    let n1 = n;
    for (; j < toB; j++) n1 += b[j].length;
    if (o1 > o || n1 > n) onChange(o, o1, n, n1);
    o = o1;
    n = n1;
    if (k < ai.length) {
      const lo = a[i].length;
      const ln = b[j].length;
      if (a[i] !== b[j]) onFoldedPair(o, o + lo, n, n + ln);
      o += lo;
      n += ln;
      i++;
      j++;
    }
  }
}

/** The lengths of the common head and tail of `a` and `b`, never splitting a surrogate pair. */
function commonEnds(a: string, b: string): { head: number; tail: number } {
  let head = 0;
  const maxHead = Math.min(a.length, b.length);
  while (head < maxHead && a.charCodeAt(head) === b.charCodeAt(head)) head++;
  if (head > 0 && isHighSurrogate(a.charCodeAt(head - 1))) head--;
  let tail = 0;
  const maxTail = maxHead - head;
  while (tail < maxTail && a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)) tail++;
  if (tail > 0 && isLowSurrogate(a.charCodeAt(a.length - tail))) tail--;
  return { head, tail };
}

/** The paragraphs of a projection, each with its "\n" (the last without): concatenated, the text. */
function paragraphs(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const wordPattern = /\s+|[^\s]+/g;

/** The changes between two texts, in order, touching changes merged. */
class ChangeList {
  readonly changes: Change[] = [];

  /** Adds a change after all earlier ones, merging it with the previous one when they touch. */
  add(oldStart: number, oldEnd: number, newStart: number, newEnd: number): void {
    if (oldStart === oldEnd && newStart === newEnd) return;
    const last = this.changes[this.changes.length - 1];
    if (last && last.oldEnd === oldStart && last.newEnd === newStart) {
      last.oldEnd = oldEnd;
      last.newEnd = newEnd;
    } else {
      this.changes.push({ oldStart, oldEnd, newStart, newEnd });
    }
  }

  /** Adds `a[a0..a1)` → `b[b0..b1)` (at `oldBase`, `newBase`) as one replacement, less their common ends. */
  replace(a: string, a0: number, a1: number, b: string, b0: number, b1: number, oldBase: number, newBase: number): void {
    const max = Math.min(a1 - a0, b1 - b0);
    let head = 0;
    while (head < max && a.charCodeAt(a0 + head) === b.charCodeAt(b0 + head)) head++;
    if (head === a1 - a0 && head === b1 - b0) return;
    if (head > 0 && isHighSurrogate(a.charCodeAt(a0 + head - 1))) head--;
    let tail = 0;
    while (tail < max - head && a.charCodeAt(a1 - 1 - tail) === b.charCodeAt(b1 - 1 - tail)) tail++;
    if (tail > 0 && isLowSurrogate(a.charCodeAt(a1 - tail))) tail--;
    this.add(oldBase + a0 + head, oldBase + a1 - tail, newBase + b0 + head, newBase + b1 - tail);
  }

  /**
   * Aligns two texts equal after folding, cluster by cluster: between consecutive folded units
   * where both texts start a raw cluster, the raw stretches are compared and, if different,
   * replaced less their common ends (so "ב" → "בְּ" is an insertion after the letter).
   */
  alignFolded(a: string, b: string, oldBase: number, newBase: number): void {
    const fa = foldText(a);
    const fb = foldText(b);
    if (fa.folded !== fb.folded) {
      this.diffRun(a, b, oldBase, newBase);
      return;
    }
    const len = fa.folded.length;
    let prevA = 0;
    let prevB = 0;
    for (let k = 0; k <= len; k++) {
      const atA = k < len ? fa.map[k] : a.length;
      const atB = k < len ? fb.map[k] : b.length;
      const sync = k === 0 || k === len || (fa.map[k] !== fa.map[k - 1] && fb.map[k] !== fb.map[k - 1]);
      if (!sync) continue;
      this.replace(a, prevA, atA, b, prevB, atB, oldBase, newBase);
      prevA = atA;
      prevB = atB;
    }
  }

  /** Diffs one changed run `a` (at old offset `oldBase`) against `b` (at new offset `newBase`). */
  diffRun(a: string, b: string, oldBase: number, newBase: number, allowWords = true): void {
    const { head, tail } = commonEnds(a, b);
    const oldStart = oldBase + head;
    const newStart = newBase + head;
    const x = a.slice(head, a.length - tail);
    const y = b.slice(head, b.length - tail);
    if (x.length === 0 || y.length === 0) {
      this.add(oldStart, oldStart + x.length, newStart, newStart + y.length);
      return;
    }
    const chars = diffChars(x, y, { maxEditLength: maxMyersEdits });
    if (chars) {
      let o = oldStart;
      let n = newStart;
      for (const c of chars) {
        const len = c.value.length;
        if (c.removed) {
          this.add(o, o + len, n, n);
          o += len;
        } else if (c.added) {
          this.add(o, o, n, n + len);
          n += len;
        } else {
          o += len;
          n += len;
        }
      }
      return;
    }
    if (allowWords) {
      forEachChangedRegion(
        x.match(wordPattern) ?? [],
        y.match(wordPattern) ?? [],
        (o0, o1, n0, n1) => this.diffRun(x.slice(o0 - oldStart, o1 - oldStart), y.slice(n0 - newStart, n1 - newStart), o0, n0, false),
        (o0, o1, n0, n1) => this.alignFolded(x.slice(o0 - oldStart, o1 - oldStart), y.slice(n0 - newStart, n1 - newStart), o0, n0),
        oldStart,
        newStart,
      );
      return;
    }
    this.add(oldStart, oldStart + x.length, newStart, newStart + y.length);
  }
}

function checkOffset(name: string, offset: number, max: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > max) {
    throw new RangeError(`${name} ${offset} is outside 0..${max}`);
  }
}

/**
 * A `TextMapper` from `oldText` to `newText`, built from a diff of paragraphs (split after each
 * "\n") and then of characters inside the changed paragraphs only; see the file header for the
 * tiers and budgets. Positions inside deleted or replaced text map to the replacement's start or
 * end (ProseMirror's convention: the start of a replaced range stays at its start, its end at its
 * end, and `assoc` decides for the positions strictly inside and for pure insertions). `map` is
 * monotonic for a fixed `assoc`. `changedRanges()` lists the new text the old version did not
 * have. Building costs a pass over both texts plus the diffs; each query is a binary search.
 * Offsets outside `0..oldText.length` throw `RangeError`.
 */
export function createTextMapper(oldText: string, newText: string): TextMapper {
  const list = new ChangeList();
  if (oldText !== newText) {
    forEachChangedRegion(
      paragraphs(oldText),
      paragraphs(newText),
      (o0, o1, n0, n1) => list.diffRun(oldText.slice(o0, o1), newText.slice(n0, n1), o0, n0),
      (o0, o1, n0, n1) => list.alignFolded(oldText.slice(o0, o1), newText.slice(n0, n1), o0, n0),
    );
  }
  return mapperFromChanges(list.changes, oldText.length);
}

function mapperFromChanges(changes: readonly Change[], oldLength: number): TextMapper {
  /** Index of the last change with oldStart <= offset, or -1. */
  const lastStartingAtOrBefore = (offset: number): number => {
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (changes[mid].oldStart <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  const map = (offset: number, assoc: -1 | 1): number => {
    checkOffset('offset', offset, oldLength);
    const k = lastStartingAtOrBefore(offset);
    if (k < 0) return offset;
    const c = changes[k];
    if (c.oldStart === c.oldEnd && offset === c.oldStart) return assoc < 0 ? c.newStart : c.newEnd;
    if (offset === c.oldStart) return c.newStart;
    if (offset < c.oldEnd) return assoc < 0 ? c.newStart : c.newEnd;
    return offset - c.oldEnd + c.newEnd;
  };
  const deletedBetween = (start: number, end: number): boolean => {
    checkOffset('start', start, oldLength);
    checkOffset('end', end, oldLength);
    if (end < start) throw new RangeError(`end ${end} is before start ${start}`);
    return start < end && map(start, 1) >= map(end, -1);
  };
  let changed: { start: number; end: number }[] | null = null;
  const changedRanges = (): readonly { start: number; end: number }[] =>
    (changed ??= changes.map((c) => ({ start: c.newStart, end: c.newEnd })));
  return { map, deletedBetween, changedRanges };
}

/** The `TextMapper` of an unchanged text: every offset maps to itself and nothing was deleted. Offsets must be non-negative integers. */
export const identityMapper: TextMapper = {
  map(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset ${offset} is not a non-negative integer`);
    return offset;
  },
  deletedBetween(start: number, end: number): boolean {
    if (!Number.isInteger(start) || start < 0) throw new RangeError(`start ${start} is not a non-negative integer`);
    if (!Number.isInteger(end) || end < start) throw new RangeError(`end ${end} is before start ${start}`);
    return false;
  },
};
